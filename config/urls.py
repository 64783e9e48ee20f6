"""Root URLs: the public portal at /, the back office at /staff/."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("staff/participation/", include("gongkai.participation.staff_urls")),
    path("staff/gazette/", include("gongkai.gazette.staff_urls")),
    path("staff/enforcement/", include("gongkai.enforcement.staff_urls")),
    path("participation/", include("gongkai.participation.urls")),
    path("gazette/", include("gongkai.gazette.urls")),
    path("enforcement/", include("gongkai.enforcement.urls")),
    path("staff/", include("gongkai.backoffice.urls")),
    path("", include("gongkai.portal.urls")),
]
