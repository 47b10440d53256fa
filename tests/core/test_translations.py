"""Every shipped language is complete, consistent with its source, and in use (DESIGN.md §4).

The .po files in safepath/locale are the source of truth; see docs/i18n.md.
"""

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

LOCALE_DIR = Path(django_settings.BASE_DIR) / "locale"
LANGUAGES = ["en", "pl", "uk", "ru"]

NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")
# A printf directive as Python's %-formatting reads it (the literal "%%" is left out).
DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")

Key = tuple[str | None, str, str | None]


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return polib.pofile(str(path))


def _live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def _name(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _named(text: str) -> set[str]:
    return set(NAMED_PLACEHOLDER.findall(text))


def _directives(text: str) -> Counter[str]:
    return Counter(DIRECTIVE.findall(text))


def _problems(entry: polib.POEntry, plural_count: int) -> list[str]:
    problems: list[str] = []
    translations = _translations(entry)
    if "fuzzy" in entry.flags:
        problems.append("is marked fuzzy")
    if entry.msgid_plural and len(translations) != plural_count:
        problems.append(f"has {len(translations)} plural forms, the header says {plural_count}")
    if any(not text for text in translations):
        problems.append(
            "is not translated" + (" in every plural form" if entry.msgid_plural else "")
        )
        return problems
    sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    expected_names = set().union(*(_named(source) for source in sources))
    for index, text in enumerate(translations):
        where = f" (form {index})" if entry.msgid_plural else ""
        if _named(text) != expected_names:
            problems.append(
                f"has placeholders {sorted(_named(text))}{where}, the source has "
                f"{sorted(expected_names)}: {text!r}"
            )
        elif (
            "python-format" in entry.flags
            and not entry.msgid_plural
            and _directives(text) != _directives(entry.msgid)
        ):
            problems.append(f"formats differently from the source: {text!r}")
    return problems


def _plural_count(catalogue: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue header has no Plural-Forms"
    return int(match.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_keeps_its_placeholders(language: str) -> None:
    catalogue = _catalogue(language)
    plural_count = _plural_count(catalogue)
    entries = _live_entries(catalogue)
    assert entries, f"{language}: the catalogue is empty"
    failures = [
        f"{_name(entry)} {problem}"
        for entry in entries
        for problem in _problems(entry, plural_count)
    ]
    assert not failures, f"{language}: {len(failures)} problem(s) in django.po:\n" + "\n".join(
        failures
    )


def test_english_catalogue_repeats_the_source() -> None:
    # English ships msgstr == msgid, so an empty msgstr means "missing" in every language.
    differing = [
        _name(entry)
        for entry in _live_entries(_catalogue("en"))
        if _translations(entry)
        != ([entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid])
    ]
    assert not differing, "en: msgstr differs from msgid for:\n" + "\n".join(differing)


def _keys(entries: list[polib.POEntry]) -> set[Key]:
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural or None) for entry in entries}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_are_up_to_date_with_the_code(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Extract afresh from a copy of the package (makemessages writes where it runs), then
    # compare message ids with the shipped catalogues.
    source = tmp_path / "safepath"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "*.mo", "*.pyc"),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["en"],
        no_obsolete=True,
        no_location=True,
        ignore_patterns=["static/*"],
        verbosity=0,
    )
    extracted = _keys(_live_entries(polib.pofile(str(source / "locale/en/LC_MESSAGES/django.po"))))
    assert extracted, "makemessages extracted nothing"

    stale: list[str] = []
    for language in LANGUAGES:
        catalogue = _catalogue(language)
        shipped = _keys(_live_entries(catalogue))
        stale += [f"{language}: missing {key[1]!r}" for key in sorted(extracted - shipped, key=str)]
        stale += [
            f"{language}: no longer used {key[1]!r}" for key in sorted(shipped - extracted, key=str)
        ]
        stale += [
            f"{language}: obsolete entry {entry.msgid!r}" for entry in catalogue.obsolete_entries()
        ]
    assert not stale, "The catalogues are out of date; run `make messages`:\n" + "\n".join(stale)


@pytest.fixture
def compiled_catalogues(tmp_path: Path, settings: Settings) -> Path:
    """The shipped .po files compiled afresh, so the page test does not depend on `make`."""
    for language in LANGUAGES:
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        _catalogue(language).save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # also resets Django's cached translations
    return tmp_path


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("uk", "Допомога та безпека для людей у дорозі"),
        ("pl", "Pomoc i bezpieczeństwo dla osób w drodze"),
        ("ru", "Помощь и безопасность для людей в пути"),
        ("en", "Help and safety for people on the move"),
    ],
)
def test_public_home_page_speaks_the_language_of_its_prefix(
    client: Client, language: str, sentence: str
) -> None:
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert sentence in html
