"""Staff reads of the service directory.

The directory is public information about services, so reading it needs only
`directory.view` and writes no "viewed" event; changing it goes through
`access_service` / `access_provider`, which answer Http404 both for "missing" and for
"not yours to change" (a partner focal point reaches only the services of a provider
linked to their organisation).
"""

import datetime
import uuid
from typing import Final

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.directory import services
from safepath.directory.models import (
    Attribute,
    DirectoryOrganization,
    MetadataChange,
    Service,
    ServiceAtLocation,
)
from safepath.directory.taxonomies import SERVICE_TYPES

UNVERIFIED_AFTER: Final = datetime.timedelta(days=183)


def unverified_before(today: datetime.date | None = None) -> datetime.date:
    """Services last verified before this date (or never) are flagged."""
    return (today or timezone.localdate()) - UNVERIFIED_AFTER


def is_unverified(service: Service, today: datetime.date | None = None) -> bool:
    return service.assured_date is None or service.assured_date < unverified_before(today)


def _with_parts(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.select_related("organization", "responsible").prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses"
            ),
        ),
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term__taxonomy"),
        ),
        "languages",
        "phones",
        "schedules",
        "service_areas",
        "capacities",
    )


def visible_services(actor: User) -> QuerySet[Service]:
    """Every service for `directory.view`, none otherwise."""
    if not policies.can(actor, "directory.view"):
        return Service.objects.none()
    return Service.objects.all()


def service_list(
    actor: User, *, voivodeship: str = "", service_type: str = "", text: str = ""
) -> QuerySet[Service]:
    """The services `actor` may read, filtered: located in or serving `voivodeship`,
    of `service_type` (a term code), whose name, description or provider name holds
    `text` (any language)."""
    queryset = visible_services(actor)
    if voivodeship:
        queryset = queryset.filter(
            Q(service_at_locations__location__voivodeship=voivodeship)
            | Q(service_areas__voivodeship=voivodeship)
        )
    if service_type:
        queryset = queryset.filter(
            attributes__taxonomy_term__taxonomy__code=SERVICE_TYPES,
            attributes__taxonomy_term__code=service_type,
        )
    if text:
        # The JSON values as text: a search in every language at once.
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(organization__name__icontains=text)
            | Q(service_at_locations__location__addresses__city__icontains=text)
        )
    ids = queryset.values("pk")
    return _with_parts(Service.objects.filter(pk__in=ids)).order_by("id")


def view_service(*, actor: User, service_id: uuid.UUID) -> Service:
    """One service with all its parts for reading; Http404 when missing or when the
    actor has no `directory.view`."""
    service = _with_parts(visible_services(actor)).filter(public_id=service_id).first()
    if service is None:
        raise Http404
    return service


def access_service(*, actor: User, service_id: uuid.UUID) -> Service:
    """The service, for changing it: `directory.manage` reaches any, `directory.maintain`
    those of a provider linked to the actor's organisation. Http404 otherwise, like a
    missing one."""
    service = (
        Service.objects.select_related("organization", "responsible")
        .filter(public_id=service_id)
        .first()
    )
    if service is None or not services.can_edit(actor, service):
        raise Http404
    return service


def editable_providers(actor: User) -> QuerySet[DirectoryOrganization]:
    """The providers `actor` may add services to."""
    queryset = DirectoryOrganization.objects.select_related("organisation").order_by("id")
    if policies.can(actor, "directory.manage"):
        return queryset
    if policies.can(actor, "directory.maintain") and actor.organisation_id is not None:
        return queryset.filter(organisation_id=actor.organisation_id)
    return queryset.none()


def provider_list(actor: User) -> QuerySet[DirectoryOrganization]:
    if not policies.can(actor, "directory.view"):
        return DirectoryOrganization.objects.none()
    return DirectoryOrganization.objects.select_related("organisation").order_by("id")


def access_provider(*, actor: User, provider_id: uuid.UUID) -> DirectoryOrganization:
    """A provider, for changing it (`directory.manage`); Http404 otherwise."""
    if not policies.can(actor, "directory.manage"):
        raise Http404
    provider = DirectoryOrganization.objects.filter(public_id=provider_id).first()
    if provider is None:
        raise Http404
    return provider


def service_changes(service: Service, *, limit: int = 200) -> QuerySet[MetadataChange]:
    """The change log of the service and its parts (place, address, phone, capacity),
    newest first."""
    ids = {service.public_id}
    ids.update(service.phones.values_list("public_id", flat=True))
    ids.update(service.capacities.values_list("public_id", flat=True))
    for link in service.service_at_locations.select_related("location"):
        ids.add(link.location.public_id)
        ids.update(link.location.addresses.values_list("public_id", flat=True))
    return MetadataChange.objects.filter(resource_id__in=ids).order_by("-last_action_date", "-id")[
        :limit
    ]
