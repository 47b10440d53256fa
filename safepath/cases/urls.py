from django.urls import path

from safepath.cases import (
    assistance_views,
    attachment_views,
    export_views,
    history_views,
    report_views,
    retention_views,
    transfer_views,
    views,
    workflow_views,
)

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.case_open, name="open"),
    path("my-work/", workflow_views.my_work, name="my_work"),
    path("export/htcds/", views.export_htcds, name="export_htcds"),
    path("transfers/<uuid:transfer_id>/", transfer_views.transfer_decide, name="transfer_decide"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/notes/", views.case_note, name="note"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_id>/transfer/", transfer_views.transfer_request, name="transfer_request"),
    path("<uuid:case_id>/approvals/", workflow_views.approval_request, name="approval_request"),
    path(
        "<uuid:case_id>/approvals/<uuid:approval_id>/decide/",
        workflow_views.approval_decide,
        name="approval_decide",
    ),
    path("<uuid:case_id>/plan/", workflow_views.plan_add, name="plan_add"),
    path("<uuid:case_id>/plan/<uuid:item_id>/done/", workflow_views.plan_done, name="plan_done"),
    path("<uuid:case_id>/tasks/", workflow_views.task_add, name="task_add"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/done/", workflow_views.task_done, name="task_done"),
]

# Direct assistance, stock and shelter (assistance_views).
urlpatterns += [
    path("<uuid:case_id>/assistance/", assistance_views.case_assistance, name="assistance"),
    path("stock/", assistance_views.stock_list, name="stock"),
    path("stock/<uuid:warehouse_id>/", assistance_views.warehouse_detail, name="warehouse"),
    path(
        "stock/<uuid:warehouse_id>/receipts/",
        assistance_views.warehouse_receipt,
        name="warehouse_receipt",
    ),
    path(
        "stock/<uuid:warehouse_id>/transfers/",
        assistance_views.warehouse_transfer,
        name="warehouse_transfer",
    ),
    path(
        "stock/<uuid:warehouse_id>/thresholds/",
        assistance_views.warehouse_threshold,
        name="warehouse_threshold",
    ),
    path("shelters/", assistance_views.shelter_list, name="shelters"),
    path("shelters/<uuid:shelter_id>/", assistance_views.shelter_detail, name="shelter"),
    path(
        "shelters/<uuid:shelter_id>/admissions/",
        assistance_views.shelter_admit,
        name="shelter_admit",
    ),
    path(
        "shelters/<uuid:shelter_id>/stays/<uuid:stay_id>/departure/",
        assistance_views.shelter_depart,
        name="shelter_depart",
    ),
]

# Reports to law enforcement (report_views): every transition is a POST.
urlpatterns += [
    path("<uuid:case_id>/reports/new/", report_views.report_create, name="report_create"),
    path("reports/<uuid:report_id>/", report_views.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<uuid:report_id>/submit/", report_views.report_submit, name="report_submit"),
    path("reports/<uuid:report_id>/approve/", report_views.report_approve, name="report_approve"),
    path("reports/<uuid:report_id>/reject/", report_views.report_reject, name="report_reject"),
    path("reports/<uuid:report_id>/send/", report_views.report_send, name="report_send"),
    path(
        "reports/<uuid:report_id>/acknowledge/",
        report_views.report_acknowledge,
        name="report_acknowledge",
    ),
    path("reports/<uuid:report_id>/outcome/", report_views.report_outcome, name="report_outcome"),
    path("reports/<uuid:report_id>/pdf/", report_views.report_pdf, name="report_pdf"),
]

# Erasure requests (retention_views): ask, then a supervisor decides (approval executes).
urlpatterns += [
    path("<uuid:case_id>/erasure/", retention_views.erasure_request, name="erasure_request"),
    path(
        "<uuid:case_id>/erasure/<uuid:request_id>/decide/",
        retention_views.erasure_decide,
        name="erasure_decide",
    ),
]

# Attachments (attachment_views): upload, and an access-checked, audited download.
urlpatterns += [
    path(
        "<uuid:case_id>/attachments/", attachment_views.attachment_upload, name="attachment_upload"
    ),
    path(
        "<uuid:case_id>/attachments/<uuid:attachment_id>/",
        attachment_views.attachment_download,
        name="attachment_download",
    ),
]

# The case's history (history_views): trafficking events and perpetrators, added and removed.
urlpatterns += [
    path(
        "<uuid:case_id>/history/events/",
        history_views.trafficking_event_add,
        name="history_event_add",
    ),
    path(
        "<uuid:case_id>/history/events/<uuid:event_id>/remove/",
        history_views.trafficking_event_remove,
        name="history_event_remove",
    ),
    path(
        "<uuid:case_id>/history/perpetrators/",
        history_views.perpetrator_add,
        name="history_perpetrator_add",
    ),
    path(
        "<uuid:case_id>/history/perpetrators/<uuid:perpetrator_id>/remove/",
        history_views.perpetrator_remove,
        name="history_perpetrator_remove",
    ),
]

# Exports (export_views): caseload CSV/XLSX and a case's PDF, made by the worker.
urlpatterns += [
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<uuid:export_id>/", export_views.export_detail, name="export_detail"),
    path(
        "exports/<uuid:export_id>/download/",
        export_views.export_download,
        name="export_download",
    ),
    path("<uuid:case_id>/pdf/", export_views.case_pdf, name="case_pdf"),
]
