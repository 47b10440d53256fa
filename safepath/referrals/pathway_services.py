"""The writes to referral pathway templates (`ensure_default_pathways`,
`pathway_save`): the pathway templates' own, for administrators (`pathway.manage`).
"""

from django.db import transaction

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit import events as audit
from safepath.directory.taxonomies import GROUP_CODES, SERVICE_TYPE_CODES
from safepath.referrals.default_pathways import DEFAULTS
from safepath.referrals.models import PathwayTemplate
from safepath.referrals.pathways import TRIGGER_KEYS, allowed_values

type Texts = dict[str, str]


@transaction.atomic
def ensure_default_pathways() -> int:
    """Create the five default pathways that are missing; returns how many were created.
    An existing pathway (perhaps edited by an administrator) is left as it is."""
    created = 0
    for position, default in enumerate(DEFAULTS):
        _pathway, was_created = PathwayTemplate.objects.get_or_create(
            code=default["code"],
            defaults={
                "name": default["name"],
                "description": default["description"],
                "trigger": default["trigger"],
                "service_types": default["service_types"],
                "groups": default["groups"],
                "position": position * 10,
            },
        )
        created += int(was_created)
    return created


class PathwayInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def validate(
    *, trigger: dict[str, list[str]], service_types: list[str], groups: list[str]
) -> dict[str, str]:
    """Problems by field name, in words (empty when all is well)."""
    errors: dict[str, str] = {}
    for key, values in trigger.items():
        if key not in TRIGGER_KEYS or not set(values) <= set(allowed_values(key)):
            errors[key] = "unknown"
    if not service_types or not set(service_types) <= SERVICE_TYPE_CODES:
        errors["service_types"] = "unknown"
    if not set(groups) <= GROUP_CODES:
        errors["groups"] = "unknown"
    return errors


@transaction.atomic
def pathway_save(
    *,
    actor: User,
    pathway: PathwayTemplate | None,
    code: str,
    name: Texts,
    description: Texts,
    trigger: dict[str, list[str]],
    service_types: list[str],
    groups: list[str],
    active: bool,
    position: int,
) -> PathwayTemplate:
    """Create (`pathway` None) or change a pathway template; administrators only."""
    policies.require(actor, "pathway.manage")
    trigger = {key: sorted(set(values)) for key, values in trigger.items() if values}
    errors = validate(trigger=trigger, service_types=service_types, groups=groups)
    if pathway is None and PathwayTemplate.objects.filter(code=code).exists():
        errors["code"] = "taken"
    if errors:
        raise PathwayInvalid(errors)
    if pathway is None:
        pathway = PathwayTemplate(code=code)
        changed = ["code", "name", "description", "trigger", "service_types", "groups"]
    else:
        changed = [
            attribute
            for attribute, value in (
                ("name", name),
                ("description", description),
                ("trigger", trigger),
                ("service_types", service_types),
                ("groups", groups),
                ("active", active),
                ("position", position),
            )
            if getattr(pathway, attribute) != value
        ]
    pathway.name = name
    pathway.description = description
    pathway.trigger = trigger
    pathway.service_types = sorted(set(service_types))
    pathway.groups = sorted(set(groups))
    pathway.active = active
    pathway.position = position
    pathway.save()
    audit.record(
        actor=actor,
        action="pathway.saved",
        object_type="pathway",
        object_id=str(pathway.public_id),
        detail={"fields": changed},
    )
    return pathway
