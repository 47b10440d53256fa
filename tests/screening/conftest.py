"""Fixtures of the screening tests."""

from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings

from safepath.screening.indicators import Catalogue, builtin_registry

LOCALE_DIR = Path(django_settings.BASE_DIR) / "locale"
LANGUAGES = ("en", "pl", "uk", "ru")


@pytest.fixture
def al() -> Catalogue:
    return builtin_registry().get("AL", "2009-09")


@pytest.fixture
def cl() -> Catalogue:
    return builtin_registry().get("CL", "2009-09")


@pytest.fixture
def compiled_catalogues(tmp_path: Path, settings: Settings) -> Path:
    """The shipped .po files compiled afresh, so the language tests do not depend on `make`."""
    for language in LANGUAGES:
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        po = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
        po.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # also resets Django's cached translations
    return tmp_path
