"""Rollups: the facts each measure counts, and their rebuild and incremental refresh.

`facts.py` says which records each measure counts and under which dimensions;
`build.py` turns them into `Rollup` rows (a full rebuild, or a refresh of the slices
whose records changed); `queries.py` reads them for dashboards, alerts and outputs.
"""
