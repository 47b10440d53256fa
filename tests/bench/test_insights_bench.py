"""The insights benchmark (bench/insights.py) at a tiny scale, so that its code runs in CI:
seeding, the rollups, the dashboard queries, DuckDB's counts (which must equal the
rollups'), and the CTDC export in a subprocess. The figures are not checked: a tiny
database says nothing about speed."""

import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench import insights as bench
from safepath.accounts.models import Organisation
from safepath.cases.models import Assistance, Case
from safepath.insights.models import Rollup, RollupState
from safepath.insights.rollups import build, queries
from safepath.referrals.models import Referral
from safepath.screening.models import Screening

SCREENINGS = 2_000
CASES = 500


def _seed() -> bench.Seeded:
    call_command("demo", "--people", "0", stdout=StringIO())
    return bench.seed_records(screenings=SCREENINGS, cases=CASES, seed=11)


def _everything() -> queries.Filters:
    end = build.period_end("M", build.month_start(timezone.localdate()))
    return queries.Filters(start=datetime.date(2000, 1, 1), end=end)


@pytest.mark.django_db
def test_seeding_spreads_records_and_leaves_the_timestamps_automatic() -> None:
    seeded = _seed()

    stored = bench.stored_counts()
    assert stored["screenings"] == seeded.screenings == SCREENINGS
    assert stored["cases"] == stored["people"] == CASES
    assert stored["possible_victims"] == seeded.possible_victims
    assert 0.08 * SCREENINGS < seeded.possible_victims < 0.25 * SCREENINGS
    assert stored["assistance"] == Assistance.objects.count() > 0
    assert stored["referrals"] == Referral.objects.count() > 0
    # Every stored result is an assessment as the app stores it.
    screening = Screening.objects.order_by("?").first()
    assert screening is not None
    assert screening.assessment().trafficking_indicated == screening.result["trafficking_indicated"]
    # Spread over two years, in the past, over four organisations.
    now = timezone.now()
    oldest = Screening.objects.order_by("created_at").values_list("created_at", flat=True)[0]
    assert (
        now - datetime.timedelta(days=bench.DAYS + 1) < oldest < now - datetime.timedelta(days=400)
    )
    assert not Screening.objects.filter(
        updated_at__gt=now - datetime.timedelta(minutes=30)
    ).exists()
    assert Screening.objects.values("organisation").distinct().count() == 4
    assert Case.objects.values("organisation").distinct().count() == 4
    # The fields are automatic again afterwards.
    field = Screening._meta.get_field("created_at")
    assert field.auto_now_add is True


@pytest.mark.django_db
def test_rollups_refresh_and_dashboard_queries_at_small_scale() -> None:
    _seed()
    report = build.rebuild()
    assert report.rows == Rollup.objects.count() > 0
    assert queries.total("screenings", _everything()) == SCREENINGS
    assert queries.total("cases", _everything()) == CASES

    # Make the changed records older than the watermark's overlap would catch anyway.
    RollupState.objects.update(watermark=timezone.now())
    changed = bench.change_screenings(50)
    assert len(changed) == 50
    refreshed = build.refresh()
    assert refreshed.slices > 0
    assert refreshed.records >= 50
    by_site = queries.breakdown("screenings", "site_type", _everything())
    assert by_site["outreach"] == Screening.objects.filter(site_type="outreach").count()
    assert bench.analyse_rollups() >= 0

    iom = Organisation.objects.get(code="IOM")
    todo = bench.dashboard_queries(timezone.localdate(), iom.pk)
    assert len(todo) == 4 * 17  # four variants of the headlines and the 16 panels
    for query in todo[:3]:
        bench.time_safepath(query, runs=2)
        assert len(query.safepath_ms) == len(query.rollup_ms) == 2
        assert query.counts == bench.rollup_counts(query)


@pytest.mark.django_db(transaction=True)
def test_duckdb_counts_equal_the_rollups_and_the_ctdc_export_runs(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the raw rows are exported with PostgreSQL's COPY")
    _seed()
    settings = connection.settings_dict
    url = (
        f"postgresql://{quote(settings['USER'] or '')}:{quote(settings['PASSWORD'] or '')}"
        f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    rebuilt = bench.build_step("rebuild", bench_url=url)
    assert rebuilt["returncode"] == 0, rebuilt.get("stderr")
    assert rebuilt["rows"] == Rollup.objects.count() > 0
    assert rebuilt["peak_rss_mb"] > 0

    files, _seconds, megabytes = bench.export_raw(tmp_path)
    assert megabytes > 0
    db = bench.load_duckdb(files)
    assert bench.raw_rows(db, "screenings") == SCREENINGS
    assert bench.raw_rows(db, "cases") == CASES
    iom = Organisation.objects.get(code="IOM")
    records = bench.compare(bench.dashboard_queries(timezone.localdate(), iom.pk), db, runs=1)
    db.close()
    assert len(records) == 68
    unequal = [(r["query"], r["variant"], r.get("difference")) for r in records if not r["equal"]]
    assert unequal == []
    assert sum(r["records_counted"] for r in records if r["query"] == "screenings-by-sex") > 0

    expected = bench.ctdc_records()
    exported = bench.ctdc_export(bench_url=url, expected=expected, scratch=tmp_path)
    assert exported["returncode"] == 0, exported.get("stderr")
    assert exported["correct"] is True
    assert exported["report"]["records"] == expected
    assert 0 < exported["rows"] <= expected


def test_arguments_are_checked() -> None:
    assert bench.parse_args([]).screenings == 1_000_000
    args = bench.parse_args(["--screenings", "2000", "--cases", "500", "--reuse-db"])
    assert (args.screenings, args.cases, args.reuse_db, args.keep_db) == (2000, 500, True, False)
    with pytest.raises(SystemExit) as raised:
        bench.parse_args(["--runs", "0"])
    assert raised.value.code == 2
