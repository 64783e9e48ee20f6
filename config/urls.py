"""Root URLs: the public portal at /, the back office at /staff/."""

from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from gongkai.annual_reports.urls import public_urlpatterns as annual_report_pages
from gongkai.api.urls import api_urls
from gongkai.api.urls import public_urlpatterns as opendata_pages
from gongkai.api.urls import staff_urlpatterns as api_staff_pages
from gongkai.catalogue import views as catalogue_views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    # The back office.
    path("staff/applications/", include("gongkai.applications.staff_urls")),
    path("staff/appeals/", include("gongkai.appeals.urls")),
    path("staff/catalogue/", include("gongkai.catalogue.staff_urls")),
    path("staff/participation/", include("gongkai.participation.staff_urls")),
    path("staff/gazette/", include("gongkai.gazette.staff_urls")),
    path("staff/enforcement/", include("gongkai.enforcement.staff_urls")),
    path("staff/analytics/", include("gongkai.analytics.urls")),
    path("staff/supervision/", include("gongkai.supervision.urls")),
    path("staff/annual-reports/", include("gongkai.annual_reports.urls")),
    path("staff/api-keys/", include(api_staff_pages)),
    path("staff/notices/", include("gongkai.notices.urls")),
    path("staff/jobs/", include("gongkai.jobs.urls")),
    path("staff/inbox/", include("gongkai.inbox.urls")),
    path("staff/", include("gongkai.backoffice.urls")),
    # The public portal.
    path("applications/", include("gongkai.applications.urls")),
    path("catalogue/", include("gongkai.catalogue.urls")),
    path("participation/", include("gongkai.participation.urls")),
    path("gazette/", include("gongkai.gazette.urls")),
    path("enforcement/", include("gongkai.enforcement.urls")),
    path("agencies/", include(annual_report_pages)),
    # Open data: the public JSON API and the bulk downloads (数据下载).
    path("api/v1/", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="api_home"),
    path("api/v1/", api_urls),
    path("data/", include(opendata_pages)),
    path("sitemap.xml", catalogue_views.sitemap, name="sitemap"),
    path("", include("gongkai.portal.urls")),
]

# Error pages in the portal's layout and in Chinese (gongkai/portal/errors.py); CSRF_FAILURE_VIEW is in settings.
handler400 = "gongkai.portal.errors.bad_request"
handler403 = "gongkai.portal.errors.permission_denied"
handler404 = "gongkai.portal.errors.page_not_found"
handler500 = "gongkai.portal.errors.server_error"
