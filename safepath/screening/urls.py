from django.urls import path

from safepath.screening.views import catalogues, imports, records, wizard

app_name = "screening"
urlpatterns = [
    path("", records.screening_list, name="list"),
    path("new/", wizard.start, name="start"),
    path("catalogues/", catalogues.catalogue_list, name="catalogues"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<uuid:job_id>/", imports.import_detail, name="import_detail"),
    path("imports/<uuid:job_id>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<uuid:job_id>/cancel/", imports.import_cancel, name="import_cancel"),
    path("drafts/<uuid:draft_id>/", wizard.resume, name="resume"),
    path("drafts/<uuid:draft_id>/discard/", wizard.discard, name="discard"),
    path("drafts/<uuid:draft_id>/<slug:step>/", wizard.step, name="step"),
    path("<uuid:screening_id>/", records.screening_detail, name="detail"),
]
