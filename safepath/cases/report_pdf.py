"""A report to law enforcement as a PDF, in Polish or English (WeasyPrint).

The font and the URL fetcher that refuses everything but it are
`safepath.core.pdf`'s (Noto Sans, bundled; a render never touches the network).

The document's fixed wording is in `WORDING` below, one complete text per language,
rather than in the gettext catalogues: the PDF is a formal letter to the police in
exactly two languages, its words must not change when an interface label is
retranslated, and its Polish must be reviewed as one document. Values shown in it come
from their own sources in the chosen language: indicator labels from the catalogue,
country and voivodeship names from iso-codes (pycountry).

The person's identity is put into the context only when the caller allows it; otherwise
every identity field is the redaction mark, so the values never reach the template.
"""

import datetime
from typing import TYPE_CHECKING, Any, Final

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepath.cases import report_selectors
from safepath.core import pdf
from safepath.core.downloads import private_download
from safepath.core.geography import country_name, voivodeship_name
from safepath.core.pdf import font_path as font_path
from safepath.core.pdf import html_to_pdf

if TYPE_CHECKING:
    from safepath.accounts.models import User
    from safepath.cases.models import LawEnforcementReport

TEMPLATE: Final = "cases/reports/report_pdf.html"
_fetcher = pdf.fetcher  # the shared fetcher, under the name the tests check


WORDING: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Report to law enforcement",
        "subtitle": "Information on a suspected case of trafficking in human beings",
        "confidential": (
            "Confidential. This document contains information about a possible victim of "
            "trafficking in human beings. Do not copy it or pass it on beyond what the "
            "procedure requires."
        ),
        "organisation": "Reporting organisation",
        "number": "Report number",
        "code": "Person's code in safepath",
        "prepared_by": "Prepared by",
        "approved_by": "Approved by",
        "approved_on": "Approved on",
        "generated": "Document generated",
        "person": "1. The person concerned",
        "name": "Name",
        "date_of_birth": "Date of birth",
        "document_number": "Identity document number",
        "phone": "Phone",
        "sex": "Sex",
        "age_band": "Age group",
        "nationality": "Nationality",
        "redacted": "[redacted]",
        "basis_consent": (
            "The identity is shared with the person's consent to sharing it with law "
            "enforcement, given on %(date)s."
        ),
        "basis_child_protection": (
            "The identity is shared without the person's consent, on a legal ground: "
            "child protection."
        ),
        "basis_imminent_danger": (
            "The identity is shared without the person's consent, on a legal ground: "
            "imminent danger to life or health."
        ),
        "basis_redacted": (
            "The person has not consented to sharing their identity with law enforcement "
            "and no legal ground for sharing it is recorded: identifying data are withheld."
        ),
        "ground_reason": "Why the legal ground applies",
        "facts": "2. Facts",
        "indicators": "3. Indicators of trafficking observed",
        "indicators_source": (
            "From a screening with the catalogue %(catalogue)s, version %(version)s."
        ),
        "indicator": "Indicator",
        "code_column": "Code",
        "places": "4. Places and dates",
        "place": "Place",
        "where": "Country / voivodeship",
        "date": "Date",
        "what_happened": "What happened",
        "perpetrators": "5. Perpetrators",
        "role": "Role",
        "description": "Description",
        "none": "None recorded.",
        "page": "Page",
        "of": "of",
    },
    "pl": {
        "title": "Zgłoszenie do organów ścigania",
        "subtitle": "Informacja o podejrzeniu popełnienia przestępstwa handlu ludźmi",
        "confidential": (
            "Poufne. Dokument zawiera informacje o potencjalnej ofierze handlu ludźmi. Nie "
            "kopiować ani nie przekazywać dalej poza zakres wymagany procedurą."
        ),
        "organisation": "Organizacja zgłaszająca",
        "number": "Numer zgłoszenia",
        "code": "Kod osoby w systemie safepath",
        "prepared_by": "Sporządził(a)",
        "approved_by": "Zatwierdził(a)",
        "approved_on": "Data zatwierdzenia",
        "generated": "Data wygenerowania dokumentu",
        "person": "1. Osoba, której dotyczy zgłoszenie",
        "name": "Imię i nazwisko",
        "date_of_birth": "Data urodzenia",
        "document_number": "Numer dokumentu tożsamości",
        "phone": "Telefon",
        "sex": "Płeć",
        "age_band": "Grupa wiekowa",
        "nationality": "Obywatelstwo",
        "redacted": "[utajniono]",
        "basis_consent": (
            "Dane identyfikujące przekazano za zgodą osoby na ich udostępnienie organom "
            "ścigania, wyrażoną dnia %(date)s."
        ),
        "basis_child_protection": (
            "Dane identyfikujące przekazano bez zgody osoby, na podstawie prawnej: ochrona dziecka."
        ),
        "basis_imminent_danger": (
            "Dane identyfikujące przekazano bez zgody osoby, na podstawie prawnej: "
            "bezpośrednie zagrożenie życia lub zdrowia."
        ),
        "basis_redacted": (
            "Osoba nie wyraziła zgody na przekazanie jej danych identyfikujących organom "
            "ścigania i nie wskazano podstawy prawnej do ich przekazania: dane "
            "identyfikujące utajniono."
        ),
        "ground_reason": "Uzasadnienie podstawy prawnej",
        "facts": "2. Opis stanu faktycznego",
        "indicators": "3. Zaobserwowane wskaźniki handlu ludźmi",
        "indicators_source": (
            "Na podstawie badania przesiewowego według katalogu %(catalogue)s, wersja %(version)s."
        ),
        "indicator": "Wskaźnik",
        "code_column": "Kod",
        "places": "4. Miejsca i daty",
        "place": "Miejsce",
        "where": "Państwo / województwo",
        "date": "Data",
        "what_happened": "Przebieg zdarzeń",
        "perpetrators": "5. Sprawcy",
        "role": "Rola",
        "description": "Opis",
        "none": "Nie wskazano.",
        "page": "Strona",
        "of": "z",
    },
}

# Codes shown in the PDF, in each language (the interface's labels are in the catalogues).
CODE_WORDS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "role": {
        "en": {
            "TravellingPartner": "Travelling partner",
            "Transporter": "Transporter",
            "RecruiterOrIntermediary": "Recruiter or intermediary",
            "BrokerTravelAgent": "Broker or travel agent",
            "TransferredIndividual": "Transferred the person",
            "HarbouredIndividual": "Harboured the person",
            "SoldIndividual": "Sold the person",
            "BoughtIndividual": "Bought the person",
            "ReceivedIndividual": "Received the person",
            "ControlledIndividual": "Controlled the person",
            "Smuggler": "Smuggler",
            "Abuser": "Abuser",
            "Kidnapper": "Kidnapper",
            "Exploiter": "Exploiter",
            "Other": "Other",
        },
        "pl": {
            "TravellingPartner": "Towarzysz podróży",
            "Transporter": "Przewoźnik",
            "RecruiterOrIntermediary": "Werbownik lub pośrednik",
            "BrokerTravelAgent": "Pośrednik lub agent podróży",
            "TransferredIndividual": "Przekazał(a) osobę",
            "HarbouredIndividual": "Przechowywał(a) osobę",
            "SoldIndividual": "Sprzedał(a) osobę",
            "BoughtIndividual": "Kupił(a) osobę",
            "ReceivedIndividual": "Przyjął (przyjęła) osobę",
            "ControlledIndividual": "Sprawował(a) kontrolę nad osobą",
            "Smuggler": "Przemytnik",
            "Abuser": "Sprawca przemocy",
            "Kidnapper": "Porywacz",
            "Exploiter": "Wykorzystujący",
            "Other": "Inna rola",
        },
    },
    "sex": {
        "en": {"female": "Female", "male": "Male", "other": "Other", "unknown": "Unknown"},
        "pl": {"female": "Kobieta", "male": "Mężczyzna", "other": "Inna", "unknown": "Nieznana"},
    },
    "age_band": {
        "en": {"unknown": "Unknown"},
        "pl": {"unknown": "Nieznana"},
    },
}

DATE_FORMATS: Final = {"en": "%Y-%m-%d", "pl": "%d.%m.%Y"}


def _date(value: datetime.date | None, language: str) -> str:
    return value.strftime(DATE_FORMATS[language]) if value else ""


def _word(kind: str, code: str, language: str) -> str:
    return CODE_WORDS[kind][language].get(code, code)


def _person(
    report: "LawEnforcementReport",
    words: dict[str, str],
    language: str,
    *,
    basis: report_selectors.IdentityBasis,
    show_identity: bool,
) -> dict[str, Any]:
    person = report.case.person
    if show_identity:
        identity = {
            "name": " ".join(p for p in (person.given_name, person.family_name) if p),
            "date_of_birth": _date(person.date_of_birth, language),
            "document_number": person.document_number,
            "phone": person.phone,
        }
    else:
        identity = dict.fromkeys(
            ("name", "date_of_birth", "document_number", "phone"), words["redacted"]
        )
    if not show_identity:
        basis_text = words["basis_redacted"]
    elif basis.code == "consent" and basis.consent is not None:
        basis_text = words["basis_consent"] % {"date": _date(basis.consent.date, language)}
    else:
        basis_text = words[f"basis_{basis.code}"]
    return {
        "code": person.code,
        "identity": identity,
        "sex": _word("sex", person.sex, language),
        "age_band": _word("age_band", person.age_band, language),
        "nationality": country_name(person.nationality) if person.nationality else "",
        "basis": basis_text,
        "ground_reason": report.legal_ground_reason if show_identity else "",
    }


def _where(country: str, voivodeship: str) -> str:
    parts = [country_name(country) if country else ""]
    if voivodeship:
        parts.append(voivodeship_name(voivodeship))
    return " / ".join(p for p in parts if p)


def context(
    report: "LawEnforcementReport",
    *,
    language: str,
    basis: report_selectors.IdentityBasis,
    show_identity: bool,
    actor: "User",
) -> dict[str, Any]:
    """What the template shows; identity values only when `show_identity`."""
    words = WORDING[language]
    screening = report.case.screening
    with translation.override(language):
        places = [
            {
                "place": place.place,
                "where": _where(place.country, place.voivodeship),
                "date": _date(place.date, language),
                "what_happened": place.what_happened,
            }
            for place in report.places.all()
        ]
        person = _person(report, words, language, basis=basis, show_identity=show_identity)
    approved = timezone.localtime(report.approved_at) if report.approved_at else None
    reviewer = report.reviewed_by.get_username() if report.reviewed_by else ""
    return {
        "language": language,
        "w": words,
        "font_url": font_path().as_uri(),
        "report": report,
        "organisation": report.case.organisation.name,
        "prepared_by": report.created_by.get_username(),
        "approved_by": reviewer if approved else "",
        "approved_on": _date(approved.date() if approved else None, language),
        "generated": timezone.localtime().strftime(DATE_FORMATS[language] + " %H:%M"),
        "generated_by": actor.get_username(),
        "person": person,
        "indicators": report_selectors.report_indicators(report, language),
        "indicators_source": words["indicators_source"]
        % {"catalogue": screening.catalogue, "version": screening.catalogue_version}
        if screening is not None
        else "",
        "places": places,
        "perpetrators": [
            {"role": _word("role", p.role, language), "description": p.description}
            for p in report.perpetrators.all()
        ],
    }


def render(
    report: "LawEnforcementReport",
    *,
    language: str,
    basis: report_selectors.IdentityBasis,
    show_identity: bool,
    actor: "User",
) -> bytes:
    """The PDF's bytes. Offline: only the bundled font is ever read."""
    html = render_to_string(
        TEMPLATE,
        context(report, language=language, basis=basis, show_identity=show_identity, actor=actor),
    )
    return html_to_pdf(html)


def attachment(pdf: bytes, report: "LawEnforcementReport", language: str) -> HttpResponse:
    """The PDF as a download (never shown inline) that no cache keeps; the file name
    holds the report's id only."""
    return private_download(
        pdf,
        content_type="application/pdf",
        filename=f"law-enforcement-report-{report.public_id}-{language}.pdf",
    )
