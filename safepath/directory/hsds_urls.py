"""The HSDS API's routes (read-only, public): see safepath.directory.hsds_api."""

from django.urls import URLPattern, URLResolver, path

from safepath.directory import hsds_api

app_name = "hsds"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", hsds_api.root, name="root"),
    path("openapi.json", hsds_api.openapi, name="openapi"),
    path("services", hsds_api.services, name="services"),
    path("services/<str:id>", hsds_api.service, name="service"),
    path("organizations", hsds_api.organizations, name="organizations"),
    path("organizations/<str:id>", hsds_api.organization, name="organization"),
    path("service_at_locations", hsds_api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", hsds_api.service_at_location, name="service_at_location"),
    path("taxonomies", hsds_api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", hsds_api.taxonomy, name="taxonomy"),
    path("taxonomy_terms", hsds_api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", hsds_api.taxonomy_term, name="taxonomy_term"),
]
