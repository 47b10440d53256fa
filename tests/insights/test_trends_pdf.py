"""The monthly trends report PDF (English and Polish): a real PDF, released figures
only (small cells printed as a dash), logged as partner releases, whose figures, and bad
input; and its `safepath insights trends-pdf` command."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case
from safepath.cases.services import case_open
from safepath.insights.models import StatisticsRelease
from safepath.insights.rollups.build import rebuild
from safepath.insights.trends_pdf import build_trends_pdf
from safepath.people.models import Sex
from safepath.people.services import consent_record, person_create
from safepath.screening.models import Screening
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.conftest import Cast

RELEASES_PER_REPORT = 9
"""Headlines, then screenings and possible victims by voivodeship, sex and age band
(two each), cases by exploitation type, referrals by status."""


def _month(months_back: int) -> datetime.date:
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


REPORT_MONTHS_BACK = 1


def _noon(month: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(month.replace(day=15), datetime.time(12)))


def _screenings(
    actor: User, n: int, month: datetime.date, *, voivodeship: str = "14"
) -> list[Screening]:
    made = [
        screening_create(
            actor=actor,
            person=None,
            catalogue="AL",
            indicators=[],
            act=False,
            factors=[],
            needs=[],
            consent=None,
            location=Location(site_type="border_crossing", voivodeship=voivodeship),
        )
        for _ in range(n)
    ]
    Screening.objects.filter(pk__in=[s.pk for s in made]).update(created_at=_noon(month))
    return made


def _men_screened(cast: Cast, n: int, month: datetime.date) -> None:
    """`n` men registered and screened with their consent in Mazowieckie."""
    actor = cast.caseworker_a
    for i in range(n):
        person = person_create(
            actor=actor,
            data={"given_name": f"Man{i}", "sex": "male", "voivodeship": "14"},
        )
        screening = screening_create(
            actor=actor,
            person=person,
            catalogue="AL",
            indicators=[],
            act=False,
            factors=[],
            needs=[],
            consent=ConsentGiven("oral_witnessed", timezone.localdate()),
            location=Location(site_type="border_crossing", voivodeship="14"),
        )
        Screening.objects.filter(pk=screening.pk).update(created_at=_noon(month))


def _cases(cast: Cast, n: int, month: datetime.date, exploitation: list[str]) -> None:
    actor = cast.caseworker_a
    for i in range(n):
        person = person_create(
            actor=actor,
            data={"given_name": f"Person{i}", "sex": "female", "voivodeship": "14"},
        )
        consent_record(
            actor=actor,
            person=person,
            purpose="data_processing",
            given=True,
            method="written",
            date=timezone.localdate(),
        )
        case = case_open(actor=actor, person=person)
        Case.objects.filter(pk=case.pk).update(
            created_at=_noon(month), exploitation_types=exploitation
        )


def _populate(cast: Cast) -> datetime.date:
    """The report's month, with organisation A's screenings in it (three of men: a
    small cell), the month before and a year before, organisation B's in it, and five
    cases of sexual exploitation."""
    report = _month(REPORT_MONTHS_BACK)
    _screenings(cast.caseworker_a, 7, report, voivodeship="14")
    _men_screened(cast, 3, report)  # small: never printed
    _screenings(cast.caseworker_a, 6, _month(REPORT_MONTHS_BACK + 1))
    _screenings(cast.caseworker_a, 8, _month(REPORT_MONTHS_BACK + 12))
    _screenings(cast.caseworker_b, 9, report, voivodeship="02")
    _cases(cast, 5, report, ["SexualExploitation"])
    return report


@pytest.fixture
def month(cast: Cast) -> datetime.date:
    report = _populate(cast)
    rebuild()
    return report


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


SMALL_FIGURE = re.compile(r"^\D+( [0-9–]+)* [1-4]( [0-9–]+)*$", re.MULTILINE)
"""A table line with a figure under the minimum."""


def _lines(text: str, label: str) -> list[str]:
    """The text lines of the table rows labelled `label`."""
    return [line for line in text.splitlines() if re.match(rf"{label}( [0-9–]+)+$", line)]


def _line(text: str, label: str) -> str:
    """The text line of the one table row labelled `label`."""
    lines = _lines(text, label)
    assert len(lines) == 1, (label, lines)
    return lines[0]


def test_the_english_report_prints_released_figures_only(cast: Cast, month: datetime.date) -> None:
    text = _text(build_trends_pdf(actor=None, month=month, language="en"))
    with translation.override("en"):
        title = date_format(month, "F Y")
        before = date_format(_month(REPORT_MONTHS_BACK + 1), "F Y")
        year_before = date_format(_month(REPORT_MONTHS_BACK + 12), "F Y")
    assert f"Monthly trends report, {title}" in text
    assert f"Measure {title} {before} {year_before}" in text
    # Every organisation (a scheduled job): 7 + 3 + 9 screenings this month.
    assert _line(text, "Screenings") == "Screenings 19 6 8"
    assert _line(text, "Possible victims") == "Possible victims – – –"
    assert _line(text, "Cases") == "Cases 5 – –"
    assert _line(text, "Mazowieckie") == "Mazowieckie 10 –"
    assert _line(text, "Dolnośląskie") == "Dolnośląskie 9 –"
    assert _line(text, "Lubelskie") == "Lubelskie – –"
    assert _line(text, "Male") == "Male – –"  # 3 men: suppressed
    # Sex: the 16 of unknown sex are withheld with the 3 men, since the headline's 19
    # screenings minus 16 would give the 3 away (safe_stats rule 6). Age band: 19.
    assert _lines(text, "Unknown") == ["Unknown – –", "Unknown 19 –"]
    assert _line(text, "Sexual exploitation") == "Sexual exploitation 5"
    assert not SMALL_FIGURE.search(text)
    words = " ".join(text.split())
    assert "Figures under 5 people are not shown (–)." in words
    assert "Figures of every organisation using safepath." in words
    assert "a figure under 5 people is suppressed and shown as –" in words

    rows = StatisticsRelease.objects.order_by("id")
    assert rows.count() == RELEASES_PER_REPORT
    assert {row.audience for row in rows} == {"partner"}
    assert {row.minimum for row in rows} == {5}
    assert {row.actor_username for row in rows} == {"system"}
    assert rows[0].name == f"trends report {month:%Y-%m} headlines"
    assert rows[0].dimensions == ["measure", "month"]
    assert all(row.strata for row in rows)
    flat = re.sub(r"\s+", "", text)
    for row in rows:
        assert str(row.public_id) in flat  # the method note names every release
    assert AuditEvent.objects.filter(action="statistics.released").count() == RELEASES_PER_REPORT


def test_the_polish_report_has_the_polish_month_and_hides_small_cells(
    cast: Cast, month: datetime.date
) -> None:
    text = _text(build_trends_pdf(actor=None, month=month, language="pl"))
    with translation.override("pl"):
        title = date_format(month, "F Y")
        year_before = date_format(_month(REPORT_MONTHS_BACK + 12), "F Y")
        male = str(Sex.MALE.label)
    with translation.override("en"):
        english = date_format(month, "F Y")
    assert title != english  # a Polish month name
    assert title in text
    assert year_before in text
    assert english not in text
    assert _line(text, "mazowieckie") == "mazowieckie 10 –"  # the Polish name
    assert _line(text, male) == f"{male} – –"  # 3 men: suppressed
    assert re.search(r" 19 6 8$", text, re.MULTILINE)  # the screenings' headline
    assert not SMALL_FIGURE.search(text)
    assert StatisticsRelease.objects.filter(audience="partner").count() == RELEASES_PER_REPORT


def test_an_analyst_gets_the_figures_of_their_organisation(
    cast: Cast, month: datetime.date
) -> None:
    text = _text(build_trends_pdf(actor=cast.analyst, month=month, language="en"))
    assert _line(text, "Screenings") == "Screenings 10 6 8"  # not organisation B's 9
    assert _line(text, "Dolnośląskie") == "Dolnośląskie – –"
    words = " ".join(text.split())
    assert "Figures of the organisations the author of this report works with." in words
    assert "Organisation A" not in text
    assert "ORGA" not in text
    rows = StatisticsRelease.objects.all()
    assert rows.count() == RELEASES_PER_REPORT
    assert {row.actor_id for row in rows} == {cast.analyst.pk}

    admin = _text(build_trends_pdf(actor=cast.admin, month=month, language="en"))
    assert _line(admin, "Screenings") == "Screenings 19 6 8"


def test_a_small_voivodeship_withholds_the_national_figures(cast: Cast) -> None:
    """Three screenings in Lubelskie: a report for Lubelskie alone would give them away
    by difference, so the national figures they are part of are withheld."""
    month = _populate(cast)
    _screenings(cast.caseworker_a, 3, month, voivodeship="06")
    rebuild()
    text = _text(build_trends_pdf(actor=None, month=month, language="en"))
    assert _line(text, "Screenings") == "Screenings – 6 8"
    assert _line(text, "Lubelskie") == "Lubelskie – –"
    assert _line(text, "Mazowieckie") == "Mazowieckie 10 –"
    assert not SMALL_FIGURE.search(text)
    assert SMALL_FIGURE.search(text + "\nLubelskie 3 –")  # the check can fail


def test_a_report_that_fails_to_render_releases_nothing(
    cast: Cast, month: datetime.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str) -> bytes:
        raise OSError("no font")

    monkeypatch.setattr("safepath.insights.trends_pdf.html_to_pdf", broken)
    with pytest.raises(OSError, match="no font"):
        build_trends_pdf(actor=None, month=month, language="pl")
    assert not StatisticsRelease.objects.exists()
    assert not AuditEvent.objects.filter(action="statistics.released").exists()


def test_the_report_holds_no_personal_data(cast: Cast, month: datetime.date) -> None:
    text = _text(build_trends_pdf(actor=None, month=month, language="en"))
    for person in ("Person0", "Person4", "Man0", "caseworker.a"):
        assert person not in text


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "uk", "", "EN", "pl-PL"])
def test_another_language_is_refused_and_nothing_is_released(cast: Cast, language: str) -> None:
    with pytest.raises(ValueError, match="language"):
        build_trends_pdf(actor=None, month=_month(1), language=language)
    assert not StatisticsRelease.objects.exists()


def test_a_month_to_come_or_before_2000_is_refused(cast: Cast) -> None:
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    with pytest.raises(ValueError, match="not begun"):
        build_trends_pdf(actor=None, month=next_month, language="en")
    with pytest.raises(ValueError, match="2000"):
        build_trends_pdf(actor=None, month=datetime.date(1999, 12, 1), language="pl")
    with pytest.raises(ValueError, match="date"):
        build_trends_pdf(actor=None, month="2025-01", language="pl")  # type: ignore[arg-type]
    assert not StatisticsRelease.objects.exists()


@pytest.mark.parametrize("role", ["caseworker_a", "partner", "hotline", "trainer"])
def test_a_user_without_insights_is_refused_and_nothing_is_released(cast: Cast, role: str) -> None:
    with pytest.raises(PermissionDenied):
        build_trends_pdf(actor=getattr(cast, role), month=_month(1), language="en")
    assert not StatisticsRelease.objects.exists()


# --- the command ------------------------------------------------------------------------


def test_the_command_writes_the_polish_pdf(
    cast: Cast, month: datetime.date, tmp_path: Path
) -> None:
    output = tmp_path / "trends.pdf"
    out = io.StringIO()
    call_command(
        "insights",
        "trends-pdf",
        "--month",
        f"{month:%Y-%m}",
        "--language",
        "pl",
        "--output",
        str(output),
        stdout=out,
    )
    with translation.override("pl"):
        assert date_format(month, "F Y") in _text(output.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trends.pdf"]
    assert output.stat().st_mode & 0o777 == 0o600
    assert str(output) in out.getvalue()
    assert StatisticsRelease.objects.filter(actor_username="system").count() == RELEASES_PER_REPORT


@pytest.mark.parametrize(
    "arguments",
    [
        ["--month", "2025-13", "--language", "pl"],
        ["--month", "March", "--language", "pl"],
        ["--month", "1999-12", "--language", "pl"],
        ["--month", "2999-01", "--language", "en"],
        ["--month", "2025-01", "--language", "de"],
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(
    cast: Cast, tmp_path: Path, arguments: list[str]
) -> None:
    output = tmp_path / "trends.pdf"
    with pytest.raises(CommandError) as raised:
        call_command("insights", "trends-pdf", *arguments, "--output", str(output))
    assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []
    assert not StatisticsRelease.objects.exists()


def test_the_command_refuses_an_output_it_cannot_write(cast: Cast, tmp_path: Path) -> None:
    for output in (tmp_path, tmp_path / "missing" / "trends.pdf"):
        with pytest.raises(CommandError) as raised:
            call_command("insights", "trends-pdf", "--month", "2025-01", "--output", str(output))
        assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []
    assert not StatisticsRelease.objects.exists()
