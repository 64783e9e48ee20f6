"""Root URLs: the public portal at /, the back office at /staff/."""

from django.urls import include, path
from django.views.i18n import set_language

from gongkai.annual_reports.urls import public_urlpatterns as annual_report_pages
from gongkai.catalogue import views as catalogue_views

# A BadRequest (an out-of-range query value, gongkai.core.params) answers 400 with its message in Chinese.
handler400 = "gongkai.core.params.bad_request"

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
    path("staff/", include("gongkai.backoffice.urls")),
    # The public portal.
    path("applications/", include("gongkai.applications.urls")),
    path("catalogue/", include("gongkai.catalogue.urls")),
    path("participation/", include("gongkai.participation.urls")),
    path("gazette/", include("gongkai.gazette.urls")),
    path("enforcement/", include("gongkai.enforcement.urls")),
    path("agencies/", include(annual_report_pages)),
    path("sitemap.xml", catalogue_views.sitemap, name="sitemap"),
    path("", include("gongkai.portal.urls")),
]
