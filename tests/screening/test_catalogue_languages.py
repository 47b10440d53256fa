"""Catalogues in four languages: every built-in indicator has its label and a plain-language
question in en, pl, uk and ru (issue 3: content people type is translatable data)."""

import re
from pathlib import Path

import pytest

from safepath.screening.indicators import (
    LANGUAGE_COLUMNS,
    LANGUAGES,
    CatalogueError,
    Indicator,
    builtin_catalogues,
    load_catalogue,
    parse_catalogue,
)

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")
# Letters of Ukrainian that Russian does not have, and of Russian that Ukrainian does not.
UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
HEADER = "code,catalogue,population,exploitation,dimension,strength,label_en"

INDICATORS = [i for catalogue in builtin_catalogues() for i in catalogue.indicators.values()]


def _texts(language: str) -> list[str]:
    return [i.labels[language] for i in INDICATORS] + [i.questions[language] for i in INDICATORS]


def test_every_built_in_indicator_has_label_and_question_in_all_four_languages() -> None:
    assert len(INDICATORS) == 67 + 65
    for indicator in INDICATORS:
        for language in LANGUAGES:
            assert indicator.labels.get(language, "").strip(), (indicator.code, language)
            assert indicator.questions.get(language, "").strip(), (indicator.code, language)
            assert indicator.label(language) == indicator.labels[language]
            assert indicator.question(language) == indicator.questions[language]
        assert indicator.labels["en"] == indicator.label_en


def test_every_question_is_a_yes_no_question() -> None:
    # A decision: every question ends with "?", in every language. Where a child cannot
    # know the answer, the question is addressed to the caseworker ("Does the child ...?").
    for indicator in INDICATORS:
        for language in LANGUAGES:
            question = indicator.questions[language]
            assert question.endswith("?"), (indicator.code, language, question)
            assert question == question.strip()
            assert "  " not in question


def test_ukrainian_and_russian_are_cyrillic_and_not_copies_of_each_other() -> None:
    for language in ("uk", "ru"):
        for text in _texts(language):
            assert CYRILLIC.search(text), (language, text)
            assert not LATIN.search(text), (language, text)
    pairs = [(i.labels["uk"], i.labels["ru"]) for i in INDICATORS] + [
        (i.questions["uk"], i.questions["ru"]) for i in INDICATORS
    ]
    differ = sum(uk != ru for uk, ru in pairs)
    assert differ >= 0.9 * len(pairs)
    # Ukrainian is not Russian: no Russian-only letters in it, and the other way round.
    assert not [t for t in _texts("uk") if RUSSIAN_ONLY.search(t)]
    assert not [t for t in _texts("ru") if UKRAINIAN_ONLY.search(t)]


def test_polish_has_no_cyrillic_and_uses_its_diacritics() -> None:
    polish = _texts("pl")
    assert not [text for text in polish if CYRILLIC.search(text)]
    # A cheap guard against text typed without diacritics ("zle" for "źle").
    assert sum(bool(re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]", text)) for text in polish) >= (
        0.8 * len(polish)
    )


def test_english_and_polish_are_latin_script() -> None:
    for language in ("en", "pl"):
        for text in _texts(language):
            assert not CYRILLIC.search(text), (language, text)


# --- files with and without the language columns -----------------------------------------


def _load(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, version="1", provenance="test")
    return [(p.row, p.field, p.reason) for p in raised.value.problems]


def test_a_present_but_empty_language_cell_is_reported_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "al.csv"
    path.write_text(
        HEADER + ",label_pl,question_en\n"
        "AL-DR-01,AL,adult,labour,DR,strong,Misled about the job,Oszukanie co do pracy,"
        "Was the job different?\n"
        "AL-DR-02,AL,adult,labour,DR,medium,Misled about pay, ,Were you paid less?\n"
        "AL-DR-03,AL,adult,labour,DR,medium,Misled about conditions,Warunki pracy,\n",
        encoding="utf-8",
    )

    assert _load(path) == [(3, "label_pl", "empty"), (4, "question_en", "empty")]


def test_a_catalogue_without_the_language_columns_falls_back_to_english(
    tmp_path: Path,
) -> None:
    path = tmp_path / "national.csv"
    path.write_text(HEADER + "\nAL-DR-01,AL,adult,labour,DR,strong,Misled about the job\n")

    indicator = load_catalogue(path, version="1", provenance="test").indicators["AL-DR-01"]

    assert dict(indicator.labels) == {"en": "Misled about the job"}
    assert dict(indicator.questions) == {}
    for language in LANGUAGES:
        assert indicator.label(language) == "Misled about the job"
        # No question at all: the label stands in for it.
        assert indicator.question(language) == "Misled about the job"


def test_a_missing_language_falls_back_to_english(tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    path.write_text(
        HEADER + ",label_uk,question_en,question_uk\n"
        "AL-DR-01,AL,adult,labour,DR,strong,Misled about the job,Обман щодо роботи,"
        "Was the job different?,Робота була іншою?\n"
    )

    indicator = load_catalogue(path, version="1", provenance="test").indicators["AL-DR-01"]

    assert indicator.label("uk") == "Обман щодо роботи"
    assert indicator.label("pl") == "Misled about the job"
    assert indicator.question("uk") == "Робота була іншою?"
    assert indicator.question("ru") == "Was the job different?"
    assert indicator.question("de") == "Was the job different?"


def test_the_built_in_catalogues_require_every_language_column() -> None:
    text = HEADER + ",label_pl\nAL-DR-01,AL,adult,labour,DR,strong,Misled,Oszukanie\n"

    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text.splitlines(), version="1", provenance="test", require_languages=True)

    missing = [(p.row, p.field, p.reason) for p in raised.value.problems]
    assert missing == [
        (1, name, "missing column") for name in LANGUAGE_COLUMNS if name != "label_pl"
    ]


def test_label_en_stays_the_english_label() -> None:
    indicator = Indicator(
        "AL-DR-01", "AL", "adult", "labour", "DR", "strong", "Misled", labels={"pl": "Oszukanie"}
    )

    assert dict(indicator.labels) == {"pl": "Oszukanie", "en": "Misled"}
    assert indicator.label("en") == indicator.label_en == "Misled"
    assert hash(indicator) == hash(
        Indicator("AL-DR-01", "AL", "adult", "labour", "DR", "strong", "Misled")
    )


def test_translations_are_part_of_the_digest_only_when_present(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(HEADER + "\nAL-DR-01,AL,adult,labour,DR,strong,Misled\n")
    translated = tmp_path / "translated.csv"
    translated.write_text(
        HEADER + ",label_pl\nAL-DR-01,AL,adult,labour,DR,strong,Misled,Oszukanie\n"
    )
    again = tmp_path / "again.csv"
    again.write_text(HEADER + ",label_pl\nAL-DR-01,AL,adult,labour,DR,strong,Misled,Inaczej\n")

    digests = [
        load_catalogue(path, version="1", provenance="test").digest
        for path in (plain, translated, again)
    ]

    assert len(set(digests)) == 3
