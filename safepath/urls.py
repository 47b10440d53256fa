"""URL configuration. Pages are under a language prefix (/uk/, /pl/, ...); the API is not."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from safepath.api.router import api
from safepath.core import views as core_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("language/", core_views.set_language, name="set_language"),
    # The public, read-only HSDS API of the service directory (no language prefix).
    path("hsds/", include("safepath.directory.hsds_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("safepath.outreach.urls")),
    path("accounts/", include("safepath.accounts.allauth_urls")),
    path("app/", include("safepath.core.urls")),
    path("app/people/", include("safepath.people.urls")),
    path("app/screenings/", include("safepath.screening.urls")),
    path("app/cases/", include("safepath.cases.urls")),
    path("app/directory/", include("safepath.directory.urls")),
    path("app/referrals/", include("safepath.referrals.urls")),
    path("app/manage/", include("safepath.accounts.urls")),
    path("app/audit/", include("safepath.audit.urls")),
    path("app/insights/", include("safepath.insights.urls")),
    prefix_default_language=True,
)

handler400 = "safepath.core.views.bad_request"
handler403 = "safepath.core.views.permission_denied"
handler404 = "safepath.core.views.page_not_found"
handler500 = "safepath.core.views.server_error"
