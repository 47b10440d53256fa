"""`safepath demo` loads a usable world: accounts, people, their screenings and cases,
IOM Poland's stock and shelters, assistance, and reports to law enforcement."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.cases import report_selectors
from safepath.cases.assistance_services import Invalid, shelter_admit
from safepath.cases.models import (
    Assistance,
    Case,
    LawEnforcementReport,
    Shelter,
    ShelterStay,
    StockBalance,
    StockMovement,
    Warehouse,
)
from safepath.cases.vocabularies import CaseStatus
from safepath.insights import demo as demo_history
from safepath.people.models import Person
from safepath.screening.models import Screening

SIGN = {"receipt": 1, "transfer_in": 1, "issue": -1, "transfer_out": -1}


@pytest.mark.django_db
def test_demo_loads_people_and_screenings_once() -> None:
    call_command("demo", "--people", "40", stdout=StringIO())
    assert Person.objects.count() == 40
    screened = Screening.objects.filter(person__isnull=False)
    assert screened.exists()
    for screening in screened:
        # A screening of a person rests on the person's recorded consent.
        consent = screening.consent
        assert consent is not None
        assert consent.person_id == screening.person_id
        assert consent.given
    # One per five people, and the year of history (`safepath.insights.demo`).
    history = demo_history.ANONYMOUS_PER_PERSON * 40 + sum(demo_history.RISE)
    assert Screening.objects.filter(person__isnull=True).count() == 8 + history
    assert Screening.objects.filter(result__trafficking_indicated=True).exists()
    # Every screened person whose screening indicated trafficking has a case.
    for screening in screened.filter(result__trafficking_indicated=True):
        assert Case.objects.filter(person=screening.person, screening=screening).exists()

    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "demo not loaded again" in out.getvalue()
    assert Person.objects.count() == 40


@pytest.mark.django_db
def test_the_full_demo_opens_cases_for_the_info_lines_screenings_too() -> None:
    """The default size, as `make run` loads it. A screening by the hotline operator
    gets its case like the others, opened by a caseworker of the person's team: a
    hotline operator opens no cases (the demo used to stop there, refused)."""
    call_command("demo", stdout=StringIO())
    from_hotline = Case.objects.filter(screening__created_by__username="hotline.iom")
    assert from_hotline.exists()
    assert set(from_hotline.values_list("owner__role", "team__name")) == {("caseworker", "Warsaw")}
    for screening in Screening.objects.filter(
        person__isnull=False, result__trafficking_indicated=True
    ):
        assert Case.objects.filter(person=screening.person, screening=screening).exists()
    assert Case.objects.filter(is_child=True).count() >= 3
    assert set(Case.objects.values_list("status", flat=True)) >= {
        CaseStatus.ACTIVE,
        CaseStatus.FOLLOW_UP,
        CaseStatus.CLOSED,
    }


@pytest.mark.django_db
def test_demo_has_stock_shelters_assistance_and_reports() -> None:
    call_command("demo", "--people", "100", stdout=StringIO())
    iom_supervisor = User.objects.get(username="supervisor.iom")

    # A few children's cases come from the child-path screenings.
    assert Case.objects.filter(is_child=True, organisation__code="IOM").exists()

    # Two warehouses of IOM Poland, both items received; one item below its threshold.
    warehouses = Warehouse.objects.filter(organisation__code="IOM").order_by("name")
    assert [w.name for w in warehouses] == ["Magazyn Przemyśl", "Magazyn Warszawa"]
    assert not Warehouse.objects.exclude(organisation__code="IOM").exists()
    for warehouse in warehouses:
        assert set(
            warehouse.movements.filter(movement="receipt").values_list("kind", flat=True)
        ) == {"nfi_kit", "hygiene_kit"}
    low = [b for b in StockBalance.objects.all() if b.is_low]
    assert [(b.warehouse.name, b.kind) for b in low] == [("Magazyn Przemyśl", "hygiene_kit")]
    # Every balance is what its movements add up to, the last movement says so, and
    # every movement was audited.
    for balance in StockBalance.objects.all():
        movements = StockMovement.objects.filter(warehouse=balance.warehouse, kind=balance.kind)
        assert balance.quantity == sum(SIGN[m.movement] * m.quantity for m in movements)
        last = movements.order_by("-id").first()
        assert last is not None
        assert last.balance_after == balance.quantity
    assert StockMovement.objects.filter(movement="transfer_out").count() == 1
    assert (
        AuditEvent.objects.filter(action__startswith="stock.")
        .filter(action__in=[f"stock.{kind}" for kind in SIGN])
        .count()
        == StockMovement.objects.count()
    )

    # Assistance on a share of the open cases, some of it issued from stock.
    open_cases = Case.objects.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
    assisted = open_cases.filter(assistance__isnull=False).distinct().count()
    assert 0 < assisted < open_cases.count()
    assert not Assistance.objects.filter(
        case__status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED]
    ).exists()
    issues = StockMovement.objects.filter(movement="issue")
    assert issues.exists()
    assert not issues.filter(assistance__isnull=True).exists()
    assert Assistance.objects.filter(stock_issue__isnull=True).exists()
    assert AuditEvent.objects.filter(action="assistance.recorded").count() == (
        Assistance.objects.count()
    )

    # Two shelters; the one in Przemyśl is full and admits nobody more.
    shelters = {s.name: s for s in Shelter.objects.filter(organisation__code="IOM")}
    assert sorted((s.name, s.capacity) for s in shelters.values()) == [
        ("Dom Bezpieczny Warszawa", 12),
        ("Hostel interwencyjny Przemyśl", 3),
    ]
    full = shelters["Hostel interwencyjny Przemyśl"]
    assert full.stays.filter(departed_on__isnull=True).count() == 3
    warsaw = shelters["Dom Bezpieczny Warszawa"]
    assert warsaw.stays.count() == 4
    assert warsaw.stays.filter(departed_on__isnull=True).count() == 3
    staying = ShelterStay.objects.filter(departed_on__isnull=True).values("person")
    newcomer = Person.objects.filter(organisation__code="IOM").exclude(pk__in=staying).first()
    assert newcomer is not None
    with pytest.raises(Invalid):
        shelter_admit(
            actor=iom_supervisor, shelter=full, person=newcomer, admitted_on=timezone.localdate()
        )

    # Reports to law enforcement: a draft, an approved one and a sent one, each decided
    # by a supervisor who did not write it; the sent one may name the person (consent).
    reports = {r.status: r for r in LawEnforcementReport.objects.all()}
    assert sorted(reports) == ["approved", "draft", "sent"]
    assert reports["draft"].submitted_by is None
    for status in ("approved", "sent"):
        report = reports[status]
        assert report.reviewed_by is not None
        assert report.reviewed_by not in (report.created_by, report.submitted_by)
        assert report.facts
        assert report.indicators
        assert report.places.count() == report.perpetrators.count() == 1
    assert reports["sent"].sent_to_unit
    assert report_selectors.identity_basis(reports["sent"]).code == "consent"
    assert report_selectors.identity_basis(reports["approved"]).code == "redacted"
    assert AuditEvent.objects.filter(action="report.created").count() == 3
    assert (
        AuditEvent.objects.filter(Q(action="report.approved") | Q(action="report.sent")).count()
        == 3
    )
    assert ShelterStay.objects.filter(shelter=full).count() == 3  # the refusal wrote nothing


@pytest.mark.django_db
def test_demo_without_people_adds_no_screenings() -> None:
    """The benchmarks load `demo --people 0`: accounts only, none of the case work."""
    call_command("demo", "--people", "0", stdout=StringIO())
    assert User.objects.filter(username="caseworker.iom").exists()
    for model in (
        Person,
        Screening,
        Case,
        Warehouse,
        StockMovement,
        Shelter,
        Assistance,
        LawEnforcementReport,
    ):
        assert not model.objects.exists(), model.__name__


@pytest.mark.django_db
def test_demo_has_referrals_in_every_state() -> None:
    from safepath.referrals.models import Notification, Referral

    call_command("demo", "--people", "100", stdout=StringIO())
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) >= {
        "sent",
        "accepted",
        "in_progress",
        "completed",
        "declined",
        "withdrawn",
    }
    kcik = referrals.filter(to_organisation__code="KCIK")
    assert kcik.count() >= 6
    assert referrals.filter(to_organisation__isnull=True).exclude(external_recipient="").exists()
    # Identity shared only where the person consented to referral to KCIK.
    for referral in kcik.exclude(consent__isnull=True):
        assert referral.consent is not None
        assert referral.consent.purpose == "referral"
        assert "given_name" in referral.shared_fields
    assert not [r for r in kcik.filter(consent__isnull=True) if "given_name" in r.shared_fields]
    assert Notification.objects.filter(user__username="partner.kcik").exists()
    assert Notification.objects.filter(kind="referral_overdue").exists()
    # Each step is on its case's timeline.
    completed = kcik.get(status="completed")
    assert completed.case is not None
    kinds = list(completed.case.events.values_list("kind", flat=True))
    assert {"referral_sent", "referral_accepted", "referral_completed"} <= set(kinds)
