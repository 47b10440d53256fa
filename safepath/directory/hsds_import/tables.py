"""The directory models an import writes: in which order, which belong to a parent
(and under which foreign key), the name of their nested list in HSDS JSON, their
resource type in the change log.
"""

import uuid
from typing import Final

from django.db import models

from safepath.directory.models import (
    Address,
    Attribute,
    Contact,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)

UPDATED_BY: Final = "import"
COPY_NAMESPACE: Final = uuid.UUID("2b0d4c1e-8f7a-4d55-9b3e-6c1f0a9e7d21")

# Write order: a row's parents are written before it.
ORDER: Final[list[type[models.Model]]] = [
    Taxonomy,
    TaxonomyTerm,
    DirectoryOrganization,
    Service,
    Location,
    Address,
    ServiceAtLocation,
    Contact,
    Phone,
    Schedule,
    Language,
    ServiceArea,
    Attribute,
    ServiceCapacity,
]
SHARED: Final = frozenset({DirectoryOrganization, Location, Service})
# Which rows belong to a parent, by the parent's foreign key: removed when the parent is
# imported without them.
CHILDREN: Final[dict[type[models.Model], list[tuple[type[models.Model], str]]]] = {
    Service: [
        (Phone, "service"),
        (Schedule, "service"),
        (ServiceArea, "service"),
        (ServiceAtLocation, "service"),
        (Language, "service"),
        (Contact, "service"),
        (Attribute, "service"),
        (ServiceCapacity, "service"),
    ],
    Location: [
        (Address, "location"),
        (Phone, "location"),
        (Schedule, "location"),
        (Language, "location"),
        (Contact, "location"),
    ],
    ServiceAtLocation: [
        (Phone, "service_at_location"),
        (Schedule, "service_at_location"),
        (Contact, "service_at_location"),
    ],
    DirectoryOrganization: [(Phone, "organization"), (Contact, "organization")],
    Contact: [(Phone, "contact")],
    Phone: [(Language, "phone")],
}
LIST_NAMES: Final[dict[type[models.Model], str]] = {
    Phone: "phones",
    Schedule: "schedules",
    ServiceArea: "service_areas",
    ServiceAtLocation: "service_at_locations",
    Language: "languages",
    Contact: "contacts",
    Attribute: "attributes",
    ServiceCapacity: "capacities",
    Address: "addresses",
}
RESOURCE_TYPES: Final[dict[type[models.Model], str]] = {
    Taxonomy: "taxonomy",
    TaxonomyTerm: "taxonomy_term",
    DirectoryOrganization: "organization",
    Service: "service",
    Location: "location",
    Address: "address",
    ServiceAtLocation: "service_at_location",
    Contact: "contact",
    Phone: "phone",
    Schedule: "schedule",
    Language: "language",
    ServiceArea: "service_area",
    Attribute: "attribute",
    ServiceCapacity: "service_capacity",
}

# The foreign key of a row that belongs to a parent, by (row model, parent model).
FK: Final[dict[tuple[type[models.Model], type[models.Model]], str]] = {
    (Phone, Service): "service",
    (Phone, Location): "location",
    (Phone, ServiceAtLocation): "service_at_location",
    (Phone, Contact): "contact",
    (Phone, DirectoryOrganization): "organization",
    (Contact, Service): "service",
    (Contact, Location): "location",
    (Contact, ServiceAtLocation): "service_at_location",
    (Contact, DirectoryOrganization): "organization",
    (Schedule, Service): "service",
    (Schedule, Location): "location",
    (Schedule, ServiceAtLocation): "service_at_location",
    (Language, Service): "service",
    (Language, Location): "location",
    (Language, Phone): "phone",
    (Address, Location): "location",
    (ServiceArea, Service): "service",
    (Attribute, Service): "service",
    (ServiceCapacity, Service): "service",
    (ServiceAtLocation, Service): "service",
}
