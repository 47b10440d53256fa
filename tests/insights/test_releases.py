"""Releasing safe statistics (safepath/insights/releases.py): logged, audited, as CSV."""

import io

import pytest
from django.db import DatabaseError, connection, transaction

from safepath.audit.models import AuditEvent
from safepath.insights.models import StatisticsRelease
from safepath.insights.releases import as_csv, safe_table
from safepath.insights.safe_stats import Audience, Thresholds, UnsafeTableError
from tests.conftest import Cast

COUNTS: dict[tuple[str, ...], int] = {
    ("f", "0-4"): 3,
    ("f", "12-17"): 11,
    ("f", "18-59"): 42,
    ("f", "60+"): 9,
    ("m", "0-4"): 8,
    ("m", "12-17"): 13,
    ("m", "18-59"): 27,
    ("m", "60+"): 7,
}
"""Public thresholds (10, rounded to 5): four cells under 10, two in each line and each
column, each pair adding up to at least 10, so rule 6 hides nothing more."""


def test_a_public_release_is_safe_logged_and_audited(cast: Cast) -> None:
    table = safe_table(
        actor=cast.analyst,
        name="people by sex and age",
        dimensions=("sex", "age_band"),
        counts=COUNTS,
        audience="public",
    )
    assert table.thresholds == Thresholds(minimum=10, rounding=5)
    assert table.cells[("f", "0-4")] is None
    assert table.cells[("f", "18-59")] == 40
    assert table.cells[("m", "12-17")] == 15  # 13, rounded half up to 5
    release = StatisticsRelease.objects.get()
    assert str(release.public_id) == table.release_id
    assert (release.actor_id, release.actor_username) == (cast.analyst.pk, "analyst.a")
    assert (release.name, release.audience) == ("people by sex and age", "public")
    assert (release.minimum, release.rounding) == (10, 5)
    assert (release.dimensions, release.strata) == (["sex", "age_band"], [])
    assert (release.cells_published, release.cells_suppressed) == (6, 9)
    event = AuditEvent.objects.get(action="statistics.released")
    assert (event.actor_id, event.object_type, event.object_id) == (
        cast.analyst.pk,
        "statistics_release",
        table.release_id,
    )
    # Codes and counts of figures only: no count of people.
    assert event.detail == {"target": "public", "fields": ["sex", "age_band"], "count": 6}


def test_partner_thresholds_come_from_the_settings(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAFEPATH_STATS_PARTNER_MIN = 10
    table = safe_table(
        actor=cast.analyst,
        name="t",
        dimensions=("sex",),
        # 7 and 6: published at the default minimum of 5, hidden at 10 (two hidden
        # cells adding up to 13, so rule 6 leaves the 12 published).
        counts={("f",): 7, ("m",): 30, ("unknown",): 6, ("x",): 12},
        audience=Audience.PARTNER,
    )
    assert table.thresholds == Thresholds(minimum=10, rounding=1)
    assert table.cells == {("f",): None, ("m",): 30, ("unknown",): None, ("x",): 12}
    assert table.totals == {(None,): None}  # it adds up the hidden 7 and 6
    assert StatisticsRelease.objects.get().minimum == 10


def test_public_thresholds_come_from_the_settings(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAFEPATH_STATS_PUBLIC_MIN = 20
    settings.SAFEPATH_STATS_PUBLIC_ROUND = 10
    table = safe_table(
        actor=cast.analyst,
        name="t",
        dimensions=("sex",),
        counts={("f",): 24, ("m",): 36},
        audience="public",
        totals=False,
    )
    assert table.cells == {("f",): 20, ("m",): 40}
    release = StatisticsRelease.objects.get()
    assert (release.minimum, release.rounding) == (20, 10)


def test_internal_outputs_use_the_partner_thresholds(cast: Cast) -> None:
    table = safe_table(
        actor=cast.supervisor_a,
        name="by organisation",
        dimensions=("organisation",),
        # 4 and 3 hidden (7 together: rule 6 leaves the 6 published).
        counts={("ORGA",): 4, ("ORGB",): 6, ("ORGC",): 3, ("SHELTER",): 9},
        audience="internal",
    )
    assert table.thresholds == Thresholds(minimum=5, rounding=1)
    assert table.cells == {("ORGA",): None, ("ORGB",): 6, ("ORGC",): None, ("SHELTER",): 9}


def test_a_scheduled_job_releases_as_system(db: None) -> None:
    safe_table(
        actor=None,
        name="monthly trends",
        dimensions=("month",),
        counts={("2026-10",): 30},
        audience="partner",
    )
    release = StatisticsRelease.objects.get()
    assert (release.actor_id, release.actor_username) == (None, "system")
    event = AuditEvent.objects.get(action="statistics.released")
    assert (event.actor_id, event.actor_username) == (None, "system")


@pytest.mark.parametrize(
    ("dimensions", "audience", "message"),
    [
        (("voivodeship", "sex", "age_band", "nationality"), "partner", "at most 3 identifying"),
        (("organisation", "sex"), "public", "no organisation dimension"),
        (("organisation", "sex"), "partner", "no organisation dimension"),
    ],
)
def test_a_refused_table_logs_nothing(
    cast: Cast, dimensions: tuple[str, ...], audience: str, message: str
) -> None:
    with pytest.raises(UnsafeTableError, match=message):
        safe_table(
            actor=cast.analyst,
            name="t",
            dimensions=dimensions,
            counts={},
            audience=audience,
        )
    assert StatisticsRelease.objects.count() == 0
    assert AuditEvent.objects.filter(action="statistics.released").count() == 0


def test_an_unknown_audience_is_refused(cast: Cast) -> None:
    with pytest.raises(ValueError, match="'everyone' is not a valid Audience"):
        safe_table(
            actor=cast.analyst, name="t", dimensions=("sex",), counts={}, audience="everyone"
        )
    assert StatisticsRelease.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_releases_are_append_only_in_the_database(cast: Cast) -> None:
    safe_table(
        actor=cast.analyst, name="t", dimensions=("sex",), counts={("f",): 30}, audience="partner"
    )
    release = StatisticsRelease.objects.get()
    for attempt in (
        lambda: StatisticsRelease.objects.filter(pk=release.pk).update(cells_published=0),
        lambda: StatisticsRelease.objects.filter(pk=release.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    release.refresh_from_db()
    assert release.cells_published == 2


def test_the_csv_notes_the_thresholds_and_marks_suppressed_figures(cast: Cast) -> None:
    table = safe_table(
        actor=cast.analyst,
        name="people by sex and age",
        dimensions=("sex", "age_band"),
        counts=COUNTS,
        audience="public",
    )
    out = io.StringIO()
    text = as_csv(table, out)
    assert out.getvalue() == text
    assert text.splitlines() == [
        f"# people by sex and age; release {table.release_id}; audience public; "
        "counts under 10 suppressed; rounded to 5",
        "sex,age_band,count",
        "f,0-4,suppressed",
        "f,12-17,10",
        "f,18-59,40",
        "f,60+,suppressed",
        "m,0-4,suppressed",
        "m,12-17,15",
        "m,18-59,25",
        "m,60+,suppressed",
        "f,Total,suppressed",
        "m,Total,suppressed",
        "Total,0-4,suppressed",
        "Total,12-17,25",
        "Total,18-59,70",
        "Total,60+,suppressed",
        "Total,Total,suppressed",
    ]


def test_the_csv_keeps_level_names_inert(cast: Cast) -> None:
    table = safe_table(
        actor=cast.analyst,
        name="t",
        dimensions=("site_type",),
        counts={("=HYPERLINK(1)",): 30},
        audience="partner",
        totals=False,
    )
    assert as_csv(table).splitlines()[2] == "'=HYPERLINK(1),30"
