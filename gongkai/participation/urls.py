"""Public pages under /participation/<agency slug>/."""

from django.urls import path

from gongkai.participation import views

app_name = "participation"

urlpatterns = [
    path("<slug:slug>/", views.participation_home, name="home"),
    path("<slug:slug>/concerns/", views.concern_list, name="concerns"),
    path("<slug:slug>/concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("<slug:slug>/consultations/", views.consultation_list, name="consultations"),
    path("<slug:slug>/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("<slug:slug>/interpretations/", views.interpretation_list, name="interpretations"),
    path("<slug:slug>/interpretations/<int:pk>/", views.interpretation_detail, name="interpretation"),
    path("<slug:slug>/surveys/", views.survey_list, name="surveys"),
    path("<slug:slug>/surveys/<int:pk>/", views.survey_detail, name="survey"),
]
