"""Reads of the public part of the directory, for the HSDS API and the export.

Public means: services whose status is active or temporarily closed, the organisations
that provide at least one of them, the service-at-location links of those services
(and so only the locations they name), and the taxonomies. An inactive or defunct
service is absent (404), as is anything reached only through one. Each query set
prefetches what the serialiser (`safepath.directory.hsds`) reads, so a page costs the
same number of queries whatever its length.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Final

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from safepath.directory.i18n import LANGUAGE_CODES
from safepath.directory.models import (
    DirectoryOrganization,
    MetadataChange,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

PUBLIC_STATUSES: Final = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


def _phones(prefix: str) -> list[str]:
    return [f"{prefix}phones__languages"]


def _contacts(prefix: str) -> list[str]:
    return [f"{prefix}contacts__phones__languages"]


def _location(prefix: str) -> list[str]:
    return [
        f"{prefix}languages",
        f"{prefix}addresses",
        *_contacts(prefix),
        *_phones(prefix),
        f"{prefix}schedules",
    ]


def _service_nested() -> list[str]:
    return [
        *_phones(""),
        "schedules",
        "service_areas",
        "languages",
        *_contacts(""),
        "attributes__taxonomy_term__taxonomy",
        "attributes__taxonomy_term__parent",
        "capacities",
        "service_at_locations__location__organization",
        *_location("service_at_locations__location__"),
        *_phones("service_at_locations__"),
        "service_at_locations__schedules",
        *_contacts("service_at_locations__"),
    ]


def public_services() -> QuerySet[Service]:
    return (
        Service.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organization")
        .order_by("id")
    )


def with_nested(services: QuerySet[Service]) -> QuerySet[Service]:
    """`services` with everything a fully nested HSDS service holds."""
    return services.prefetch_related(*_service_nested())


def filter_services(
    services: QuerySet[Service],
    *,
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    search: str = "",
) -> QuerySet[Service]:
    if taxonomy_term_id is not None:
        services = services.filter(
            id__in=Service.objects.filter(attributes__taxonomy_term__public_id=taxonomy_term_id)
        )
    if taxonomy_id is not None:
        services = services.filter(
            id__in=Service.objects.filter(
                attributes__taxonomy_term__taxonomy__public_id=taxonomy_id
            )
        )
    if organization_id is not None:
        services = services.filter(organization__public_id=organization_id)
    if search:
        services = services.filter(_name_matches(search))
    return services


def public_service(public_id: uuid.UUID) -> Service:
    service = with_nested(public_services()).filter(public_id=public_id).first()
    if service is None:
        raise Http404
    return service


def service_metadata(services: Iterable[Service]) -> dict[uuid.UUID, list[MetadataChange]]:
    """The change log of each service (the service's own fields), oldest first."""
    by_service: dict[uuid.UUID, list[MetadataChange]] = defaultdict(list)
    ids = [service.public_id for service in services]
    for change in MetadataChange.objects.filter(resource_id__in=ids).order_by(
        "last_action_date", "id"
    ):
        by_service[change.resource_id].append(change)
    return by_service


def public_organizations(*, search: str = "") -> QuerySet[DirectoryOrganization]:
    providers = Service.objects.filter(status__in=PUBLIC_STATUSES).values("organization_id")
    organizations = DirectoryOrganization.objects.filter(id__in=providers).order_by("id")
    if search:
        organizations = organizations.filter(_name_matches(search))
    return organizations


def _name_matches(search: str) -> Q:
    match = Q(alternate_name__icontains=search)
    for code in LANGUAGE_CODES:
        match |= Q(**{f"name__{code}__icontains": search})
    return match


def public_organization(public_id: uuid.UUID) -> DirectoryOrganization:
    organization = (
        public_organizations()
        .prefetch_related(
            *_contacts(""),
            *_phones(""),
            Prefetch(
                "services",
                queryset=public_services(),
                to_attr="public_services",
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if organization is None:
        raise Http404
    return organization


def public_service_at_locations(
    *, organization_id: uuid.UUID | None = None, taxonomy_term_id: uuid.UUID | None = None
) -> QuerySet[ServiceAtLocation]:
    links = (
        ServiceAtLocation.objects.filter(service__status__in=PUBLIC_STATUSES)
        .select_related("service__organization", "location__organization")
        .prefetch_related(
            *_contacts(""),
            *_phones(""),
            "schedules",
            *_location("location__"),
        )
        .order_by("id")
    )
    if organization_id is not None:
        links = links.filter(service__organization__public_id=organization_id)
    if taxonomy_term_id is not None:
        links = links.filter(
            service__in=Service.objects.filter(
                attributes__taxonomy_term__public_id=taxonomy_term_id
            )
        )
    return links


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("id")


def taxonomy_terms(*, taxonomy_id: uuid.UUID | None = None) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("id")
    if taxonomy_id is not None:
        terms = terms.filter(taxonomy__public_id=taxonomy_id)
    return terms


def whole_directory() -> QuerySet[Service]:
    """Every public service, fully nested (the export)."""
    return with_nested(public_services())
