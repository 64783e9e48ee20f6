from django.urls import path

from gongkai.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/", views.directory, name="directory"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency"),
    path("language/<str:code>/", views.language, name="language"),
    path("favicon.ico", views.favicon, name="favicon"),
]
