"""Public pages under /gazette/<agency slug>/."""

from django.urls import path

from gongkai.gazette import views

app_name = "gazette"

urlpatterns = [
    path("<slug:slug>/", views.issue_list, name="issues"),
    path("<slug:slug>/<int:pk>/", views.issue_detail, name="issue"),
    path("<slug:slug>/<int:pk>/issue.pdf", views.issue_pdf, name="issue_pdf"),
]
