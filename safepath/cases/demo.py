"""Demo cases: one for each demo person whose screening indicated trafficking, and for
a share of the others, in every status, with plans, approvals and tasks (some overdue)."""

import datetime
import random

from safepath.accounts.models import Role, User
from safepath.cases.models import Case
from safepath.cases.services import case_open, case_update
from safepath.cases.vocabularies import CaseStatus, ExploitationType, MeansOfControl, RiskLevel
from safepath.cases.workflow_services import (
    approval_decide,
    approval_request,
    plan_item_add,
    task_add,
)
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


def create_cases(*, screenings: list[Screening], seed: int = 2022) -> int:
    rng = random.Random(seed)
    today = datetime.date.today()
    created = 0
    for screening in screenings:
        author = screening.created_by
        if screening.person is None or author is None:
            continue
        indicated = bool(screening.result.get("trafficking_indicated"))
        if not indicated and rng.random() > 0.25:
            continue
        if Case.objects.filter(person=screening.person).exists():
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
        created += 1
    return created
