from django.urls import path

from gongkai.annual_reports import intake_views, staff_views, views

app_name = "annual_reports"

urlpatterns = [
    path("", staff_views.report_list, name="list"),
    path("new/", staff_views.report_create, name="create"),
    path("subordinates/", staff_views.report_rollup_status, name="rollup"),
    path("imports/", intake_views.import_list, name="imports"),
    path("imports/upload/", intake_views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", intake_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", intake_views.import_confirm, name="import_confirm"),
    path("audit/", intake_views.audit_page, name="audit_overview"),
    path("compare/", intake_views.compare_page, name="compare"),
    path("<int:pk>/", staff_views.report_detail, name="detail"),
    path("<int:pk>/edit/", staff_views.report_edit, name="edit"),
    path("<int:pk>/<str:action>/", staff_views.report_transition, name="transition"),
    path("<int:pk>/cells/<str:address>/", staff_views.report_cell_records, name="cell"),
    path("<int:pk>/export.<str:fmt>", staff_views.report_export, name="export"),
]

public_urlpatterns = (
    [
        path("<slug:slug>/annual-reports/", views.report_index, name="index"),
        path("<slug:slug>/annual-reports/<int:year>/", views.report_page, name="report"),
        path("<slug:slug>/annual-reports/<int:year>/download.<str:fmt>", views.report_download, name="download"),
    ],
    "annual_reports_public",
)
