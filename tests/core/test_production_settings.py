"""Production settings pass `check --deploy`, refuse demo or missing secrets; response headers.

What the headers look like today (documented by the tests below):
- every page: a Content-Security-Policy with only 'self', 'none', data: (images) and,
  on pages that run a script (the public site's quick exit), a per-response nonce in
  script-src; X-Frame-Options DENY; nosniff; Referrer-Policy same-origin.
- signed-in pages and every /api/ response: Cache-Control no-store (the public pages
  carry no Cache-Control: they hold nothing personal).
- public pages set no cookie at all; the sign-in page sets only csrftoken (it shows a form).
"""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from tests.conftest import Cast

type LoginAs = Callable[[User], Client]

PROJECT_DIR = Path(settings.BASE_DIR).parent
SECRET_NAMES = ("SECRET_KEY", "SAFEPATH_FIELD_KEYS", "SAFEPATH_BLIND_INDEX_KEY", "DATABASE_URL")


def _real_secrets() -> dict[str, str]:
    return {
        "SAFEPATH_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SAFEPATH_FIELD_KEYS": Fernet.generate_key().decode("ascii"),
        "SAFEPATH_BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": "postgres://safepath:not-a-real-password@db.internal:5432/safepath",
        "ALLOWED_HOSTS": "safepath.example.org",
    }


def _safepath(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m safepath ...` with only `env` as safepath configuration."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SAFEPATH_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"))
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; a real
        # deployment never has it (Django's async.E001 deploy check would fail).
        and name not in ("CSRF_TRUSTED_ORIGINS", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "safepath.settings"
    return subprocess.run(
        [sys.executable, "-m", "safepath", *args],
        env={**clean, **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _safepath(env, "check", "--deploy", "--fail-level", "WARNING")


# --- check --deploy -------------------------------------------------------------


def test_production_with_real_secrets_passes_the_deploy_check() -> None:
    result = _deploy_check(_real_secrets())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secrets_are_all_named_and_none_is_echoed() -> None:
    env = {"SAFEPATH_ENV": "production", "ALLOWED_HOSTS": "safepath.example.org"}
    result = _deploy_check(env)
    assert result.returncode != 0
    assert (
        "Production needs these secrets in the environment: "
        "SECRET_KEY, SAFEPATH_FIELD_KEYS, SAFEPATH_BLIND_INDEX_KEY, DATABASE_URL"
    ) in result.stderr


@pytest.mark.parametrize("missing", SECRET_NAMES)
def test_each_missing_secret_is_refused_by_name(missing: str) -> None:
    env = _real_secrets()
    del env[missing]
    result = _deploy_check(env)
    assert result.returncode != 0
    assert f"Production needs these secrets in the environment: {missing}" in result.stderr
    for name, value in env.items():
        if name not in ("SAFEPATH_ENV", "ALLOWED_HOSTS"):
            assert value not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "demo_value"),
    [
        ("SECRET_KEY", settings.DEMO_SECRET_KEY),
        ("SAFEPATH_FIELD_KEYS", settings.DEMO_FIELD_KEY),
        ("SAFEPATH_BLIND_INDEX_KEY", settings.DEMO_BLIND_INDEX_KEY),
    ],
)
def test_each_demo_secret_is_refused_by_name(name: str, demo_value: str) -> None:
    result = _deploy_check({**_real_secrets(), name: demo_value})
    assert result.returncode != 0
    assert f"Production refuses the demo secrets; generate real ones for: {name}" in result.stderr


def test_demo_field_key_is_refused_even_behind_a_real_one() -> None:
    env = _real_secrets()
    env["SAFEPATH_FIELD_KEYS"] = f"{env['SAFEPATH_FIELD_KEYS']},{settings.DEMO_FIELD_KEY}"
    result = _deploy_check(env)
    assert result.returncode != 0
    assert "generate real ones for: SAFEPATH_FIELD_KEYS" in result.stderr


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"DATABASE_URL": "sqlite:///var/safepath.sqlite3"},
            "Production runs on PostgreSQL, not SQLite.",
            id="sqlite",
        ),
        pytest.param(
            {"SAFEPATH_DEBUG": "1"}, "SAFEPATH_DEBUG cannot be on in production.", id="debug"
        ),
        pytest.param({"SECRET_KEY": "short-secret"}, "security.W009", id="weak-secret-key"),
        pytest.param(
            {"SAFEPATH_FIELD_KEYS": "not-a-fernet-key"},
            "safepath.E001",
            id="malformed-field-key",
        ),
        pytest.param(
            {"SAFEPATH_BLIND_INDEX_KEY": "too-short"}, "safepath.W002", id="short-index-key"
        ),
        pytest.param({"ALLOWED_HOSTS": ""}, "safepath.W001", id="no-allowed-hosts"),
        pytest.param({"SECURE_SSL_REDIRECT": "no"}, "security.W008", id="no-ssl-redirect"),
        pytest.param({"SECURE_HSTS_SECONDS": "0"}, "security.W004", id="no-hsts"),
    ],
)
def test_unsafe_production_configuration_fails_and_says_why(
    changes: dict[str, str], message: str
) -> None:
    result = _deploy_check({**_real_secrets(), **changes})
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert "not-a-fernet-key" not in result.stdout + result.stderr


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    env = _real_secrets()
    for name in ("SECRET_KEY", "SAFEPATH_FIELD_KEYS", "SAFEPATH_BLIND_INDEX_KEY"):
        path = tmp_path / name.lower()
        path.write_text(env.pop(name) + "\n", encoding="utf-8")
        env[f"{name}_FILE"] = str(path)
    result = _deploy_check(env)
    assert result.returncode == 0, result.stderr


def test_demo_command_refuses_production() -> None:
    result = _safepath(_real_secrets(), "demo")
    assert result.returncode != 0
    assert "The demo refuses to run with production settings." in result.stderr


def test_development_settings_are_what_the_deploy_check_would_refuse() -> None:
    # Sanity: the check really inspects something (development fails it).
    result = _deploy_check({"SAFEPATH_ENV": "development"})
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


# --- response headers -----------------------------------------------------------

ALLOWED_SOURCES = {"'self'", "'none'", "data:"}


def _csp(response: HttpResponseBase) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    policy = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def _assert_first_party_only(policy: dict[str, list[str]]) -> None:
    for name, sources in policy.items():
        for source in sources:
            assert source in ALLOWED_SOURCES or re.fullmatch(r"'nonce-[\w+/=-]+'", source), (
                name,
                source,
            )
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]


def _assert_common_headers(response: HttpResponseBase) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    _assert_first_party_only(_csp(response))


@pytest.mark.parametrize("path", ["/en/", "/uk/", "/en/find-help/", "/ru/find-help/"])
def test_public_page_has_a_nonce_for_its_script_and_sets_no_cookie(
    client: Client, db: None, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == 200
    _assert_common_headers(response)
    script_src = _csp(response)["script-src"]
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "//" not in " ".join(scripts)  # no script from another host
    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert Session.objects.count() == 0


def test_each_response_gets_a_fresh_nonce(client: Client, db: None) -> None:
    first = _csp(client.get("/en/"))["script-src"]
    second = _csp(client.get("/en/"))["script-src"]
    assert first != second


def test_sign_in_page_sets_only_the_csrf_cookie(client: Client, db: None) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    _assert_common_headers(response)
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    assert response.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"
    assert Session.objects.count() == 0


@pytest.mark.parametrize("name", ["core:dashboard", "people:list", "people:create"])
def test_signed_in_pages_are_never_stored(login: LoginAs, cast: Cast, name: str) -> None:
    response = login(cast.caseworker_a).get(reverse(name))
    assert response.status_code == 200
    _assert_common_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_person_page_is_never_stored(login: LoginAs, cast: Cast) -> None:
    from safepath.people import services

    person = services.person_create(actor=cast.caseworker_a, data={"given_name": "Nadiia"})
    response = login(cast.caseworker_a).get(person.get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    _assert_common_headers(response)


def test_api_responses_are_never_stored(client: Client, cast: Cast) -> None:
    raw, _token = token_issue(user=cast.caseworker_a)
    for response in (
        client.get("/api/v1/people", headers={"Authorization": f"Bearer {raw}"}),
        client.get("/api/v1/people"),  # 401
        client.get("/api/v1/openapi.json"),
    ):
        assert "no-store" in response["Cache-Control"], response.status_code
        assert response["X-Frame-Options"] == "DENY"


def test_public_pages_are_not_marked_private(client: Client, db: None) -> None:
    # Documented behaviour: nothing personal is on them, so no Cache-Control is sent.
    assert "Cache-Control" not in client.get("/en/")
