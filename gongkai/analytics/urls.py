from django.urls import path

from gongkai.analytics import staff_views

app_name = "analytics"

urlpatterns = [
    path("", staff_views.overview, name="overview"),
]
