"""Root URLs: the public portal at /, the back office at /staff/."""

from django.urls import include, path

from gongkai.annual_reports.urls import public_urlpatterns as annual_report_pages
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("staff/annual-reports/", include("gongkai.annual_reports.urls")),
    path("staff/", include("gongkai.backoffice.urls")),
    path("agencies/", include(annual_report_pages)),
    path("", include("gongkai.portal.urls")),
]
