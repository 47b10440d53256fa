"""Demo case work, all written through the services (so it is audited and consistent):

- cases: one for each demo person whose screening indicated trafficking, and for a
  share of the others, in every status, with plans, approvals and tasks (some overdue);
- IOM Poland's relief: two warehouses that received non-food item kits and hygiene
  kits (one item below its low-stock threshold) and a transfer between them; two
  shelters with admissions, one of them full; assistance on a share of the cases,
  some of it issued from stock;
- reports to law enforcement in three states: a draft, an approved report and a sent
  one (the person consented to sharing their identity)."""

import datetime
import random
from collections.abc import Sequence
from typing import Final

from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import Role, User
from safepath.cases.assistance_services import (
    assistance_record,
    shelter_admit,
    shelter_create,
    shelter_depart,
    stock_receive,
    stock_set_threshold,
    stock_transfer,
    warehouse_create,
)
from safepath.cases.models import (
    AssistanceKind,
    Case,
    LawEnforcementReport,
    StockBalance,
    StockItem,
    Warehouse,
)
from safepath.cases.report_services import (
    PerpetratorIn,
    PlaceIn,
    ReportContent,
    report_approve,
    report_create,
    report_send,
    report_submit,
)
from safepath.cases.services import case_open, case_update
from safepath.cases.vocabularies import CaseStatus, ExploitationType, MeansOfControl, RiskLevel
from safepath.cases.workflow_services import (
    approval_decide,
    approval_request,
    plan_item_add,
    task_add,
)
from safepath.people.models import Person
from safepath.people.services import consent_record
from safepath.screening.models import Screening

STATUSES = [CaseStatus.ACTIVE] * 5 + [CaseStatus.FOLLOW_UP] * 2 + [CaseStatus.CLOSED]
GOALS = ("Safe accommodation", "Legal counselling", "Psychological support", "Return of documents")
TASKS = ("Call back", "Accompany to the police", "Book an interpreter", "Visit the shelter")


def _supervisor(case: Case, author: User) -> User | None:
    return (
        User.objects.filter(
            organisation_id=case.organisation_id, role=Role.SUPERVISOR, is_active=True
        )
        .exclude(pk=author.pk)
        .first()
    )


def _opener(screening: Screening, author: User) -> User | None:
    """Who opens the case: whoever screened, or, when their role opens no cases (a
    hotline operator), a caseworker of the person's team."""
    if policies.can(author, "case.create"):
        return author
    person = screening.person
    if person is None or person.team_id is None:
        return None
    return (
        User.objects.filter(
            organisation_id=person.organisation_id,
            team_id=person.team_id,
            role=Role.CASEWORKER,
            is_active=True,
        )
        .order_by("username")
        .first()
    )


def create_cases(*, screenings: list[Screening], seed: int = 2022) -> list[Case]:
    rng = random.Random(seed)
    today = timezone.localdate()
    cases: list[Case] = []
    for screening in screenings:
        if screening.person is None or screening.created_by is None:
            continue
        indicated = bool(screening.result.get("trafficking_indicated"))
        if not indicated and rng.random() > 0.25:
            continue
        if Case.objects.filter(person=screening.person).exists():
            continue
        author = _opener(screening, screening.created_by)
        if author is None:
            continue
        case = case_open(actor=author, screening=screening, via="demo")
        data: dict[str, object] = {"risk_level": rng.choice(RiskLevel.values)}
        if indicated:
            data["exploitation_types"] = [
                rng.choice([ExploitationType.FORCED_LABOUR, ExploitationType.SEXUAL_EXPLOITATION])
            ]
            data["means_of_control"] = rng.sample(list(MeansOfControl.values), 2)
        case = case_update(actor=author, case=case, data=data, expected_version=1, via="demo")
        plan_item_add(
            actor=author,
            case=case,
            goal=rng.choice(GOALS),
            due_on=today + datetime.timedelta(days=rng.randint(-5, 20)),
        )
        task_add(
            actor=author,
            case=case,
            kind=rng.choice(("task", "follow_up")),
            title=rng.choice(TASKS),
            due_on=today + datetime.timedelta(days=rng.randint(-7, 14)),
            assignee=case.owner,
        )
        status = rng.choice(STATUSES)
        supervisor = _supervisor(case, author)
        if status != CaseStatus.ACTIVE and supervisor is not None:
            if status == CaseStatus.CLOSED:
                approval = approval_request(actor=author, case=case, kind="closure")
                approval_decide(actor=supervisor, approval=approval, approve=True)
            case = case_update(
                actor=author,
                case=case,
                data={"status": status},
                expected_version=case.version,
                via="demo",
            )
        elif supervisor is not None and rng.random() < 0.3:
            approval_request(actor=author, case=case, kind="assessment")
        cases.append(case)
    return cases


# --- stock, shelters and assistance ---------------------------------------------------

# name, voivodeship, {item: (received, low-stock threshold)}
WAREHOUSES: Final = (
    (
        "Magazyn Warszawa",
        "14",
        {StockItem.NFI_KIT: (200, 30), StockItem.HYGIENE_KIT: (300, 40)},
    ),
    # The hygiene kits at Przemyśl are below their threshold: the stock pages say so.
    (
        "Magazyn Przemyśl",
        "18",
        {StockItem.NFI_KIT: (60, 20), StockItem.HYGIENE_KIT: (18, 25)},
    ),
)
TRANSFERRED_NFI_KITS: Final = 30  # from Warsaw to Przemyśl
# name, voivodeship, capacity, people admitted (the first shelter is full)
SHELTERS: Final = (
    ("Hostel interwencyjny Przemyśl", "18", 3, 3),
    ("Dom Bezpieczny Warszawa", "14", 12, 4),
)
# Assistance not kept in stock: kind, (fewest, most) in the item's unit.
SERVICES: Final = (
    (AssistanceKind.FOOD, (1, 3)),
    (AssistanceKind.CASH_VOUCHER, (200, 800)),
    (AssistanceKind.TRANSPORT, (1, 2)),
    (AssistanceKind.MEDICAL_CARE, (1, 2)),
    (AssistanceKind.MHPSS_SESSION, (1, 4)),
    (AssistanceKind.LEGAL_COUNSELLING, (1, 3)),
    (AssistanceKind.INTERPRETATION, (1, 6)),
    (AssistanceKind.SHELTER_NIGHTS, (3, 14)),
)
ASSISTED_SHARE: Final = 0.6
FROM_STOCK_SHARE: Final = 0.7


def _warehouses(supervisor: User, today: datetime.date) -> dict[str, Warehouse]:
    """The organisation's warehouses by voivodeship, stocked and with thresholds."""
    by_voivodeship = {}
    for name, voivodeship, stock in WAREHOUSES:
        warehouse = warehouse_create(
            actor=supervisor, name=name, voivodeship=voivodeship, via="demo"
        )
        for kind, (received, threshold) in stock.items():
            stock_receive(
                actor=supervisor,
                warehouse=warehouse,
                kind=kind,
                quantity=received,
                received_on=today - datetime.timedelta(days=30),
                via="demo",
            )
            stock_set_threshold(
                actor=supervisor, warehouse=warehouse, kind=kind, threshold=threshold, via="demo"
            )
        by_voivodeship[voivodeship] = warehouse
    stock_transfer(
        actor=supervisor,
        source=by_voivodeship["14"],
        destination=by_voivodeship["18"],
        kind=StockItem.NFI_KIT,
        quantity=TRANSFERRED_NFI_KITS,
        moved_on=today - datetime.timedelta(days=10),
        via="demo",
    )
    return by_voivodeship


def _stays_above_threshold(warehouse: Warehouse, kind: str, quantity: int) -> bool:
    """The demo issues only what keeps a balance at or above its threshold, so that the
    one low item is the one meant to be low."""
    balance = StockBalance.objects.get(warehouse=warehouse, kind=kind)
    return balance.quantity - quantity >= balance.low_stock_threshold


def _shelters(
    supervisor: User, cases: Sequence[Case], rng: random.Random, today: datetime.date
) -> None:
    """Two shelters; people with an open case of the organisation are admitted first,
    then others of the organisation. One person has already left."""
    with_cases = [
        c.person
        for c in cases
        if c.organisation_id == supervisor.organisation_id and not c.is_closed
    ]
    others = Person.objects.filter(organisation=supervisor.organisation).exclude(
        pk__in=[p.pk for p in with_cases]
    )
    people = iter([*with_cases, *others.order_by("pk")[:20]])
    for name, voivodeship, capacity, admissions in SHELTERS:
        shelter = shelter_create(
            actor=supervisor, name=name, voivodeship=voivodeship, capacity=capacity, via="demo"
        )
        stays = []
        for person in people:
            stays.append(
                shelter_admit(
                    actor=supervisor,
                    shelter=shelter,
                    person=person,
                    admitted_on=today - datetime.timedelta(days=rng.randint(3, 25)),
                    via="demo",
                )
            )
            if len(stays) == admissions:
                break
        if capacity > admissions and stays:
            shelter_depart(actor=supervisor, stay=stays[0], departed_on=today, via="demo")


def _assist(
    case: Case, warehouses: dict[str, Warehouse], rng: random.Random, today: datetime.date
) -> None:
    """One to three records for the case; with `warehouses` (the case's organisation's),
    most often kits issued from the stock nearest to the case's team."""
    actor = case.owner
    if warehouses and rng.random() < FROM_STOCK_SHARE:
        voivodeship = case.team.voivodeship if case.team is not None else ""
        warehouse = warehouses.get(voivodeship, warehouses["14"])
        kind = rng.choice(StockItem.values)
        quantity = rng.randint(1, 2)
        assistance_record(
            actor=actor,
            case=case,
            kind=kind,
            quantity=quantity,
            given_on=today,
            warehouse=warehouse if _stays_above_threshold(warehouse, kind, quantity) else None,
            via="demo",
        )
    for kind, (fewest, most) in rng.sample(SERVICES, rng.randint(1, 2)):
        assistance_record(
            actor=actor,
            case=case,
            kind=kind,
            quantity=rng.randint(fewest, most),
            given_on=today - datetime.timedelta(days=rng.randint(0, 1)),
            via="demo",
        )


def create_relief(*, supervisor: User, cases: Sequence[Case], seed: int = 2022) -> None:
    """The supervisor's organisation's warehouses and shelters, and assistance on a
    share of the open cases (of every organisation; stock only for the supervisor's)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    warehouses = _warehouses(supervisor, today)
    _shelters(supervisor, cases, rng, today)
    for case in cases:
        if not case.is_closed and rng.random() < ASSISTED_SHARE:
            own = case.organisation_id == supervisor.organisation_id
            _assist(case, warehouses if own else {}, rng, today)


# --- reports to law enforcement -------------------------------------------------------

UNIT: Final = "Komenda Wojewódzka Policji z siedzibą w Radomiu, Zespół do walki z Handlem Ludźmi"
# The facts, place and perpetrators of each demo report, with the state it reaches.
REPORTS: Final = (
    (
        "sent",
        "Recruited through an online advert for seasonal work; passport taken on arrival, "
        "worked twelve hours a day in greenhouses without pay.",
        PlaceIn("Gospodarstwo pod Grójcem", "POL", "14", None, "Passport taken, no pay"),
        PerpetratorIn("RecruiterOrIntermediary", "Man calling himself Roman, dark minibus"),
    ),
    (
        "approved",
        "Offered a job as a waitress; taken to a flat and told to repay a travel debt.",
        PlaceIn("Lublin", "POL", "06", None, "Held in a flat, debt imposed"),
        PerpetratorIn("ControlledIndividual", "Woman in her forties, rents the flat"),
    ),
    (
        "draft",
        "Worked on a construction site; wages withheld and threatened with the police.",
        PlaceIn("Kraków", "POL", "12", None, "Wages withheld, threats"),
        PerpetratorIn("Abuser", "Site foreman"),
    ),
)


def _report_cases(cases: Sequence[Case]) -> list[tuple[Case, Screening, User]]:
    """Open cases whose screening observed indicators and whose owner has a supervisor
    other than themselves to approve: trafficking indicated first."""
    chosen = []
    for case in cases:
        screening = case.screening
        if case.is_closed or screening is None or not screening.indicators:
            continue
        supervisor = _supervisor(case, case.owner)
        if supervisor is not None:
            chosen.append((case, screening, supervisor))
    chosen.sort(key=lambda row: not row[1].result.get("trafficking_indicated"))
    return chosen


def create_reports(*, cases: Sequence[Case]) -> list[LawEnforcementReport]:
    """A sent report (the person consented to sharing their identity), an approved one
    and a draft, on three cases, as far as there are cases to carry them."""
    today = timezone.localdate()
    reports = []
    for (case, screening, supervisor), (state, facts, place, perpetrator) in zip(
        _report_cases(cases), REPORTS, strict=False
    ):
        author = case.owner
        if state == "sent" and policies.in_scope(author, "consent.record", case.person):
            consent_record(
                actor=author,
                person=case.person,
                purpose="law_enforcement",
                given=True,
                method="written",
                date=today,
            )
        report = report_create(
            actor=author,
            case=case,
            content=ReportContent(
                facts=facts,
                indicators=screening.indicators[:4],
                places=[place],
                perpetrators=[perpetrator],
            ),
            via="demo",
        )
        if state != "draft":
            report = report_submit(actor=author, report=report, via="demo")
            report = report_approve(actor=supervisor, report=report, via="demo")
        if state == "sent":
            report = report_send(
                actor=author,
                report=report,
                unit=UNIT,
                channel="registered_post",
                sent_on=today,
                via="demo",
            )
        reports.append(report)
    return reports
