from django.urls import path

from gongkai.jobs import staff_views

app_name = "jobs"

urlpatterns = [
    path("", staff_views.job_list, name="list"),
    path("<str:name>/", staff_views.job_detail, name="detail"),
    path("<str:name>/run/", staff_views.job_run_now, name="run"),
]
