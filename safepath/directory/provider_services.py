"""Every write to a service provider (HSDS `organization`): adding one and changing
it, `directory.manage` only. One atomic, keyword-only function per action, taking
`actor=`; bad input raises `Invalid` and nothing is written; each changed field is
logged (`change_log.py`) and one audit event names the changed fields.
"""

import uuid

from django.db import transaction

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.core.exceptions import NotAllowed
from safepath.directory import i18n
from safepath.directory.change_log import record_change, texts_of
from safepath.directory.inputs import ProviderData
from safepath.directory.models import DirectoryOrganization
from safepath.directory.validators import Invalid, validate_provider


def _provider_state(organization: DirectoryOrganization) -> dict[str, str]:
    state = {}
    for name in ("name", "description"):
        for code, text in sorted(texts_of(getattr(organization, name)).items()):
            state[f"{name}.{code}"] = text
    for name in ("email", "website", "legal_status"):
        state[name] = getattr(organization, name)
    state["organisation"] = organization.organisation.code if organization.organisation else ""
    return state


def _put_provider(organization: DirectoryOrganization, data: ProviderData) -> None:
    organization.name = i18n.clean(data.name)
    organization.description = i18n.clean(data.description)
    organization.email = data.email
    organization.website = data.website
    organization.legal_status = data.legal_status
    organization.organisation = data.organisation
    organization.save()


@transaction.atomic
def provider_create(*, actor: User, data: ProviderData) -> DirectoryOrganization:
    """A new service provider (HSDS `organization`); `directory.manage` only."""
    if not policies.can(actor, "directory.manage"):
        raise NotAllowed("directory.manage")
    errors = validate_provider(data)
    if errors:
        raise Invalid(errors)
    organization = DirectoryOrganization(public_id=uuid.uuid4())
    _put_provider(organization, data)
    record_change(actor=actor, resource=organization, resource_type="organization", action="create")
    record(
        actor=actor,
        action="directory.provider_created",
        object_type="organization",
        object_id=str(organization.public_id),
        detail={"via": "web"},
    )
    return organization


@transaction.atomic
def provider_update(
    *, actor: User, organization: DirectoryOrganization, data: ProviderData
) -> list[str]:
    """Change a provider; `directory.manage` only. Logs each changed field."""
    if not policies.can(actor, "directory.manage"):
        raise NotAllowed("directory.manage")
    errors = validate_provider(data)
    if errors:
        raise Invalid(errors)
    organization = DirectoryOrganization.objects.select_for_update().get(pk=organization.pk)
    before = _provider_state(organization)
    _put_provider(organization, data)
    after = _provider_state(organization)
    changed = []
    for name in sorted(set(before) | set(after)):
        if before.get(name, "") != after.get(name, ""):
            record_change(
                actor=actor,
                resource=organization,
                resource_type="organization",
                action="update",
                field_name=name,
                previous_value=before.get(name, ""),
                replacement_value=after.get(name, ""),
            )
            changed.append(name)
    if changed:
        record(
            actor=actor,
            action="directory.provider_changed",
            object_type="organization",
            object_id=str(organization.public_id),
            detail={"via": "web", "fields": changed},
        )
    return changed
