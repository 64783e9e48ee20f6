"""Back-office pages under /staff/gazette/."""

from django.urls import path

from gongkai.gazette import staff_views as views

app_name = "gazette_staff"

urlpatterns = [
    path("", views.issue_list, name="issues"),
    path("new/", views.issue_new, name="issue_new"),
    path("<int:pk>/", views.issue_detail, name="issue"),
    path("<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("<int:pk>/documents/<int:entry_pk>/remove/", views.issue_remove_document, name="remove_document"),
    path("<int:pk>/<str:action>/", views.issue_action, name="issue_action"),
]
