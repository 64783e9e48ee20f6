"""Back-office pages under /staff/enforcement/."""

from django.urls import path

from gongkai.enforcement import staff_views as views

app_name = "enforcement_staff"

urlpatterns = [
    path("", views.decision_list, name="decisions"),
    path("new/", views.decision_new, name="decision_new"),
    path("<int:pk>/", views.decision_detail, name="decision"),
    path("<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("<int:pk>/<str:action>/", views.decision_publication, name="decision_publication"),
    path("fees/", views.fee_list, name="fees"),
    path("fees/new/", views.fee_new, name="fee_new"),
    path("fees/<int:pk>/edit/", views.fee_edit, name="fee_edit"),
    path("import/<str:what>/", views.records_import, name="import"),
    path("import/<str:what>/template.csv", views.import_template, name="template"),
]
