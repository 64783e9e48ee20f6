from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch-agency/", views.switch_agency, name="switch_agency"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/people/", views.agency_people, name="agency_people"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("password/", views.password_change, name="password_change"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/maintain/", views.calendar_override_new, name="calendar_maintain"),
    path("history/<str:object_type>/<str:object_id>/", views.history, name="history"),
    path("audit/", views.audit_log, name="audit"),
]
