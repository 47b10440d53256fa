"""Demo cases: one for each demo person whose screening indicated trafficking, and for
a share of the others, in every status."""

import random

from safepath.cases.models import Case
from safepath.cases.services import case_open, case_update
from safepath.cases.vocabularies import CaseStatus, ExploitationType, MeansOfControl, RiskLevel
from safepath.screening.models import Screening

STATUSES = [CaseStatus.ACTIVE] * 5 + [CaseStatus.FOLLOW_UP] * 2 + [CaseStatus.CLOSED]


def create_cases(*, screenings: list[Screening], seed: int = 2022) -> int:
    rng = random.Random(seed)
    created = 0
    for screening in screenings:
        if screening.person is None or screening.created_by is None:
            continue
        indicated = bool(screening.result.get("trafficking_indicated"))
        if not indicated and rng.random() > 0.25:
            continue
        if Case.objects.filter(person=screening.person).exists():
            continue
        case = case_open(actor=screening.created_by, screening=screening, via="demo")
        data: dict[str, object] = {
            "risk_level": rng.choice(RiskLevel.values),
            "status": rng.choice(STATUSES),
        }
        if indicated:
            data["exploitation_types"] = [
                rng.choice([ExploitationType.FORCED_LABOUR, ExploitationType.SEXUAL_EXPLOITATION])
            ]
            data["means_of_control"] = rng.sample(list(MeansOfControl.values), 2)
        case_update(
            actor=screening.created_by, case=case, data=data, expected_version=1, via="demo"
        )
        created += 1
    return created
