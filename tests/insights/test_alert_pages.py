"""The alerts pages: the list, one alert, acknowledge and comment. `insights.view`
within the alert's organisation (administrators: all); everyone else gets 404 and
nothing is written; anonymous visitors are sent to sign in."""

import datetime
import uuid
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from safepath.accounts.models import Organisation, Role, User
from safepath.audit.models import AuditEvent
from safepath.insights import alert_selectors
from safepath.insights.models import Alert, AlertComment, Rollup
from safepath.insights.models.alerts import MAX_COMMENT
from safepath.insights.models.rollups import ALL, Grain
from tests.conftest import Cast
from tests.factories import UserFactory

WEEK = datetime.date(2026, 3, 2)
ONE = datetime.timedelta(days=7)
LIST = "/en/app/insights/alerts/"


def _alert(org: Organisation, **fields: Any) -> Alert:
    values: dict[str, Any] = {
        "week": WEEK,
        "measure": "screenings",
        "dimension": "all",
        "value": "all",
        "voivodeship": "06",
        "count": 12,
        "baseline_mean": 3.0,
        "baseline_sd": 1.85,
        "p_value": 7.1e-05,
    }
    values.update(fields)
    return Alert.objects.create(organisation=org, **values)


def _url(alert: Alert, action: str = "") -> str:
    return f"{LIST}{alert.public_id}/{action + '/' if action else ''}"


@pytest.fixture
def alert_a(cast: Cast) -> Alert:
    return _alert(cast.org_a)


@pytest.fixture
def analyst_b(cast: Cast) -> User:
    return UserFactory.create(username="analyst.b", role=Role.ANALYST, organisation=cast.org_b)


def _nothing_written(alert: Alert) -> None:
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by_id, alert.acknowledged_at) == ("open", None, None)
    assert AlertComment.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="insights.alert").count() == 0


def test_the_list_shows_the_organisations_alerts_open_first(
    cast: Cast, login: Any, analyst_b: User
) -> None:
    old_open = _alert(cast.org_a, week=WEEK - ONE, voivodeship="14", count=7)
    done = _alert(cast.org_a, status="acknowledged", acknowledged_by=cast.analyst)
    newest = _alert(cast.org_a, count=9, voivodeship="02")
    other = _alert(cast.org_b, count=30)
    page = login(cast.analyst).get(LIST).content.decode()
    positions = [page.index(str(a.public_id)) for a in (newest, old_open, done)]
    assert positions == sorted(positions)
    assert str(other.public_id) not in page
    assert "9 screenings in Dolnośląskie in the week of March 2, 2026, against a usual 3 ± 2" in (
        page
    )
    assert "ORGB" not in page.split("<table", 1)[1]


def test_the_status_filter_and_a_bad_status_is_a_400_with_the_reason(
    cast: Cast, login: Any
) -> None:
    open_alert = _alert(cast.org_a)
    done = _alert(cast.org_a, voivodeship="14", status="acknowledged")
    client = login(cast.analyst)
    page = client.get(LIST, {"status": "acknowledged"}).content.decode()
    assert str(done.public_id) in page
    assert str(open_alert.public_id) not in page
    bad = client.get(LIST, {"status": "closed"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Select a valid choice. closed is not one of the available choices." in body
    assert str(open_alert.public_id) not in body


def test_the_list_costs_a_fixed_number_of_queries(
    cast: Cast, login: Any, django_assert_num_queries: Any
) -> None:
    for code in ("02", "04", "06", "08", "10"):
        _alert(cast.org_a, voivodeship=code)
        _alert(cast.org_b, voivodeship=code, dimension="indicator", value="AL-CD-01")
    client = login(cast.admin)
    client.get(LIST)  # warm the session and caches
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(LIST)
    assert response.status_code == 200


def test_administrators_see_every_organisations_alerts_with_the_organisation(
    cast: Cast, login: Any
) -> None:
    a, b = _alert(cast.org_a), _alert(cast.org_b)
    page = login(cast.admin).get(LIST).content.decode()
    assert str(a.public_id) in page
    assert str(b.public_id) in page
    assert "<td>ORGA</td>" in page
    assert "<td>ORGB</td>" in page


def test_the_alert_page_shows_the_reason_and_the_weeks_under_the_minimum_hidden(
    cast: Cast, login: Any, alert_a: Alert
) -> None:
    for i, n in enumerate([1, 5, 3, 2, 4, 6, 1, 2, 12]):
        Rollup.objects.create(
            grain=Grain.WEEK,
            period=WEEK - (8 - i) * ONE,
            measure="screenings",
            organisation=cast.org_a,
            voivodeship="06",
            population=ALL,
            dimension="all",
            value="all",
            count=n,
        )
    page = login(cast.supervisor_a).get(_url(alert_a)).content.decode()
    assert "12 screenings in Lubelskie in the week of March 2, 2026, against a usual 3 ± 2" in (
        page
    )
    table = page.split('id="alert-weeks"', 1)[1].split("</table>", 1)[0]
    assert table.count("fewer than 5") == 6
    assert "<td>5</td>" in table
    assert "<td>6</td>" in table
    assert "<td>12</td>" in table
    assert 'id="acknowledge"' in page


def test_acknowledging_records_who_and_when_once(cast: Cast, login: Any, alert_a: Alert) -> None:
    client = login(cast.analyst)
    response = client.post(_url(alert_a, "acknowledge"))
    assert response.status_code == 302
    assert response["Location"] == _url(alert_a)
    alert_a.refresh_from_db()
    assert (alert_a.status, alert_a.acknowledged_by_id) == ("acknowledged", cast.analyst.pk)
    assert alert_a.acknowledged_at is not None
    client.post(_url(alert_a, "acknowledge"))
    events = AuditEvent.objects.filter(action="insights.alert_acknowledged")
    assert list(events.values_list("object_type", "object_id", "actor_id", "detail")) == [
        ("insights_alert", str(alert_a.public_id), cast.analyst.pk, {"via": "web"})
    ]
    page = client.get(_url(alert_a)).content.decode()
    assert 'id="acknowledge"' not in page
    assert "by analyst.a on" in page


def test_administrators_acknowledge_any_organisations_alert(cast: Cast, login: Any) -> None:
    alert_b = _alert(cast.org_b)
    assert login(cast.admin).post(_url(alert_b, "acknowledge")).status_code == 302
    alert_b.refresh_from_db()
    assert alert_b.acknowledged_by_id == cast.admin.pk


def test_a_comment_is_saved_and_audited_with_ids_only(
    cast: Cast, login: Any, alert_a: Alert
) -> None:
    client = login(cast.analyst)
    text = "Seasonal harvest work started in the region."
    response = client.post(_url(alert_a, "comment"), {"text": f"  {text}  "})
    assert response.status_code == 302
    comment = AlertComment.objects.get()
    assert (comment.alert_id, comment.author_id, comment.text) == (
        alert_a.pk,
        cast.analyst.pk,
        text,
    )
    event = AuditEvent.objects.get(action="insights.alert_commented")
    assert (event.object_id, event.detail) == (
        str(alert_a.public_id),
        {"via": "web", "target": str(comment.public_id)},
    )
    assert text not in str(event.detail)
    assert text in client.get(_url(alert_a)).content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": ""}, "This field is required."),
        ({"text": "   \n "}, "This field is required."),
        ({}, "This field is required."),
        (
            {"text": "x" * (MAX_COMMENT + 1)},
            "Ensure this value has at most 2000 characters (it has 2001).",
        ),
    ],
)
def test_a_bad_comment_is_a_form_error_and_nothing_is_written(
    cast: Cast, login: Any, alert_a: Alert, data: dict[str, str], error: str
) -> None:
    response = login(cast.analyst).post(_url(alert_a, "comment"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    _nothing_written(alert_a)


def test_a_comment_of_exactly_the_maximum_is_accepted(
    cast: Cast, login: Any, alert_a: Alert
) -> None:
    response = login(cast.analyst).post(_url(alert_a, "comment"), {"text": "y" * MAX_COMMENT})
    assert response.status_code == 302
    assert len(AlertComment.objects.get().text) == MAX_COMMENT


def test_outsiders_get_404_everywhere_and_nothing_is_written(
    cast: Cast, login: Any, alert_a: Alert, analyst_b: User
) -> None:
    for user in (analyst_b, cast.caseworker_b):
        client: Client = login(user)
        missing = f"{LIST}{uuid.uuid4()}/"
        assert client.get(_url(alert_a)).status_code == client.get(missing).status_code == 404
        assert client.post(_url(alert_a, "acknowledge")).status_code == 404
        assert client.post(_url(alert_a, "comment"), {"text": "A note."}).status_code == 404
    _nothing_written(alert_a)
    # Analyst B lists their own organisation's alerts only.
    assert str(alert_a.public_id) not in login(analyst_b).get(LIST).content.decode()


def test_roles_without_insights_get_404_and_nothing_is_written(
    cast: Cast, login: Any, alert_a: Alert
) -> None:
    for user in (cast.caseworker_a, cast.hotline, cast.trainer, cast.partner):
        client: Client = login(user)
        assert client.get(LIST).status_code == 404
        assert client.get(_url(alert_a)).status_code == 404
        assert client.post(_url(alert_a, "acknowledge")).status_code == 404
        assert client.post(_url(alert_a, "comment"), {"text": "A note."}).status_code == 404
    _nothing_written(alert_a)


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, alert_a: Alert
) -> None:
    for response in (
        client.get(LIST),
        client.get(_url(alert_a)),
        client.post(_url(alert_a, "acknowledge")),
        client.post(_url(alert_a, "comment"), {"text": "A note."}),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    _nothing_written(alert_a)


def test_acknowledge_and_comment_take_post_only(cast: Cast, login: Any, alert_a: Alert) -> None:
    client = login(cast.analyst)
    assert client.get(_url(alert_a, "acknowledge")).status_code == 405
    assert client.get(_url(alert_a, "comment")).status_code == 405
    assert client.post(_url(alert_a)).status_code == 405
    _nothing_written(alert_a)


def test_the_dashboard_panel_lists_the_open_alerts(cast: Cast, alert_a: Alert) -> None:
    _alert(cast.org_a, voivodeship="14", status="acknowledged")
    _alert(cast.org_b)
    shown = alert_selectors.open_alerts(cast.analyst)
    assert shown == [alert_a]
    with translation.override("en"):
        html = render_to_string("insights/_alerts_panel.html", {"alerts": shown})
        empty = render_to_string("insights/_alerts_panel.html", {"alerts": []})
    assert html.count("<li>") == 1
    assert (
        f'<a href="/en/app/insights/alerts/{alert_a.public_id}/">12 screenings in Lubelskie' in html
    )
    assert "No open alerts." in empty
    assert "<li>" not in empty
