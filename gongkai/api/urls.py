"""The open-data URLs: the API at /api/v1/, the 数据下载 page and files at /data/, the key page in /staff/."""

from django.urls import path

from gongkai.api import staff_views, views
from gongkai.api.endpoints import api

api_urls = api.urls  # (patterns, "ninja", "api-v1")

public_urlpatterns = (
    [
        path("", views.downloads, name="downloads"),
        path("<slug:slug>/<str:filename>", views.bulk_download, name="bulk_file"),
        path("annual-reports/<slug:slug>/<int:year>/<str:scope>.<str:fmt>", views.report_export, name="report_export"),
    ],
    "opendata",
)

staff_urlpatterns = (
    [
        path("", staff_views.keys, name="keys"),
        path("<int:pk>/<str:name>/", staff_views.key_action, name="key_action"),
    ],
    "api_staff",
)
