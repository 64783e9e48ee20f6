from django.urls import path

from gongkai.supervision import staff_views

app_name = "supervision"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("applications/<slug:state>/", staff_views.application_alerts, name="application_alerts"),
    path("annual-reports/", staff_views.annual_reports, name="annual_reports"),
    path("catalogue/<slug:kind>/", staff_views.catalogue_records, name="catalogue_records"),
    path("accounts/", staff_views.account_list, name="accounts"),
    path("accounts/new/", staff_views.account_new, name="account_new"),
    path("accounts/import/", staff_views.account_import, name="account_import"),
    path("accounts/<int:pk>/", staff_views.account_detail, name="account"),
    path("accounts/<int:pk>/edit/", staff_views.account_edit, name="account_edit"),
    path("training/", staff_views.training_list, name="training"),
    path("training/new/", staff_views.training_new, name="training_new"),
    path("training/<int:pk>/edit/", staff_views.training_edit, name="training_edit"),
    path("inspections/", staff_views.inspection_list, name="inspections"),
    path("inspections/new/", staff_views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", staff_views.inspection_detail, name="inspection"),
    path("problems/", staff_views.problem_list, name="problems"),
    path("problems/<int:pk>/", staff_views.problem_detail, name="problem"),
    path("problems/<int:pk>/move/", staff_views.problem_move, name="problem_move"),
    path("site-check/", staff_views.site_check, name="site_check"),
]
