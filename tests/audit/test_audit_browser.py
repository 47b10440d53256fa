"""The audit browser: administrators only, filterable, and it shows no sensitive values."""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.audit.models import AuditEvent
from safepath.audit.selectors import audit_events
from tests.conftest import Cast

Login = Callable[[User], Client]


def _seed(cast: Cast) -> None:
    record(actor=cast.caseworker_a, action="person.viewed", object_type="person", object_id="p-1")
    record(actor=cast.caseworker_a, action="person.viewed", object_type="person", object_id="p-2")
    record(actor=cast.caseworker_a, action="person.changed", object_type="person", object_id="p-1")
    record(actor=cast.caseworker_a, action="auth.logout")
    record(actor=cast.caseworker_b, action="person.viewed", object_type="person", object_id="p-9")
    record(actor=None, action="auth.login_failed", outcome="failure")


def _listed(response: Any) -> list[tuple[str, str, str]]:
    page = response.context["page"]
    return [(e.actor_username, e.action, e.object_id) for e in page.object_list]


def test_admin_sees_every_event_newest_first(login: Login, cast: Cast) -> None:
    _seed(cast)
    client = login(cast.admin)  # writes the admin's own auth.login event
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 7
    assert _listed(response) == [
        ("admin.a", "auth.login", ""),
        ("", "auth.login_failed", ""),
        ("caseworker.b", "person.viewed", "p-9"),
        ("caseworker.a", "auth.logout", ""),
        ("caseworker.a", "person.changed", "p-1"),
        ("caseworker.a", "person.viewed", "p-2"),
        ("caseworker.a", "person.viewed", "p-1"),
    ]
    # Reading the trail is itself recorded, after the page was rendered.
    assert AuditEvent.objects.count() == 8
    viewed = AuditEvent.objects.filter(action="audit.viewed").get()
    assert (viewed.actor_username, viewed.detail) == ("admin.a", {"filters": []})


def test_filter_by_user(login: Login, cast: Cast) -> None:
    _seed(cast)
    response = login(cast.admin).get(reverse("audit:list"), {"username": "caseworker.a"})
    assert response.context["page"].paginator.count == 4
    assert {username for username, _, _ in _listed(response)} == {"caseworker.a"}


def test_filter_by_action_prefix(login: Login, cast: Cast) -> None:
    _seed(cast)
    client = login(cast.admin)
    assert (
        client.get(reverse("audit:list"), {"action": "person."}).context["page"].paginator.count
        == 4
    )
    response = client.get(reverse("audit:list"), {"action": "person.viewed"})
    assert sorted(_listed(response)) == [
        ("caseworker.a", "person.viewed", "p-1"),
        ("caseworker.a", "person.viewed", "p-2"),
        ("caseworker.b", "person.viewed", "p-9"),
    ]
    assert (
        client.get(reverse("audit:list"), {"action": "auth"}).context["page"].paginator.count == 3
    )


def test_filter_by_user_and_action_together(login: Login, cast: Cast) -> None:
    _seed(cast)
    response = login(cast.admin).get(
        reverse("audit:list"), {"username": "caseworker.a", "action": "person.viewed"}
    )
    assert _listed(response) == [
        ("caseworker.a", "person.viewed", "p-2"),
        ("caseworker.a", "person.viewed", "p-1"),
    ]
    # The viewing event names the filters used, never what was typed into them.
    viewed = AuditEvent.objects.filter(action="audit.viewed").get()
    assert viewed.detail == {"filters": ["action", "username"]}
    assert "caseworker.a" not in str(viewed.detail)


def test_filter_by_object(login: Login, cast: Cast) -> None:
    _seed(cast)
    response = login(cast.admin).get(reverse("audit:list"), {"object_id": "p-1"})
    assert sorted(_listed(response)) == [
        ("caseworker.a", "person.changed", "p-1"),
        ("caseworker.a", "person.viewed", "p-1"),
    ]


def test_filter_matching_nothing(login: Login, cast: Cast) -> None:
    _seed(cast)
    response = login(cast.admin).get(reverse("audit:list"), {"username": "nobody"})
    assert response.context["page"].paginator.count == 0
    assert "No events match." in response.content.decode()


def test_bad_date_filter_shows_an_error(login: Login, cast: Cast) -> None:
    _seed(cast)
    response = login(cast.admin).get(reverse("audit:list"), {"since": "not-a-date"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["since"]
    assert "not-a-date" not in str(list(AuditEvent.objects.values()))


def test_events_are_paged_without_gaps_or_repeats(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    size = client.get(reverse("audit:list")).context["page"].paginator.per_page
    assert size in {50, 100}
    total = 2 * size + 20
    for n in range(total):
        record(actor=cast.caseworker_a, action="person.viewed", object_id=f"p-{n}")
    pages = [
        client.get(reverse("audit:list"), {"action": "person.viewed", "page": str(number)})
        for number in (1, 2, 3)
    ]
    assert [len(page.context["page"].object_list) for page in pages] == [size, size, 20]
    seen = {e.object_id for page in pages for e in page.context["page"].object_list}
    assert len(seen) == total


def test_selector_gives_nothing_to_anyone_but_administrators(cast: Cast) -> None:
    _seed(cast)
    assert audit_events(cast.admin).count() == 6
    for user in (cast.supervisor_a, cast.caseworker_a, cast.analyst, cast.partner, cast.trainer):
        assert audit_events(user).count() == 0
