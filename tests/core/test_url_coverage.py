"""Every route has an access rule someone proved (DESIGN.md §6).

The URL configuration is walked recursively, and the API's operations are
read from the ninja API. Each must appear in REGISTRY: either public (with a
reason), part of allauth's own sign-in and MFA flow, or the ids of the tests
that prove who may and may not use it. A new route without an entry fails
here, and so does an entry that points at a test that does not exist.
"""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from safepath.api.router import api

ROOT = Path(__file__).resolve().parents[2]
API_PREFIX = "/api/v1"

ALLAUTH = "allauth: login/MFA flow"
type Entry = str | tuple[str, ...]

PEOPLE_PAGES = "tests/people/test_person_pages.py"
PEOPLE_API = "tests/people/test_person_api.py"
PEOPLE_ACCESS = "tests/people/test_person_access.py"
ROUTE_ACCESS = "tests/core/test_route_access.py"
MANAGE_ACCESS = (
    "tests/accounts/test_manage_access.py::test_non_admins_get_404_and_nothing_changes",
    "tests/accounts/test_manage_access.py::test_anonymous_is_sent_to_login_and_nothing_changes",
)
TOKENS = "tests/accounts/test_api_tokens.py"
SCREENING_API = "tests/screening/test_screening_api.py"
SCREENING_PAGES = "tests/screening/test_screening_pages.py"
SCREENING_WEB = "tests/screening/test_web_screening.py"
WIZARD_ACCESS = (
    f"{SCREENING_WEB}::test_another_users_draft_is_404_and_stays_untouched",
    f"{SCREENING_WEB}::test_roles_that_may_not_screen_get_404_and_nothing_is_written",
)
CASE_PAGES = "tests/cases/test_case_pages.py"
EXPORTS = "tests/cases/test_exports.py"
EXPORT_ACCESS = (
    f"{EXPORTS}::test_another_user_gets_404_and_nothing_is_audited_for_them",
    f"{EXPORTS}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
CASE_API = "tests/cases/test_case_api.py"
CASE_PAGE_ACCESS = (
    f"{CASE_PAGES}::test_outsider_gets_404_everywhere_and_nothing_is_written_or_logged_as_read",
    f"{CASE_PAGES}::test_roles_without_cases_get_404_on_every_case_page",
    f"{CASE_PAGES}::test_anonymous_is_sent_to_sign_in",
)
REFERRAL_ACCESS = "tests/referrals/test_access.py"
REFERRAL_API_ACCESS = (
    f"{REFERRAL_ACCESS}::test_outsider_gets_404_like_a_missing_referral_and_nothing_is_written",
    f"{REFERRAL_ACCESS}::test_a_partner_never_sees_other_organisations_referrals",
    f"{REFERRAL_ACCESS}::test_roles_without_referrals_get_404_and_list_nothing",
    f"{REFERRAL_ACCESS}::test_anonymous_is_401_and_nothing_is_written",
)
CASE_API_ACCESS = (
    f"{CASE_API}::test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written",
    f"{CASE_API}::test_roles_without_cases_get_404_and_analysts_read_without_identity",
    f"{CASE_API}::test_anonymous_is_401_and_nothing_is_written",
)
WORKFLOW = "tests/cases/test_workflow.py"
WORKFLOW_PAGES = (
    f"{WORKFLOW}::test_outsiders_and_roles_without_reach_get_404_and_nothing_is_written",
    f"{WORKFLOW}::test_anonymous_is_sent_to_sign_in",
)
WORKFLOW_API = (f"{WORKFLOW}::test_the_api_answers_404_to_outsiders_and_writes_nothing",)
ASSISTANCE = "tests/cases/test_assistance.py"
ASSISTANCE_PAGE = (
    f"{ASSISTANCE}::test_outsider_gets_404_like_a_missing_case_and_nothing_is_written_or_logged_as_read",
    f"{ASSISTANCE}::test_roles_without_assistance_get_404_and_nothing_is_written",
    f"{ASSISTANCE}::test_analyst_reads_the_assistance_without_identity_and_cannot_record",
    f"{ASSISTANCE}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
ASSISTANCE_API = "tests/cases/test_assistance_api.py"
ASSISTANCE_API_ACCESS = (
    f"{ASSISTANCE_API}::test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written",
    f"{ASSISTANCE_API}::test_a_warehouse_of_another_organisation_is_404_like_a_missing_one",
    f"{ASSISTANCE_API}::test_roles_without_assistance_get_404_and_analysts_only_read",
    f"{ASSISTANCE_API}::test_anonymous_is_401_and_nothing_is_written",
)
STOCK = "tests/cases/test_stock.py"
STOCK_ACCESS = (
    f"{STOCK}::test_outsider_gets_404_like_a_missing_warehouse_and_nothing_changes",
    f"{STOCK}::test_roles_without_stock_get_404_on_every_stock_page_and_nothing_changes",
    f"{STOCK}::test_caseworker_sees_the_stock_but_cannot_change_it",
    f"{STOCK}::test_anonymous_is_sent_to_sign_in_and_nothing_changes",
)
SHELTERS = "tests/cases/test_shelters.py"
SHELTER_ACCESS = (
    f"{SHELTERS}::test_outsider_gets_404_like_a_missing_shelter_and_nothing_is_written",
    f"{SHELTERS}::test_roles_without_shelters_get_404_and_nothing_is_written",
    f"{SHELTERS}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
REPORTS = "tests/cases/test_reports_pages.py"
REPORT_PAGE_ACCESS = (
    f"{REPORTS}::test_outsiders_get_404_on_every_report_page_and_nothing_is_written",
    f"{REPORTS}::test_roles_without_reports_get_404_and_nothing_is_written",
    f"{REPORTS}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
REPORT_PDF = "tests/cases/test_reports_pdf.py"
REPORTS_API = "tests/cases/test_reports_api.py"
REPORT_API_ACCESS = (
    f"{REPORTS_API}::test_another_organisation_gets_404_like_a_missing_case_and_nothing_is_written",
    f"{REPORTS_API}::test_roles_without_reports_get_404_and_nothing_is_written",
    f"{REPORTS_API}::test_anonymous_is_401_and_nothing_is_written",
)
REPORT_API_PDF = (
    *REPORT_API_ACCESS,
    f"{REPORTS_API}::test_a_bearer_token_never_gets_the_pdf",
    f"{REPORTS_API}::test_a_browser_session_gets_the_pdf_only_after_reauthenticating",
)
ERASURE = "tests/cases/test_retention_erasure.py"
ERASURE_ACCESS = (
    f"{ERASURE}::test_outsiders_and_roles_without_reach_get_404_and_nothing_is_written",
    f"{ERASURE}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
ATTACHMENTS = "tests/cases/test_attachments.py"
ATTACHMENT_ACCESS = (
    f"{ATTACHMENTS}::test_outsiders_get_404_and_nothing_is_written",
    f"{ATTACHMENTS}::test_analyst_sees_that_there_are_attachments_but_cannot_open_or_add_them",
    f"{ATTACHMENTS}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
HISTORY = "tests/cases/test_history.py"
HISTORY_ACCESS = (
    f"{HISTORY}::test_outsiders_get_404_and_nothing_is_written",
    f"{HISTORY}::test_analyst_sees_the_codes_but_no_identifying_details_and_cannot_write",
    f"{HISTORY}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
    f"{HISTORY}::test_an_anonymised_case_refuses_writes",
)
HSDS_API = "tests/directory/test_hsds_api.py"
HSDS_ACCESS = (
    f"{HSDS_API}::test_every_route_answers_anonymous_visitors",
    f"{HSDS_API}::test_only_get_is_allowed_and_nothing_is_written",
    f"{HSDS_API}::test_hidden_services_and_unknown_ids_are_404",
    f"{HSDS_API}::test_nothing_internal_or_about_staff_leaves",
)
IMPORT_ACCESS = (
    "tests/screening/test_web_import.py::test_who_may_not_import_gets_404_and_nothing_changes",
    "tests/screening/test_web_import.py::test_anonymous_is_sent_to_sign_in_and_nothing_is_stored",
)

REFERRAL_PAGES = "tests/referrals/test_pages.py"
REFERRAL_PAGE_ACCESS = (
    f"{REFERRAL_PAGES}::test_outsider_gets_404_everywhere_and_nothing_is_written_or_logged_as_read",
    f"{REFERRAL_PAGES}::test_a_partner_of_another_organisation_gets_404_and_nothing_changes",
    f"{REFERRAL_PAGES}::test_roles_without_referrals_get_404_and_nothing_is_written",
    f"{REFERRAL_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)
REFERRAL_PDF = "tests/referrals/test_referral_pdf.py"

DIRECTORY_PAGES = "tests/directory/test_directory_pages.py"
DIRECTORY_ACCESS = (
    f"{DIRECTORY_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
    f"{DIRECTORY_PAGES}::test_roles_without_the_directory_get_404_everywhere_and_nothing_is_written",
    f"{DIRECTORY_PAGES}::test_readers_read_but_get_404_on_every_change_and_nothing_is_written",
)
DIRECTORY_CHANGE = (
    *DIRECTORY_ACCESS,
    f"{DIRECTORY_PAGES}::test_partner_editing_another_organisations_service_gets_404_and_nothing_is_written",
)

STATS_API = "tests/insights/test_stats_api.py"
STATS_API_ACCESS = (
    f"{STATS_API}::test_anonymous_gets_401_and_nothing_is_released",
    f"{STATS_API}::test_roles_without_insights_get_404_and_nothing_is_released",
    f"{STATS_API}::test_roles_with_insights_read_the_measures",
)
STATS_API_INPUT = (
    f"{STATS_API}::test_an_unknown_measure_or_dimension_is_404_and_nothing_is_released",
    f"{STATS_API}::test_bad_parameters_answer_422_naming_the_field_and_release_nothing",
)

DASHBOARD_PAGES = "tests/insights/test_dashboard_pages.py"
DASHBOARD_ACCESS = (
    f"{DASHBOARD_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_released",
    f"{DASHBOARD_PAGES}::test_roles_without_insights_get_404_and_nothing_is_released",
    f"{DASHBOARD_PAGES}::test_an_analyst_sees_only_their_organisations_figures",
    f"{DASHBOARD_PAGES}::test_bad_filters_answer_400_with_the_form_and_nothing_else",
)

ALERT_PAGES = "tests/insights/test_alert_pages.py"
ALERT_ACCESS = (
    f"{ALERT_PAGES}::test_outsiders_get_404_everywhere_and_nothing_is_written",
    f"{ALERT_PAGES}::test_roles_without_insights_get_404_and_nothing_is_written",
    f"{ALERT_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)

STATS_EXPORTS = "tests/insights/test_exports.py"
STATS_EXPORT_ACCESS = (
    f"{STATS_EXPORTS}::test_another_user_gets_404_and_nothing_is_written_for_them",
    f"{STATS_EXPORTS}::test_roles_without_insights_export_get_404_and_nothing_is_written",
    f"{STATS_EXPORTS}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
)

REGISTRY: dict[str, Entry] = {
    # --- public by design -----------------------------------------------------------
    "public:home": "public: the awareness site, open to anyone without an account",
    "public:find_help": "public: where to find help, open to anyone without an account",
    # the public, read-only HSDS API of the directory: GET only, public part only
    "hsds:root": HSDS_ACCESS,
    "hsds:openapi": HSDS_ACCESS,
    "hsds:services": HSDS_ACCESS,
    "hsds:service": HSDS_ACCESS,
    "hsds:organizations": HSDS_ACCESS,
    "hsds:organization": HSDS_ACCESS,
    "hsds:service_at_locations": HSDS_ACCESS,
    "hsds:service_at_location": HSDS_ACCESS,
    "hsds:taxonomies": HSDS_ACCESS,
    "hsds:taxonomy": HSDS_ACCESS,
    "hsds:taxonomy_terms": HSDS_ACCESS,
    "hsds:taxonomy_term": HSDS_ACCESS,
    "set_language": (
        f"{ROUTE_ACCESS}::test_anonymous_language_switch_goes_to_the_same_page_and_stores_nothing",
        f"{ROUTE_ACCESS}::test_language_switch_refuses_unknown_languages_and_other_sites",
        f"{ROUTE_ACCESS}::test_set_language_answers_post_only",
    ),
    "api:openapi-json": (f"{ROUTE_ACCESS}::test_openapi_schema_is_public_and_holds_no_records",),
    "api:api-root": (f"{ROUTE_ACCESS}::test_unknown_api_paths_answer_404_problem_json",),
    # --- staff home -------------------------------------------------------------------
    "core:dashboard": (
        f"{ROUTE_ACCESS}::test_anonymous_home_is_sent_to_sign_in",
        f"{ROUTE_ACCESS}::test_home_offers_each_role_only_what_it_may_use",
    ),
    # --- people pages ---------------------------------------------------------------
    "people:list": (
        f"{PEOPLE_PAGES}::test_outsider_list_shows_none_of_organisation_a",
        f"{PEOPLE_PAGES}::test_roles_without_person_view_get_404_on_every_people_page",
        f"{PEOPLE_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_logged_as_read",
    ),
    "people:search": (
        f"{PEOPLE_PAGES}::test_outsider_search_by_code_finds_nothing",
        f"{PEOPLE_PAGES}::test_analyst_search_by_name_or_phone_finds_nothing_but_by_code_works",
        f"{PEOPLE_PAGES}::test_roles_without_person_view_get_404_on_every_people_page",
        f"{PEOPLE_PAGES}::test_anonymous_search_is_sent_to_sign_in_and_not_run",
    ),
    "people:create": (
        f"{PEOPLE_PAGES}::test_roles_without_person_view_get_404_on_every_people_page",
        f"{PEOPLE_PAGES}::test_register_with_outsiders_team_in_post_still_files_under_own_team",
    ),
    "people:detail": (
        f"{PEOPLE_ACCESS}::test_outsider_gets_404_on_page_and_no_viewed_event",
        f"{PEOPLE_ACCESS}::test_roles_without_reach_get_404",
        f"{PEOPLE_ACCESS}::test_analyst_sees_record_without_identity",
    ),
    "people:edit": (
        f"{PEOPLE_ACCESS}::test_outsider_cannot_edit_and_nothing_changes",
        f"{PEOPLE_PAGES}::test_who_may_not_change_gets_404_on_edit_and_nothing_is_written",
    ),
    "people:consent_create": (
        f"{PEOPLE_PAGES}::test_who_may_not_record_consent_gets_404_and_nothing_is_written",
    ),
    # --- people API -----------------------------------------------------------------
    "api:create_person": (
        f"{PEOPLE_API}::test_roles_that_may_not_register_get_404_and_nothing_is_written",
        f"{PEOPLE_API}::test_anonymous_create_is_401_and_writes_nothing",
    ),
    "POST /api/v1/people": (
        f"{PEOPLE_API}::test_roles_that_may_not_register_get_404_and_nothing_is_written",
        f"{PEOPLE_API}::test_anonymous_create_is_401_and_writes_nothing",
    ),
    "api:list_people": (
        f"{PEOPLE_API}::test_caseworker_of_another_organisation_lists_none_of_a",
        f"{PEOPLE_API}::test_hotline_operator_sees_only_people_they_registered",
    ),
    "GET /api/v1/people": (
        f"{PEOPLE_API}::test_caseworker_of_another_organisation_lists_none_of_a",
        f"{PEOPLE_API}::test_roles_without_person_view_list_nothing",
    ),
    "api:get_person": (
        f"{PEOPLE_ACCESS}::test_outsider_gets_404_in_api_and_no_viewed_event",
        f"{PEOPLE_API}::test_hidden_and_missing_person_answer_identically_in_api",
    ),
    "GET /api/v1/people/{person_id}": (
        f"{PEOPLE_ACCESS}::test_outsider_gets_404_in_api_and_no_viewed_event",
        f"{PEOPLE_API}::test_analyst_reads_person_without_identity",
    ),
    # --- cases ------------------------------------------------------------------------
    "cases:list": CASE_PAGE_ACCESS,
    "cases:open": CASE_PAGE_ACCESS,
    "cases:detail": (
        *CASE_PAGE_ACCESS,
        f"{CASE_PAGES}::test_analyst_reads_the_case_without_identity_or_notes",
    ),
    "cases:edit": CASE_PAGE_ACCESS,
    "cases:note": CASE_PAGE_ACCESS,
    "cases:assign": (*CASE_PAGE_ACCESS, f"{CASE_PAGES}::test_notes_and_assignment"),
    "cases:my_work": WORKFLOW_PAGES,
    "cases:transfer_request": (
        "tests/cases/test_transfers.py::test_who_may_not_gets_404_and_nothing_changes",
        "tests/cases/test_transfers.py::test_anonymous_is_sent_to_sign_in",
    ),
    "cases:transfer_decide": (
        "tests/cases/test_transfers.py::test_who_may_not_gets_404_and_nothing_changes",
    ),
    "cases:export_htcds": (
        "tests/cases/test_htcds_export.py::test_outsiders_export_nothing_of_organisation_a",
        "tests/cases/test_htcds_export.py::test_analysts_export_without_identity_and_cannot_ask_for_it",
        "tests/cases/test_htcds_export.py::test_anonymous_is_sent_to_sign_in",
    ),
    "cases:exports": (
        *EXPORT_ACCESS,
        f"{EXPORTS}::test_analysts_get_no_identity_field_and_no_identity",
        f"{EXPORTS}::test_bad_input_names_the_field_and_writes_nothing",
    ),
    "cases:export_detail": EXPORT_ACCESS,
    "cases:export_download": (
        *EXPORT_ACCESS,
        f"{EXPORTS}::test_an_expired_export_is_404_and_purged",
        f"{EXPORTS}::test_a_case_reassigned_away_is_no_longer_downloadable",
    ),
    "cases:case_pdf": (
        *EXPORT_ACCESS,
        f"{EXPORTS}::test_the_case_pdf_needs_the_case",
    ),
    "cases:approval_request": WORKFLOW_PAGES,
    "cases:approval_decide": (
        *WORKFLOW_PAGES,
        f"{WORKFLOW}::test_the_pages_request_decide_add_and_mark_done",
    ),
    "cases:plan_add": WORKFLOW_PAGES,
    "cases:plan_done": WORKFLOW_PAGES,
    "cases:task_add": WORKFLOW_PAGES,
    "cases:task_done": WORKFLOW_PAGES,
    "api:list_plan": WORKFLOW_API,
    "GET /api/v1/cases/{case_id}/plan": WORKFLOW_API,
    "api:add_plan_item": WORKFLOW_API,
    "POST /api/v1/cases/{case_id}/plan": WORKFLOW_API,
    "api:list_approvals": WORKFLOW_API,
    "GET /api/v1/cases/{case_id}/approvals": WORKFLOW_API,
    "api:request_approval": WORKFLOW_API,
    "POST /api/v1/cases/{case_id}/approvals": WORKFLOW_API,
    "api:decide_approval": (*WORKFLOW_API, f"{WORKFLOW}::test_the_api_plan_and_approvals"),
    "POST /api/v1/cases/{case_id}/approvals/{approval_id}/decision": WORKFLOW_API,
    "api:create_case": CASE_API_ACCESS,
    "POST /api/v1/cases": CASE_API_ACCESS,
    # --- referrals API ---------------------------------------------------------------
    "api:create_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals": REFERRAL_API_ACCESS,
    "api:list_referrals": REFERRAL_API_ACCESS,
    "GET /api/v1/referrals": REFERRAL_API_ACCESS,
    "api:get_referral": REFERRAL_API_ACCESS,
    "GET /api/v1/referrals/{referral_id}": REFERRAL_API_ACCESS,
    # --- stats API ----------------------------------------------------------------------
    "api:list_measures": STATS_API_ACCESS,
    "GET /api/v1/stats/measures": STATS_API_ACCESS,
    "api:get_table": (*STATS_API_ACCESS, *STATS_API_INPUT),
    "GET /api/v1/stats/{measure}/{dimension}": (*STATS_API_ACCESS, *STATS_API_INPUT),
    "api:approve_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/approve": REFERRAL_API_ACCESS,
    "api:accept_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/accept": REFERRAL_API_ACCESS,
    "api:decline_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/decline": REFERRAL_API_ACCESS,
    "api:start_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/start": REFERRAL_API_ACCESS,
    "api:complete_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/complete": REFERRAL_API_ACCESS,
    "api:withdraw_referral": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/withdraw": REFERRAL_API_ACCESS,
    "api:add_referral_update": REFERRAL_API_ACCESS,
    "POST /api/v1/referrals/{referral_id}/updates": REFERRAL_API_ACCESS,
    "api:list_cases": CASE_API_ACCESS,
    "GET /api/v1/cases": CASE_API_ACCESS,
    "api:get_case": CASE_API_ACCESS,
    "GET /api/v1/cases/{case_id}": CASE_API_ACCESS,
    "api:patch_case": CASE_API_ACCESS,
    "PATCH /api/v1/cases/{case_id}": CASE_API_ACCESS,
    # --- reports to law enforcement ---------------------------------------------------
    "cases:report_create": REPORT_PAGE_ACCESS,
    "cases:report_detail": REPORT_PAGE_ACCESS,
    "cases:report_edit": REPORT_PAGE_ACCESS,
    "cases:report_submit": REPORT_PAGE_ACCESS,
    "cases:report_approve": (
        *REPORT_PAGE_ACCESS,
        f"{REPORTS}::test_self_approval_is_refused_on_the_web",
    ),
    "cases:report_reject": REPORT_PAGE_ACCESS,
    "cases:report_send": REPORT_PAGE_ACCESS,
    "cases:report_acknowledge": REPORT_PAGE_ACCESS,
    "cases:report_outcome": REPORT_PAGE_ACCESS,
    "cases:report_pdf": (
        *REPORT_PAGE_ACCESS,
        f"{REPORT_PDF}::test_a_session_without_a_recent_password_is_sent_to_reauthenticate_and_nothing_is_made",
        f"{REPORT_PDF}::test_a_password_check_older_than_five_minutes_is_asked_again",
    ),
    "api:list_law_enforcement_reports": REPORT_API_ACCESS,
    "GET /api/v1/cases/{case_id}/law-enforcement-reports": REPORT_API_ACCESS,
    "api:create_law_enforcement_report": REPORT_API_ACCESS,
    "POST /api/v1/cases/{case_id}/law-enforcement-reports": REPORT_API_ACCESS,
    "api:law_enforcement_report_pdf": REPORT_API_PDF,
    "GET /api/v1/cases/{case_id}/law-enforcement-reports/{report_id}/pdf": REPORT_API_PDF,
    "cases:assistance": ASSISTANCE_PAGE,
    "api:list_case_assistance": ASSISTANCE_API_ACCESS,
    "GET /api/v1/cases/{case_id}/assistance": ASSISTANCE_API_ACCESS,
    "api:record_case_assistance": ASSISTANCE_API_ACCESS,
    "POST /api/v1/cases/{case_id}/assistance": ASSISTANCE_API_ACCESS,
    "cases:stock": STOCK_ACCESS,
    "cases:warehouse": STOCK_ACCESS,
    "cases:warehouse_receipt": STOCK_ACCESS,
    "cases:warehouse_transfer": STOCK_ACCESS,
    "cases:warehouse_threshold": STOCK_ACCESS,
    "cases:shelters": SHELTER_ACCESS,
    "cases:shelter": SHELTER_ACCESS,
    "cases:shelter_admit": SHELTER_ACCESS,
    "cases:shelter_depart": SHELTER_ACCESS,
    "cases:erasure_request": ERASURE_ACCESS,
    "cases:erasure_decide": (
        *ERASURE_ACCESS,
        f"{ERASURE}::test_the_page_refuses_self_approval_and_bad_input",
    ),
    "cases:attachment_upload": (
        *ATTACHMENT_ACCESS,
        f"{ATTACHMENTS}::test_an_anonymised_case_refuses_uploads",
    ),
    "cases:attachment_download": (
        *ATTACHMENT_ACCESS,
        f"{ATTACHMENTS}::test_download_is_an_uncached_audited_attachment",
    ),
    "cases:history_event_add": HISTORY_ACCESS,
    "cases:history_event_remove": HISTORY_ACCESS,
    "cases:history_perpetrator_add": HISTORY_ACCESS,
    "cases:history_perpetrator_remove": HISTORY_ACCESS,
    # --- screening pages ------------------------------------------------------------
    "screening:list": (
        f"{SCREENING_PAGES}::test_outsider_list_shows_none_of_organisation_a",
        f"{SCREENING_PAGES}::test_roles_without_screening_view_get_404_on_list_and_result",
        f"{SCREENING_WEB}::test_anonymous_visitors_are_sent_to_sign_in",
    ),
    "screening:detail": (
        f"{SCREENING_PAGES}::test_outsider_gets_404_on_the_result_page_and_no_viewed_event",
        f"{SCREENING_PAGES}::test_roles_without_screening_view_get_404_on_list_and_result",
        f"{SCREENING_PAGES}::test_analyst_reads_the_result_without_identity",
        f"{SCREENING_PAGES}::test_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_logged",
    ),
    "screening:start": (
        f"{SCREENING_WEB}::test_roles_that_may_not_screen_get_404_and_nothing_is_written",
        f"{SCREENING_WEB}::test_screening_a_person_out_of_reach_is_404_and_starts_nothing",
        f"{SCREENING_WEB}::test_anonymous_visitors_are_sent_to_sign_in",
    ),
    "screening:catalogues": (
        "tests/screening/test_catalogue_upload.py::test_only_administrators_may_see_or_load_catalogues",
        "tests/screening/test_catalogue_upload.py::test_anonymous_is_sent_to_sign_in_and_nothing_is_stored",
    ),
    "screening:imports": IMPORT_ACCESS,
    "screening:import_detail": IMPORT_ACCESS,
    "screening:import_confirm": IMPORT_ACCESS,
    "screening:import_cancel": IMPORT_ACCESS,
    "screening:resume": WIZARD_ACCESS,
    "screening:discard": WIZARD_ACCESS,
    "screening:step": WIZARD_ACCESS,
    # --- screening API --------------------------------------------------------------
    "api:create_screening": (
        f"{SCREENING_API}::test_roles_that_may_not_screen_get_404_and_nothing_is_written",
        f"{SCREENING_API}::test_anonymous_create_is_401_and_writes_nothing",
        f"{SCREENING_API}::test_person_of_another_organisation_is_404_like_a_missing_one_and_nothing_is_written",
    ),
    "POST /api/v1/screenings": (
        f"{SCREENING_API}::test_roles_that_may_not_screen_get_404_and_nothing_is_written",
        f"{SCREENING_API}::test_anonymous_create_is_401_and_writes_nothing",
        f"{SCREENING_API}::test_person_of_another_organisation_is_404_like_a_missing_one_and_nothing_is_written",
    ),
    "api:list_screenings": (
        f"{SCREENING_API}::test_outsider_lists_none_of_organisation_a",
        f"{SCREENING_API}::test_hotline_operator_lists_only_their_own_screenings",
        f"{SCREENING_API}::test_roles_without_screening_view_list_nothing",
    ),
    "GET /api/v1/screenings": (
        f"{SCREENING_API}::test_outsider_lists_none_of_organisation_a",
        f"{SCREENING_API}::test_hotline_operator_lists_only_their_own_screenings",
        f"{SCREENING_API}::test_roles_without_screening_view_list_nothing",
    ),
    "api:get_screening": (
        f"{SCREENING_API}::test_outsider_gets_404_like_a_missing_id_and_no_viewed_event",
        f"{SCREENING_API}::test_roles_without_reach_get_404_and_no_viewed_event",
    ),
    "GET /api/v1/screenings/{screening_id}": (
        f"{SCREENING_API}::test_outsider_gets_404_like_a_missing_id_and_no_viewed_event",
        f"{SCREENING_API}::test_roles_without_reach_get_404_and_no_viewed_event",
        f"{SCREENING_API}::test_analyst_reads_a_screening_with_the_code_only",
    ),
    # --- API tokens -----------------------------------------------------------------
    "api:issue_token": (
        f"{TOKENS}::test_wrong_password_and_unknown_user_answer_identically",
        f"{TOKENS}::test_token_requests_are_throttled_per_username",
    ),
    "POST /api/v1/auth/token": (
        f"{TOKENS}::test_wrong_password_and_unknown_user_answer_identically",
        f"{TOKENS}::test_token_requests_are_throttled_per_username",
    ),
    "api:revoke_token": (f"{TOKENS}::test_anonymous_cannot_create_or_revoke",),
    "DELETE /api/v1/auth/token": (f"{TOKENS}::test_anonymous_cannot_create_or_revoke",),
    # --- directory (staff pages) -----------------------------------------------------
    "directory:list": (
        *DIRECTORY_ACCESS,
        f"{DIRECTORY_PAGES}::test_list_filters_by_voivodeship_type_and_text",
    ),
    "directory:service": DIRECTORY_ACCESS,
    "directory:service_create": (
        *DIRECTORY_CHANGE,
        f"{DIRECTORY_PAGES}::test_supervisor_adds_and_edits_a_service_in_four_languages",
    ),
    "directory:service_edit": (
        *DIRECTORY_CHANGE,
        f"{DIRECTORY_PAGES}::test_bad_input_on_the_page_names_the_field_and_nothing_is_written",
    ),
    "directory:service_verify": (
        *DIRECTORY_CHANGE,
        f"{DIRECTORY_PAGES}::test_verify_page_marks_today",
    ),
    "directory:providers": (
        *DIRECTORY_CHANGE,
        f"{DIRECTORY_PAGES}::test_providers_are_added_and_edited_by_a_supervisor",
    ),
    "directory:provider_edit": DIRECTORY_CHANGE,
    # --- administration and audit ---------------------------------------------------
    "manage:overview": MANAGE_ACCESS,
    "manage:organisation_create": MANAGE_ACCESS,
    "manage:organisation_edit": MANAGE_ACCESS,
    "manage:team_create": MANAGE_ACCESS,
    "manage:team_edit": MANAGE_ACCESS,
    "manage:user_list": MANAGE_ACCESS,
    "manage:user_create": MANAGE_ACCESS,
    "manage:user_edit": MANAGE_ACCESS,
    "manage:user_active": MANAGE_ACCESS,
    "manage:user_password": MANAGE_ACCESS,
    "audit:list": MANAGE_ACCESS,
    # --- referral pages ---------------------------------------------------------------
    "referrals:list": REFERRAL_PAGE_ACCESS,
    "referrals:new": REFERRAL_PAGE_ACCESS,
    "referrals:compose": (
        *REFERRAL_PAGE_ACCESS,
        f"{REFERRAL_PAGES}::test_identity_without_consent_is_refused_with_the_reason_and_nothing_is_created",
    ),
    "referrals:detail": REFERRAL_PAGE_ACCESS,
    "referrals:action": REFERRAL_PAGE_ACCESS,
    "referrals:pdf": (
        *REFERRAL_PAGE_ACCESS,
        f"{REFERRAL_PDF}::test_a_session_without_a_recent_password_is_sent_to_reauthenticate_and_nothing_is_made",
        f"{REFERRAL_PDF}::test_no_pdf_for_a_referral_inside_safepath_or_for_anyone_but_the_sender",
    ),
    "referrals:notifications": (
        f"{REFERRAL_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
        f"{REFERRAL_PAGES}::test_the_inbox_shows_notifications_in_the_readers_language_and_marks_them_read",
    ),
    "referrals:notification": (
        f"{REFERRAL_PAGES}::test_anonymous_is_sent_to_sign_in_and_nothing_is_written",
        f"{REFERRAL_PAGES}::test_the_inbox_shows_notifications_in_the_readers_language_and_marks_them_read",
    ),
    "referrals:pathways": REFERRAL_PAGE_ACCESS,
    "referrals:pathway_new": REFERRAL_PAGE_ACCESS,
    "referrals:pathway_edit": (
        *REFERRAL_PAGE_ACCESS,
        f"{REFERRAL_PAGES}::test_administrators_create_and_edit_pathways",
    ),
    # --- insights dashboards ------------------------------------------------------------
    "insights:dashboard": (
        *DASHBOARD_ACCESS,
        f"{DASHBOARD_PAGES}::test_each_role_with_insights_sees_every_chart",
    ),
    "insights:panel": (
        *DASHBOARD_ACCESS,
        f"{DASHBOARD_PAGES}::test_an_unknown_panel_or_format_is_404",
    ),
    "insights:download": (
        *DASHBOARD_ACCESS,
        f"{DASHBOARD_PAGES}::test_an_unknown_panel_or_format_is_404",
        f"{DASHBOARD_PAGES}::test_the_csv_download_passes_the_partner_thresholds_and_is_logged",
    ),
    # --- insights alerts ----------------------------------------------------------------
    "insights:alerts": (
        *ALERT_ACCESS,
        f"{ALERT_PAGES}::test_the_status_filter_and_a_bad_status_is_a_400_with_the_reason",
    ),
    "insights:alert": ALERT_ACCESS,
    "insights:alert_acknowledge": (
        *ALERT_ACCESS,
        f"{ALERT_PAGES}::test_acknowledging_records_who_and_when_once",
    ),
    "insights:alert_comment": (
        *ALERT_ACCESS,
        f"{ALERT_PAGES}::test_a_bad_comment_is_a_form_error_and_nothing_is_written",
    ),
    # --- insights statistics exports --------------------------------------------------
    "insights:exports": (
        *STATS_EXPORT_ACCESS,
        f"{STATS_EXPORTS}::test_bad_input_is_a_form_error_and_nothing_is_queued",
    ),
    "insights:export": STATS_EXPORT_ACCESS,
    "insights:export_download": (
        *STATS_EXPORT_ACCESS,
        f"{STATS_EXPORTS}::test_an_expired_export_is_404_and_purged",
    ),
    # --- allauth's own routes ---------------------------------------------------------
    "account_login": ALLAUTH,
    "account_logout": ALLAUTH,
    "account_inactive": ALLAUTH,
    "account_reauthenticate": ALLAUTH,
    "account_change_password": ALLAUTH,
    "mfa_index": ALLAUTH,
    "mfa_authenticate": ALLAUTH,
    "mfa_reauthenticate": ALLAUTH,
    "mfa_activate_totp": ALLAUTH,
    "mfa_deactivate_totp": ALLAUTH,
    "mfa_view_recovery_codes": ALLAUTH,
    "mfa_generate_recovery_codes": ALLAUTH,
    "mfa_download_recovery_codes": ALLAUTH,
    "mfa_list_webauthn": ALLAUTH,
    "mfa_add_webauthn": ALLAUTH,
    "mfa_reauthenticate_webauthn": ALLAUTH,
    "mfa_remove_webauthn": ALLAUTH,
    "mfa_edit_webauthn": ALLAUTH,
}


def named_routes() -> set[str]:
    """`namespace:name` of every named URL pattern, however deeply included."""
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def unnamed_routes() -> list[str]:
    """Patterns without a name: they could not be listed in the registry, so none may exist."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif not pattern.name:
                found.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def api_operations() -> set[str]:
    """`METHOD /api/v1/path` of every operation of the ninja API."""
    found: set[str] = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.add(f"{method} {API_PREFIX}{prefix}{path}")
    return found


def every_route() -> set[str]:
    return named_routes() | api_operations()


def test_the_walk_finds_what_it_should() -> None:
    routes = every_route()
    assert {"people:detail", "set_language", "account_login", "api:get_person"} <= routes
    assert "GET /api/v1/people/{person_id}" in routes
    assert {"mfa_index", "mfa_activate_totp", "account_logout"} <= routes
    assert len(api_operations()) == 34


def test_every_route_has_a_rule_or_a_proving_test() -> None:
    missing = sorted(every_route() - set(REGISTRY))
    assert missing == [], f"routes without a registered access rule or test: {missing}"


def test_registry_has_no_routes_that_no_longer_exist() -> None:
    stale = sorted(set(REGISTRY) - every_route())
    assert stale == [], f"registry entries for routes that do not exist: {stale}"


def test_no_route_is_unnamed() -> None:
    assert unnamed_routes() == []


def test_every_entry_is_a_reason_or_existing_tests() -> None:
    problems: list[str] = []
    for route, entry in REGISTRY.items():
        if isinstance(entry, str):
            if entry == ALLAUTH:
                if not route.startswith(("account_", "mfa_")):
                    problems.append(f"{route}: only allauth's routes may be classified as allauth")
            elif not re.fullmatch(r"public: \S.{10,}", entry):
                problems.append(f"{route}: a public route needs a one-line reason")
            continue
        if not entry:
            problems.append(f"{route}: no test listed")
        for node_id in entry:
            problem = _missing_test(node_id)
            if problem:
                problems.append(f"{route}: {problem}")
    assert problems == []


def test_staff_routes_are_not_declared_public() -> None:
    public = [r for r, e in REGISTRY.items() if isinstance(e, str) and e.startswith("public:")]
    assert all(r.startswith("public:") for r in public), public


def _missing_test(node_id: str) -> str:
    path, sep, name = node_id.partition("::")
    if not sep or not name:
        return f"{node_id!r} is not a test node id (path::test_name)"
    name = name.split("[", 1)[0]
    file = ROOT / path
    if not file.is_file():
        return f"{path} does not exist"
    if not re.search(rf"^def {re.escape(name)}\(", file.read_text(encoding="utf-8"), re.MULTILINE):
        return f"{path} has no `def {name}`"
    return ""


def test_the_existence_check_catches_a_missing_test() -> None:
    assert (
        _missing_test(f"{PEOPLE_ACCESS}::test_outsider_gets_404_on_page_and_no_viewed_event") == ""
    )
    assert "has no" in _missing_test(f"{PEOPLE_ACCESS}::test_that_was_never_written")
    assert "does not exist" in _missing_test("tests/people/nowhere.py::test_x")
    assert "not a test node id" in _missing_test("tests/people/test_person_access.py")
