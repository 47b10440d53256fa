"""Benchmarks of safepath: `make bench` runs bench/run.py (see bench/README.md)."""
