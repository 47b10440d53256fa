"""What administrators can do on the administration pages, with bad-input tests."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safepath.accounts.models import Organisation, Role, Team, User
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

Login = Callable[[User], Client]
NEW_PASSWORD = "a-long-unique-passphrase-91"
ORG_FORM_ERROR = (
    "Use 2 to 32 characters: capital letters A–Z, digits and hyphens, for example POLICE-PK."
)
USERNAME_ERROR = (
    "Use 3 to 150 characters: lower-case letters a–z, digits, dots, hyphens or underscores."
)


def _admin_events() -> list[tuple[str, str, str, Any]]:
    """Every event except the logins the test itself caused."""
    return [
        (e.action, e.actor_username, e.object_type, e.detail)
        for e in AuditEvent.objects.exclude(action="auth.login").order_by("id")
    ]


def _user_form(cast: Cast, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "new.worker",
        "password": NEW_PASSWORD,
        "first_name": "Nadia",
        "last_name": "Kowalska",
        "email": "nadia@example.org",
        "role": Role.CASEWORKER,
        "organisation": cast.org_a.pk,
        "team": cast.team_a.pk,
        "language": "pl",
    }
    data.update(overrides)
    return data


# Lists -------------------------------------------------------------------


def test_admin_sees_organisations_and_teams(login: Login, cast: Cast) -> None:
    response = login(cast.admin).get(reverse("manage:overview"))
    assert response.status_code == 200
    organisations = list(response.context["organisations"])
    assert [o.code for o in organisations] == ["ORGA", "ORGB", "SHELTER"]
    body = response.content.decode()
    for text in ("Organisation A", "Organisation B", "Shelter", "Warsaw", "Lublin"):
        assert text in body
    assert _admin_events() == []


def test_admin_sees_every_user(login: Login, cast: Cast) -> None:
    response = login(cast.admin).get(reverse("manage:user_list"))
    assert response.status_code == 200
    usernames = [u.username for u in response.context["users"]]
    assert usernames == sorted(User.objects.values_list("username", flat=True))
    assert len(usernames) == 10
    assert _admin_events() == []


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_make_the_same_number_of_queries_for_more_rows(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    urls = [reverse("manage:overview"), reverse("manage:user_list"), reverse("audit:list")]
    client.get(urls[0])  # the first request of a session also refreshes it; measure after
    before = [_queries(client, url) for url in urls]
    for n in range(5):
        organisation = Organisation.objects.create(name=f"Extra {n}", code=f"EXTRA{n}", type="ngo")
        team = Team.objects.create(organisation=organisation, name=f"Team {n}")
        User.objects.create_user(
            username=f"extra{n}", role=Role.CASEWORKER, organisation=organisation, team=team
        )
    after = [_queries(client, url) for url in urls]
    assert after == before


# Organisations -----------------------------------------------------------


def test_admin_creates_an_organisation(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    response = client.post(
        reverse("manage:organisation_create"),
        {"name": "Police Podkarpackie", "code": "police-pk", "type": "law_enforcement"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:overview")
    created = Organisation.objects.get(code="POLICE-PK")
    assert created.name == "Police Podkarpackie"
    assert created.type == "law_enforcement"
    assert created.is_active is False  # an unticked box
    assert Organisation.objects.count() == 4
    assert _admin_events() == [
        (
            "organisation.created",
            "admin.a",
            "organisation",
            {"fields": ["code", "is_active", "name", "type"]},
        )
    ]
    assert AuditEvent.objects.get(action="organisation.created").object_id == str(created.public_id)


def test_bad_organisation_code_gives_a_form_error_and_creates_nothing(
    login: Login, cast: Cast
) -> None:
    client = login(cast.admin)
    response = client.post(
        reverse("manage:organisation_create"),
        {"name": "Bad", "code": "bad code!", "type": "ngo", "is_active": "on"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert "Nothing has been saved yet." in response.content.decode()
    assert Organisation.objects.count() == 3
    assert _admin_events() == []


def test_organisation_code_rules(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:organisation_create")
    for code in ("X", "-LEAD", "A" * 33, "ÓRG"):
        response = client.post(url, {"name": "Bad", "code": code, "type": "ngo"})
        assert response.status_code == 200, code
        assert "code" in response.context["form"].errors, code
    assert Organisation.objects.count() == 3
    assert _admin_events() == []


def test_duplicate_organisation_code_is_refused(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    response = client.post(
        reverse("manage:organisation_create"), {"name": "Copy", "code": "orga", "type": "ngo"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert Organisation.objects.count() == 3
    assert _admin_events() == []


def test_bad_organisation_type_is_refused(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    response = client.post(
        reverse("manage:organisation_create"), {"name": "X", "code": "XX", "type": "cartel"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["type"]
    assert Organisation.objects.count() == 3


def test_admin_edits_an_organisation_and_only_the_changes_are_audited(
    login: Login, cast: Cast
) -> None:
    client = login(cast.admin)
    url = reverse("manage:organisation_edit", kwargs={"organisation_id": cast.org_b.public_id})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Organisation B renamed", "code": "ORGB", "type": "ngo", "is_active": "on"}
    )
    assert response.status_code == 302
    org_b = Organisation.objects.get(pk=cast.org_b.pk)
    assert org_b.name == "Organisation B renamed"
    assert org_b.code == "ORGB"
    assert _admin_events() == [
        ("organisation.changed", "admin.a", "organisation", {"fields": ["name"]})
    ]


def test_unknown_organisation_is_404(login: Login, cast: Cast) -> None:
    url = reverse(
        "manage:organisation_edit",
        kwargs={"organisation_id": "00000000-0000-4000-8000-000000000000"},
    )
    assert (
        login(cast.admin).post(url, {"name": "X", "code": "XX", "type": "ngo"}).status_code == 404
    )
    assert Organisation.objects.count() == 3
    assert _admin_events() == []


# Teams -------------------------------------------------------------------


def test_admin_creates_a_team(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    response = client.post(
        reverse("manage:team_create"),
        {"organisation": cast.org_b.pk, "name": "Gdansk", "voivodeship": "22"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Gdansk")
    assert team.organisation_id == cast.org_b.pk
    assert team.voivodeship == "22"
    assert Team.objects.count() == 4
    assert _admin_events() == [
        ("team.created", "admin.a", "team", {"fields": ["name", "organisation", "voivodeship"]})
    ]


def test_bad_team_input_creates_nothing(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:team_create")
    cases = [
        ({"organisation": cast.org_a.pk, "name": "Warsaw", "voivodeship": "14"}, "__all__"),
        ({"organisation": cast.org_a.pk, "name": "Nowhere", "voivodeship": "99"}, "voivodeship"),
        ({"organisation": 999999, "name": "Orphan", "voivodeship": ""}, "organisation"),
        ({"organisation": cast.org_a.pk, "name": "", "voivodeship": ""}, "name"),
    ]
    for data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert list(response.context["form"].errors) == [field], data
    assert Team.objects.count() == 3
    assert _admin_events() == []


def test_admin_edits_a_team(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:team_edit", kwargs={"team_id": cast.team_a2.public_id})
    response = client.post(
        url, {"organisation": cast.org_a.pk, "name": "Lublin", "voivodeship": "04"}
    )
    assert response.status_code == 302
    assert Team.objects.get(pk=cast.team_a2.pk).voivodeship == "04"
    assert _admin_events() == [("team.changed", "admin.a", "team", {"fields": ["voivodeship"]})]


# Users -------------------------------------------------------------------


def test_admin_creates_a_user(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    assert client.get(reverse("manage:user_create")).status_code == 200
    response = client.post(reverse("manage:user_create"), _user_form(cast))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:user_list")

    user = User.objects.get(username="new.worker")
    assert (user.role, user.organisation_id, user.team_id, user.language) == (
        "caseworker",
        cast.org_a.pk,
        cast.team_a.pk,
        "pl",
    )
    assert (user.first_name, user.last_name, user.email) == (
        "Nadia",
        "Kowalska",
        "nadia@example.org",
    )
    assert user.is_active is True
    assert user.check_password(NEW_PASSWORD)
    assert NEW_PASSWORD not in user.password

    created = AuditEvent.objects.filter(action="user.created")
    assert created.count() == 1
    event = created.get()
    assert event.actor_username == "admin.a"
    assert event.object_type == "user"
    assert event.object_id == str(user.public_id)
    assert event.detail == {
        "fields": ["email", "first_name", "language", "last_name", "organisation", "role", "team"]
    }
    for row in AuditEvent.objects.values():
        assert "password" not in str(row)
        assert NEW_PASSWORD not in str(row)
        assert "Kowalska" not in str(row)
    assert _admin_events() == [("user.created", "admin.a", "user", event.detail)]


def test_new_user_can_sign_in_with_the_initial_password(login: Login, cast: Cast) -> None:
    login(cast.admin).post(reverse("manage:user_create"), _user_form(cast))
    response = Client().post(
        "/en/accounts/login/", {"login": "new.worker", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_bad_user_input_creates_nothing(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_create")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        (_user_form(cast, username="Bad User!"), ["username"]),
        (_user_form(cast, username="ab"), ["username"]),
        (_user_form(cast, username="caseworker.a"), ["username"]),
        (_user_form(cast, password="short"), ["password"]),
        (_user_form(cast, password="password12345"), ["password"]),
        (_user_form(cast, password="123456789012345"), ["password"]),
        (_user_form(cast, role="superuser"), ["role"]),
        (_user_form(cast, role=""), ["role"]),
        (_user_form(cast, organisation=""), ["organisation"]),
        (_user_form(cast, team=cast.team_b.pk), ["team"]),
        (_user_form(cast, email="not-an-email"), ["email"]),
        (_user_form(cast, language="de"), ["language"]),
    ]
    for data, fields in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert sorted(response.context["form"].errors) == fields, data
        body = response.content.decode()
        assert "Nothing has been saved yet." in body
        assert NEW_PASSWORD not in body
    assert User.objects.count() == 10
    assert _admin_events() == []


def test_bad_username_error_text(login: Login, cast: Cast) -> None:
    response = login(cast.admin).post(
        reverse("manage:user_create"), _user_form(cast, username="Bad User!")
    )
    assert response.context["form"].errors["username"] == [USERNAME_ERROR]


def test_password_is_never_echoed_back(login: Login, cast: Cast) -> None:
    response = login(cast.admin).post(
        reverse("manage:user_create"), _user_form(cast, username="Bad User!")
    )
    assert NEW_PASSWORD not in response.content.decode()


def test_admin_edits_a_user(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_edit", kwargs={"user_id": cast.caseworker_a.public_id})
    page = client.get(url)
    assert page.status_code == 200
    assert "Deactivate user" in page.content.decode()
    response = client.post(
        url,
        {
            "first_name": "",
            "last_name": "Nowak",
            "email": "",
            "role": Role.SUPERVISOR,
            "organisation": cast.org_a.pk,
            "team": cast.team_a.pk,
            "language": "en",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=cast.caseworker_a.pk)
    assert (user.last_name, user.role, user.team_id) == ("Nowak", "supervisor", cast.team_a.pk)
    assert _admin_events() == [
        ("user.changed", "admin.a", "user", {"fields": ["last_name", "role"]})
    ]


def test_editing_a_user_into_a_team_of_another_organisation_is_refused(
    login: Login, cast: Cast
) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_edit", kwargs={"user_id": cast.caseworker_a.public_id})
    response = client.post(
        url,
        {
            "role": Role.CASEWORKER,
            "organisation": cast.org_a.pk,
            "team": cast.team_b.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["team"]
    assert User.objects.get(pk=cast.caseworker_a.pk).team_id == cast.team_a.pk
    assert _admin_events() == []


def test_saving_an_unchanged_user_writes_no_event(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_edit", kwargs={"user_id": cast.caseworker_a.public_id})
    response = client.post(
        url,
        {
            "role": Role.CASEWORKER,
            "organisation": cast.org_a.pk,
            "team": cast.team_a.pk,
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert _admin_events() == []


def test_admin_deactivates_and_reactivates_a_user(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_active", kwargs={"user_id": cast.caseworker_b.public_id})
    assert client.post(url, {"active": "0"}).status_code == 302
    assert User.objects.get(pk=cast.caseworker_b.pk).is_active is False
    assert client.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=cast.caseworker_b.pk).is_active is True
    assert _admin_events() == [
        ("token.revoked", "admin.a", "user", {"count": 0}),
        ("user.deactivated", "admin.a", "user", {"fields": ["is_active"]}),
        ("user.activated", "admin.a", "user", {"fields": ["is_active"]}),
    ]


def test_user_active_only_accepts_post(login: Login, cast: Cast) -> None:
    url = reverse("manage:user_active", kwargs={"user_id": cast.caseworker_b.public_id})
    response = login(cast.admin).get(url)
    assert response.status_code == 405
    assert User.objects.get(pk=cast.caseworker_b.pk).is_active is True
    assert _admin_events() == []


def test_unknown_user_is_404(login: Login, cast: Cast) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    client = login(cast.admin)
    assert client.get(reverse("manage:user_edit", kwargs={"user_id": missing})).status_code == 404
    response = client.post(
        reverse("manage:user_active", kwargs={"user_id": missing}), {"active": "0"}
    )
    assert response.status_code == 404
    assert _admin_events() == []


# Passwords set by an administrator ----------------------------------------


def test_admin_sets_a_new_password_which_ends_sessions_and_tokens(login: Login, cast: Cast) -> None:
    from django.contrib.sessions.models import Session

    from safepath.accounts.models import ApiToken
    from safepath.accounts.services import token_issue

    worker = Client()
    worker.force_login(
        cast.caseworker_a, backend="safepath.accounts.backends.AuthenticationBackend"
    )
    worker_key = worker.session.session_key
    token_issue(user=cast.caseworker_a)
    client = login(cast.admin)
    url = reverse("manage:user_password", kwargs={"user_id": cast.caseworker_a.public_id})
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:user_list")
    assert User.objects.get(pk=cast.caseworker_a.pk).check_password(NEW_PASSWORD)
    assert not Session.objects.filter(session_key=worker_key).exists()
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert _admin_events() == [
        ("token.issued", "caseworker.a", "", {"token_prefix": ApiToken.objects.get().prefix}),
        ("token.revoked", "admin.a", "user", {"count": 1}),
        ("user.password_set", "admin.a", "user", {"fields": ["password"]}),
    ]
    for row in AuditEvent.objects.values():
        assert NEW_PASSWORD not in str(row)


def test_bad_new_password_changes_nothing(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    url = reverse("manage:user_password", kwargs={"user_id": cast.caseworker_a.public_id})
    old_hash = User.objects.get(pk=cast.caseworker_a.pk).password
    for first, second in (
        ("tiny-pw-7", "tiny-pw-7"),
        ("password12345", "password12345"),
        (NEW_PASSWORD, NEW_PASSWORD + "x"),
    ):
        response = client.post(url, {"new_password1": first, "new_password2": second})
        assert response.status_code == 400
        assert "Nothing has been saved yet." in response.content.decode()
        assert first not in response.content.decode()
    assert User.objects.get(pk=cast.caseworker_a.pk).password == old_hash
    assert _admin_events() == []


# Separation of duties ----------------------------------------------------


def test_admin_cannot_give_themselves_another_role(login: Login, cast: Cast) -> None:
    url = reverse("manage:user_edit", kwargs={"user_id": cast.admin.public_id})
    response = login(cast.admin).post(
        url,
        {
            "first_name": "",
            "last_name": "",
            "email": "",
            "role": Role.SUPERVISOR,
            "organisation": cast.org_a.pk,
            "team": cast.team_a.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "You cannot change your own role" in response.content.decode()
    admin = User.objects.get(pk=cast.admin.pk)
    assert admin.role == Role.ADMIN
    assert admin.team is None
    assert AuditEvent.objects.filter(action="user.changed").count() == 0


def test_admin_can_still_change_their_own_name(login: Login, cast: Cast) -> None:
    url = reverse("manage:user_edit", kwargs={"user_id": cast.admin.public_id})
    response = login(cast.admin).post(
        url,
        {
            "first_name": "Anna",
            "last_name": "Admin",
            "email": "",
            "role": Role.ADMIN,
            "organisation": cast.org_a.pk,
            "team": "",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.admin.pk).first_name == "Anna"
