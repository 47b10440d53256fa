"""`safepath insights rollups [--rebuild]`: refresh or rebuild the rollup tables and
print one JSON line with what was done."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from safepath.insights.models import Rollup, RollupState
from safepath.insights.rollups import queries
from safepath.screening.models import Screening
from tests.conftest import Cast
from tests.insights.test_rollups import UTC, WHOLE, _screening

JANUARY = datetime.datetime(2026, 1, 14, 10, tzinfo=UTC)


def _settle() -> None:
    """Every record so far older than the last refresh (see test_rollups._settle)."""
    RollupState.objects.update(watermark=datetime.datetime.now(tz=UTC))


def _run(*args: str) -> dict[str, int]:
    out = io.StringIO()
    call_command("insights", "rollups", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert isinstance(answer, dict)
    return answer


def test_the_first_run_builds_the_rollups(cast: Cast) -> None:
    _screening(cast.caseworker_a, JANUARY)
    _screening(cast.caseworker_b, JANUARY)

    answer = _run()

    assert answer == {"rows": Rollup.objects.count(), "slices": 4, "records": 2}
    assert RollupState.objects.get().rebuilt_at is not None
    assert queries.total("screenings", WHOLE) == 2


def test_a_refresh_counts_what_changed_and_a_rebuild_counts_everything(cast: Cast) -> None:
    _screening(cast.caseworker_a, JANUARY)
    _run("--rebuild")
    _settle()
    # A row lost (say, by hand): a refresh with nothing changed leaves it lost ...
    Rollup.objects.filter(measure="screenings", dimension="all").delete()
    assert _run() == {"rows": 0, "slices": 0, "records": 0}
    assert queries.total("screenings", WHOLE) == 0

    # ... a new record's slices are recounted ...
    _settle()
    _screening(cast.caseworker_a, datetime.datetime(2026, 3, 3, 10, tzinfo=UTC))
    refreshed = _run()
    assert (refreshed["slices"], refreshed["records"]) == (2, 1)
    assert queries.breakdown("screenings", "month", WHOLE) == {"2026-03-01": 1}

    # ... and a rebuild recounts everything.
    rebuilt = _run("--rebuild")
    assert rebuilt == {"rows": Rollup.objects.count(), "slices": 4, "records": 2}
    assert queries.breakdown("screenings", "month", WHOLE) == {
        "2026-01-01": 1,
        "2026-03-01": 1,
    }


@pytest.mark.parametrize("args", [["--bogus"], ["--rebuild", "now"], ["--week", "2026-01-05"]])
def test_bad_arguments_are_refused_and_nothing_is_written(cast: Cast, args: list[str]) -> None:
    _screening(cast.caseworker_a, JANUARY)

    with pytest.raises(CommandError, match="unrecognized arguments"):
        call_command("insights", "rollups", *args, stdout=io.StringIO())

    assert not Rollup.objects.exists()
    assert not RollupState.objects.exists()
    assert Screening.objects.count() == 1
