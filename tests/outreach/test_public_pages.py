"""The public site: open to anyone, in four languages, storing nothing about the visit."""

from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

type LoginAs = Callable[[User], Client]

LANGUAGES = ["en", "pl", "uk", "ru"]
PAGES = ["public:home", "public:find_help"]


def _url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_public_page_is_open_in_each_language_and_stores_nothing(
    client: Client, db: None, name: str, language: str
) -> None:
    url = _url(name, language)
    assert url.startswith(f"/{language}/")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert 'href="tel:+48224902044"' in body
    assert 'id="quick-exit"' in body
    assert response.cookies == {}
    assert Session.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("name", PAGES)
def test_public_page_links_to_itself_in_every_language(client: Client, db: None, name: str) -> None:
    body = client.get(_url(name, "en")).content.decode()
    for language in LANGUAGES:
        assert f'href="{_url(name, language)}" lang="{language}"' in body


@pytest.mark.parametrize("name", PAGES)
def test_public_page_shows_no_staff_data_to_signed_in_staff(
    login: LoginAs, cast: Cast, name: str
) -> None:
    client = login(cast.caseworker_a)
    before = AuditEvent.objects.count()
    response = client.get(_url(name, "en"))
    assert response.status_code == 200
    assert "caseworker.a" not in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", PAGES)
def test_a_forged_post_to_a_public_page_is_refused(db: None, name: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(name, "en"), {"anything": "x"})
    assert response.status_code == 403
    assert Session.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("path", ["/de/", "/xx/find-help/", "/en/find-help/nope/"])
def test_unknown_public_paths_are_404(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.cookies == {}
