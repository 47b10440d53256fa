"""Weekly alerts of unusual rises (issue 6 §2): the method (Poisson tail, minimum count,
λ floor, 8-week baseline), detection per organisation from the rollups, idempotency,
the reason, the notification of the organisation's analysts, the task and command."""

import datetime
import io
import json
import math
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from safepath.accounts.models import Organisation, Role, User
from safepath.insights import alerts, tasks
from safepath.insights.alerts import judge_week, poisson_tail
from safepath.insights.models import Alert, Rollup
from safepath.insights.models.rollups import ALL, Grain
from safepath.insights.rollups.build import rebuild
from safepath.referrals.models import Notification
from safepath.screening.models import Screening
from safepath.screening.services import Location, screening_create
from tests.accounts.test_settings import _fresh_settings
from tests.conftest import Cast
from tests.factories import UserFactory

WEEK = datetime.date(2026, 3, 2)  # a Monday
ONE = datetime.timedelta(days=7)
LUBELSKIE = "06"
MAZOWIECKIE = "14"
JUMP = [1, 5, 3, 2, 4, 6, 1, 2]  # mean 3, sample sd sqrt(24/7) = 1.85
WITHHELD_PAPERS = "AL-CD-01"


def _rollups(
    org: Organisation,
    counts: list[int],
    *,
    measure: str = "screenings",
    dimension: str = "all",
    value: str = "all",
    voivodeship: str = LUBELSKIE,
    last: datetime.date = WEEK,
) -> None:
    """Weekly rollup rows of one series, the last count in `last`, as the build writes
    them (the voivodeship's row and the ALL row, population ALL)."""
    first = last - (len(counts) - 1) * ONE
    for i, n in enumerate(counts):
        if n == 0:
            continue
        for place in (voivodeship, ALL):
            Rollup.objects.create(
                grain=Grain.WEEK,
                period=first + i * ONE,
                measure=measure,
                organisation=org,
                voivodeship=place,
                population=ALL,
                dimension=dimension,
                value=value,
                count=n,
            )


def _analyst(org: Organisation, username: str, **extra: Any) -> User:
    return UserFactory.create(username=username, role=Role.ANALYST, organisation=org, **extra)


# --- the method ------------------------------------------------------------------------


def test_the_poisson_tail_matches_hand_worked_values() -> None:
    # P(X ≥ 1 | 0.5) = 1 - e^-0.5
    assert poisson_tail(1, 0.5) == pytest.approx(0.3934693402873666, rel=1e-12)
    # P(X ≥ 2 | 1) = 1 - e^-1 (1 + 1) = 1 - 2/e
    assert poisson_tail(2, 1.0) == pytest.approx(0.26424111765711535, rel=1e-12)
    # P(X ≥ 5 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125 + 0.0208333 + 0.0026042) = 0.00017212
    assert poisson_tail(5, 0.5) == pytest.approx(0.00017211562995584078, rel=1e-9)
    # P(X ≥ 9 | 3) = 1 - e^-3 (1 + 3 + 4.5 + 4.5 + 3.375 + 2.025 + 1.0125 + 0.433929
    #   + 0.162723) = 0.0038030
    assert poisson_tail(9, 3.0) == pytest.approx(0.003802992061675957, rel=1e-9)
    assert poisson_tail(8, 3.0) == pytest.approx(0.011904503856357389, rel=1e-9)
    # A tiny tail keeps its precision (no 1 - 0.99999… cancellation).
    assert poisson_tail(12, 3.0) == pytest.approx(7.138662897420660e-05, rel=1e-9)
    assert poisson_tail(60, 3.0) == pytest.approx(
        math.exp(-3 + 60 * math.log(3) - math.lgamma(61)) * 1.05, rel=0.01
    )
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(3, 0.0) == 0.0


def test_a_steady_series_gives_no_alert() -> None:
    result = judge_week(3, [3] * 8, min_count=5)
    assert (result.mean, result.sd, result.alert) == (3.0, 0.0, False)
    assert result.p_value == pytest.approx(poisson_tail(3, 3.0))
    assert judge_week(6, [3] * 8, min_count=5).alert is False  # p = 0.084


def test_the_minimum_count_is_needed_however_improbable_the_rise() -> None:
    below = judge_week(4, [0] * 8, min_count=5)
    assert below.p_value == pytest.approx(0.0017516225562908237, rel=1e-9)  # < 0.01
    assert below.alert is False
    at = judge_week(5, [0] * 8, min_count=5)
    assert at.alert is True
    assert at.p_value == pytest.approx(0.00017211562995584078, rel=1e-9)


def test_lambda_is_floored_at_one_half_so_a_silent_series_needs_a_real_count() -> None:
    # Without the floor, λ = 0 and any count would be "impossible" (p = 0).
    three = judge_week(3, [0] * 8, min_count=2)
    assert three.p_value == pytest.approx(0.014387677966970687, rel=1e-9)
    assert three.alert is False
    assert judge_week(4, [0] * 8, min_count=2).alert is True
    # A baseline mean above the floor is used as it is.
    assert judge_week(9, [3] * 8, min_count=5).p_value == pytest.approx(0.003802992061675957)


def test_a_jump_gives_one_alert_with_the_right_reason_numbers(cast: Cast) -> None:
    _rollups(cast.org_a, [*JUMP, 12], dimension="indicator", value=WITHHELD_PAPERS, last=WEEK)
    report = alerts.detect(WEEK)
    assert report.as_dict() == {"week": "2026-03-02", "alerts": 1, "new": 1}
    alert = Alert.objects.get()
    assert (alert.organisation_id, alert.week, alert.voivodeship) == (
        cast.org_a.pk,
        WEEK,
        LUBELSKIE,
    )
    assert (alert.measure, alert.dimension, alert.value) == (
        "screenings",
        "indicator",
        WITHHELD_PAPERS,
    )
    assert alert.count == 12
    assert alert.baseline_mean == 3.0
    assert alert.baseline_sd == pytest.approx(math.sqrt(24 / 7))
    assert alert.p_value == pytest.approx(7.138662897420660e-05, rel=1e-9)
    assert alert.status == "open"
    with translation.override("en"):
        assert alert.reason == (
            "12 screenings with the indicator “Identity or travel papers held by others at "
            "destination” in Lubelskie in the week of March 2, 2026, against a usual 3 ± 2"
        )
    with translation.override("pl"):
        polish = alert.reason
    # The catalogue's Polish label and the ISO 3166-2 Polish name, whatever the sentence.
    assert "Dokumenty tożsamości lub podróży przetrzymywane przez inne osoby" in polish
    assert "lubelskie" in polish


def test_every_series_kind_has_its_reason(cast: Cast) -> None:
    _rollups(cast.org_a, [0] * 8 + [5], measure="possible_victims")
    _rollups(cast.org_a, [0] * 8 + [6], voivodeship=MAZOWIECKIE)
    _rollups(
        cast.org_a, [0] * 8 + [7], measure="cases", dimension="exploitation_type",
        value="ForcedLabour",
    )  # fmt: skip
    _rollups(
        cast.org_a, [0] * 8 + [8], measure="cases", dimension="industry",
        value="F_Construction",
    )  # fmt: skip
    assert alerts.detect(WEEK).new == 4
    with translation.override("en"):
        reasons = sorted(alert.reason for alert in Alert.objects.all())
    assert reasons == [
        "5 possible victims of trafficking screened in Lubelskie in the week of March 2, "
        "2026, against a usual 0 ± 0",
        "6 screenings in Mazowieckie in the week of March 2, 2026, against a usual 0 ± 0",
        "7 new cases of “Forced labour” in Lubelskie in the week of March 2, 2026, "
        "against a usual 0 ± 0",
        "8 new cases of forced labour in “F. Construction” in Lubelskie in the week of "
        "March 2, 2026, against a usual 0 ± 0",
    ]


def test_the_baseline_is_the_eight_weeks_before_and_no_more(cast: Cast) -> None:
    # 100 nine weeks before is outside the baseline: 0 over 8 weeks, 5 alerts.
    _rollups(cast.org_a, [100] + [0] * 8 + [5])
    # 16 eight weeks before is inside: mean 2, P(X ≥ 5 | 2) = 0.053, no alert.
    _rollups(cast.org_a, [16] + [0] * 7 + [5], voivodeship=MAZOWIECKIE)
    assert alerts.detect(WEEK).as_dict() == {"week": "2026-03-02", "alerts": 1, "new": 1}
    alert = Alert.objects.get()
    assert (alert.voivodeship, alert.baseline_mean) == (LUBELSKIE, 0.0)


def test_unknown_values_and_places_and_other_series_raise_nothing(cast: Cast) -> None:
    _rollups(cast.org_a, [0] * 8 + [9], dimension="indicator", value="unknown")
    _rollups(cast.org_a, [0] * 8 + [9], voivodeship="")
    _rollups(cast.org_a, [0] * 8 + [9], dimension="sex", value="female")
    _rollups(cast.org_a, [0] * 8 + [9], measure="referrals")
    _rollups(cast.org_a, [0] * 8 + [9], last=WEEK + ONE)  # the week after
    assert alerts.detect(WEEK).as_dict() == {"week": "2026-03-02", "alerts": 0, "new": 0}
    assert Alert.objects.count() == 0


def test_running_twice_creates_no_duplicate_and_notifies_once(cast: Cast) -> None:
    _rollups(cast.org_a, [*JUMP, 12])
    first = alerts.detect(WEEK + datetime.timedelta(days=3))  # any day of the week
    second = alerts.detect(WEEK)
    assert (first.alerts, first.new, second.alerts, second.new) == (1, 1, 1, 0)
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="insights.alert").count() == 1


def test_detection_runs_per_organisation(cast: Cast) -> None:
    # Together, 10 a week then 15 (p = 0.083): no alert. Apart, B went from 0 to 5.
    _rollups(cast.org_a, [10] * 9)
    _rollups(cast.org_b, [0] * 8 + [5])
    assert alerts.detect(WEEK).new == 1
    alert = Alert.objects.get()
    assert (alert.organisation_id, alert.count, alert.baseline_mean) == (cast.org_b.pk, 5, 0.0)


def test_only_the_organisations_active_analysts_are_notified(cast: Cast) -> None:
    inactive = _analyst(cast.org_a, "analyst.gone", is_active=False)
    _analyst(cast.org_a, "analyst2.a", language="pl")
    other = _analyst(cast.org_b, "analyst.b")
    _rollups(cast.org_a, [*JUMP, 12])
    _rollups(cast.org_a, [0] * 8 + [6], voivodeship=MAZOWIECKIE)
    alerts.detect(WEEK)
    notes = Notification.objects.filter(kind="insights.alert")
    assert sorted(notes.values_list("user__username", "url")) == [
        ("analyst.a", "/en/app/insights/alerts/"),
        ("analyst2.a", "/pl/app/insights/alerts/"),
    ]
    assert all(n.detail == {"count": 2, "week": "2026-03-02"} for n in notes)
    assert not notes.filter(user__in=[inactive, other, cast.supervisor_a, cast.admin]).exists()


def test_the_notification_reads_in_the_inbox(cast: Cast, login: Any) -> None:
    _rollups(cast.org_a, [*JUMP, 12])
    alerts.detect(WEEK)
    client: Client = login(cast.analyst)
    page = client.get("/en/app/referrals/notifications/").content.decode()
    assert "An unusual rise was detected: see the alerts." in page


def test_detection_from_real_screenings_through_the_rollups(cast: Cast) -> None:
    """End to end: screenings → rebuild → detect, with the counts of the records."""
    per_week = [1, 0, 2, 1, 0, 1, 1, 2, 6]
    for i, n in enumerate(per_week):
        day = datetime.datetime(2026, 1, 7, 12, tzinfo=datetime.UTC) + i * ONE
        for _ in range(n):
            screening = screening_create(
                actor=cast.caseworker_a,
                person=None,
                catalogue="AL",
                indicators=[WITHHELD_PAPERS],
                act=False,
                factors=[],
                needs=[],
                consent=None,
                location=Location(site_type="border_crossing", voivodeship=LUBELSKIE),
            )
            Screening.objects.filter(pk=screening.pk).update(created_at=day, updated_at=day)
    rebuild()
    out = io.StringIO()
    call_command("insights", "alerts", "--week", "2026-03-08", stdout=out)  # a Sunday
    assert json.loads(out.getvalue()) == {"week": "2026-03-02", "alerts": 2, "new": 2}
    found = sorted(Alert.objects.values_list("measure", "dimension", "value", "count"))
    assert found == [
        ("screenings", "all", "all", 6),
        ("screenings", "indicator", WITHHELD_PAPERS, 6),
    ]
    alert = Alert.objects.get(dimension="all")
    assert alert.baseline_mean == 1.0
    assert alert.p_value == pytest.approx(poisson_tail(6, 1.0))


def test_the_task_runs_the_same_detection(cast: Cast) -> None:
    _rollups(cast.org_a, [*JUMP, 12])
    assert tasks.detect_alerts.call("2026-03-04") == {
        "week": "2026-03-02",
        "alerts": 1,
        "new": 1,
    }
    assert tasks.detect_alerts.call("2026-03-02")["new"] == 0


def test_the_default_week_is_the_last_complete_one() -> None:
    assert alerts.last_complete_week(datetime.date(2026, 3, 11)) == WEEK  # a Wednesday
    assert alerts.last_complete_week(datetime.date(2026, 3, 9)) == WEEK  # the next Monday
    assert alerts.last_complete_week(datetime.date(2026, 3, 8)) == WEEK - ONE  # its Sunday


@pytest.mark.parametrize("week", ["2026-13-01", "yesterday", "", "2999-01-04"])
def test_the_command_refuses_a_bad_or_unfinished_week_and_writes_nothing(
    cast: Cast, week: str
) -> None:
    _rollups(cast.org_a, [*JUMP, 12])
    with pytest.raises(CommandError) as refused:
        call_command("insights", "alerts", "--week", week, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert Alert.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_minimum_set_in_the_settings_applies(cast: Cast, settings: Any) -> None:
    settings.SAFEPATH_ALERT_MIN_COUNT = 6
    _rollups(cast.org_a, [0] * 8 + [5])
    assert alerts.detect(WEEK).new == 0
    settings.SAFEPATH_ALERT_MIN_COUNT = 5
    assert alerts.detect(WEEK).new == 1


def test_an_alert_minimum_under_the_statistics_minimum_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An alert shows its week's count, so it may never be one the statistics withhold.
    monkeypatch.setenv("SAFEPATH_STATS_PARTNER_MIN", "5")
    monkeypatch.setenv("SAFEPATH_ALERT_MIN_COUNT", "4")
    with pytest.raises(ImproperlyConfigured, match="SAFEPATH_ALERT_MIN_COUNT"):
        _fresh_settings(monkeypatch, {})
    monkeypatch.setenv("SAFEPATH_ALERT_MIN_COUNT", "5")
    assert _fresh_settings(monkeypatch, {}).SAFEPATH_ALERT_MIN_COUNT == 5
