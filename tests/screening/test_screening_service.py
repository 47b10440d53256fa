"""screening_create: consent for a person, anonymous screenings, codes, and the stored record."""

import datetime
from typing import Any, get_args

import pytest
from django.core.exceptions import PermissionDenied

from safepath.audit.models import AuditEvent
from safepath.people import services as people_services
from safepath.people.models import Consent, Person
from safepath.screening import services
from safepath.screening.explanations import assessment_json
from safepath.screening.indicators import as_record, assess, builtin_registry
from safepath.screening.models import Screening, SiteType
from safepath.screening.schemas import SiteTypeCode
from tests.conftest import Cast

TODAY = datetime.date(2025, 11, 30)
ORAL = services.ConsentGiven(method="oral_witnessed", date=TODAY)
BORDER = services.Location(site_type="border_crossing", voivodeship="18")
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def _create(cast: Cast, **changes: Any) -> Screening:
    values: dict[str, Any] = {
        "actor": cast.caseworker_a,
        "person": None,
        "catalogue": "AL",
        "indicators": [],
        "act": False,
        "factors": [],
        "needs": [],
        "consent": None,
        "location": BORDER,
        "interview_language": "uk",
        "via": "web",
    }
    values.update(changes)
    return services.screening_create(**values)


def _nothing_written() -> None:
    assert Screening.objects.count() == 0
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="screening.").count() == 0
    assert AuditEvent.objects.filter(action__startswith="consent.").count() == 0


def test_anonymous_screening_is_saved_without_consent(cast: Cast) -> None:
    screening = _create(cast, indicators=INDICATED, act=True)

    assert screening.person is None
    assert screening.consent is None
    assert screening.organisation == cast.org_a
    assert screening.team == cast.team_a
    assert screening.created_by == cast.caseworker_a
    assert (screening.catalogue, screening.catalogue_version) == ("AL", "2009-09")
    assert screening.rule_version == "ilo-ec-2009/1"
    assert screening.population == "adult"
    assert screening.indicators == sorted(INDICATED)
    assert screening.result["trafficking_indicated"] is True
    assert screening.result["status"] == "PossibleVictimOfTrafficking"
    assert screening.priority == "urgent"
    assert screening.priority_reasons == ["trafficking_indicated"]
    assert screening.priority_rule_version == "priority/1"
    assert screening.flags == ["case_required"]
    created = AuditEvent.objects.get(action="screening.created")
    assert created.object_id == str(screening.public_id)
    assert created.detail == {"via": "web"}


def test_person_without_consent_is_refused_and_nothing_is_written(
    cast: Cast, person_a: Person
) -> None:
    with pytest.raises(services.ScreeningInvalid) as raised:
        _create(cast, person=person_a)
    assert [(e.field, e.pointer) for e in raised.value.errors] == [("consent", "/consent")]
    _nothing_written()


def test_person_with_consent_given_now_records_it_with_the_screening(
    cast: Cast, person_a: Person
) -> None:
    screening = _create(cast, person=person_a, consent=ORAL)

    consent = Consent.objects.get()
    assert screening.consent == consent
    assert consent.person == person_a
    assert consent.purpose == "data_processing"
    assert consent.given is True
    assert consent.method == "oral_witnessed"
    assert consent.date == TODAY
    assert consent.recorded_by == cast.caseworker_a
    assert AuditEvent.objects.filter(action="consent.given").count() == 1
    assert AuditEvent.objects.filter(action="screening.created").count() == 1


def test_consent_already_on_record_is_linked(cast: Cast, person_a: Person) -> None:
    earlier = people_services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="data_processing",
        given=True,
        method="written",
        date=TODAY,
    )
    screening = _create(cast, person=person_a)
    assert screening.consent == earlier
    assert Consent.objects.count() == 1


@pytest.mark.parametrize(
    "decision",
    [
        pytest.param({"given": False}, id="withdrawn"),
        pytest.param({"given": True, "expires_on": datetime.date(2020, 1, 1)}, id="expired"),
        pytest.param({"given": True, "purpose": "referral"}, id="other-purpose"),
    ],
)
def test_withdrawn_expired_or_other_consent_is_not_enough(
    cast: Cast, person_a: Person, decision: dict[str, Any]
) -> None:
    people_services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose=decision.get("purpose", "data_processing"),
        given=decision["given"],
        method="written",
        date=datetime.date(2019, 1, 1),
        expires_on=decision.get("expires_on"),
    )
    with pytest.raises(services.ScreeningInvalid):
        _create(cast, person=person_a)
    assert Screening.objects.count() == 0
    assert Consent.objects.count() == 1


def test_consent_for_an_anonymous_screening_is_refused(cast: Cast) -> None:
    with pytest.raises(services.ScreeningInvalid) as raised:
        _create(cast, consent=ORAL)
    assert [e.pointer for e in raised.value.errors] == ["/consent"]
    _nothing_written()


def test_every_bad_code_and_value_is_named_at_once(cast: Cast) -> None:
    with pytest.raises(services.ScreeningInvalid) as raised:
        _create(
            cast,
            indicators=["AL-DR-01", "AL-ZZ-99", "CL-EX-01"],
            factors=["child", "martian"],
            needs=["water", "shelter"],
            location=services.Location(site_type="beach", voivodeship="99"),
            interview_language="xx",
        )
    errors = {e.pointer: e.detail for e in raised.value.errors}
    assert errors["/indicators"] == "Not in catalogue AL version 2009-09: AL-ZZ-99, CL-EX-01."
    assert errors["/vulnerability/factors"] == "Unknown vulnerability factors: martian."
    assert errors["/needs"] == "Unknown needs: water."
    assert set(errors) == {
        "/indicators",
        "/vulnerability/factors",
        "/needs",
        "/location/site_type",
        "/location/voivodeship",
        "/interview_language",
    }
    _nothing_written()


def test_unknown_catalogue_is_named(cast: Cast) -> None:
    with pytest.raises(services.ScreeningInvalid) as raised:
        _create(cast, catalogue="XX", indicators=["XX-DR-01"])
    assert [(e.pointer, e.detail) for e in raised.value.errors] == [
        ("/catalogue", "Unknown catalogue. Use one of: AL, CL.")
    ]
    _nothing_written()


@pytest.mark.parametrize("role", ["analyst", "partner", "trainer", "admin"])
def test_roles_that_may_not_screen_are_refused_and_nothing_is_written(
    cast: Cast, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        _create(cast, actor=getattr(cast, role))
    _nothing_written()


def test_a_person_the_actor_cannot_see_is_refused(cast: Cast, person_a: Person) -> None:
    with pytest.raises(PermissionDenied):
        _create(cast, actor=cast.caseworker_b, person=person_a, consent=ORAL)
    _nothing_written()


# --- the stored record reads back exactly ------------------------------------------


@pytest.mark.parametrize(
    ("catalogue", "codes", "act"),
    [
        ("AL", INDICATED, False),
        ("AL", ["AL-DR-01", "AL-EX-01"], True),
        ("AL", [], False),
        ("CL", ["CL-EX-01", "CL-EX-02"], True),
        ("CL", ["CL-EX-01", "CL-EX-02"], False),
    ],
)
def test_reread_equals_the_snapshot_and_the_engine(
    cast: Cast, catalogue: str, codes: list[str], act: bool
) -> None:
    created = _create(cast, catalogue=catalogue, indicators=codes + codes[:1], act=act)
    stored = Screening.objects.get(pk=created.pk)

    engine = assess(builtin_registry().get(catalogue, "2009-09"), codes, act=act)
    assert stored.assessment() == engine
    assert stored.reassess() == stored.assessment()
    assert as_record(stored.assessment()) == as_record(engine)
    assert assessment_json(stored.assessment(), language="uk") == assessment_json(
        engine, language="uk"
    )


def test_a_changed_rule_version_is_not_silently_reassessed(cast: Cast) -> None:
    stored = _create(cast)
    stored.rule_version = "ilo-ec-2009/0"
    with pytest.raises(ValueError, match="stored rule"):
        stored.reassess()


def test_site_type_literal_matches_the_model_choices() -> None:
    assert set(get_args(SiteTypeCode)) == set(SiteType.values)
