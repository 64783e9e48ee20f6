"""Root URLs: the public portal at /, the back office at /staff/."""

from django.urls import include, path
from django.views.i18n import set_language

from gongkai.catalogue import views as catalogue_views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("staff/analytics/", include("gongkai.analytics.urls")),
    path("staff/supervision/", include("gongkai.supervision.urls")),
    path("staff/applications/", include("gongkai.applications.staff_urls")),
    path("staff/catalogue/", include("gongkai.catalogue.staff_urls")),
    path("staff/", include("gongkai.backoffice.urls")),
    path("applications/", include("gongkai.applications.urls")),
    path("catalogue/", include("gongkai.catalogue.urls")),
    path("sitemap.xml", catalogue_views.sitemap, name="sitemap"),
    path("", include("gongkai.portal.urls")),
]
