"""Public pages under /enforcement/<agency slug>/."""

from django.urls import path

from gongkai.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("<slug:slug>/penalties/", views.penalty_list, name="penalties"),
    path("<slug:slug>/penalties/<int:pk>/", views.penalty_detail, name="penalty"),
    path("<slug:slug>/licensing/", views.licensing_list, name="licensing"),
    path("<slug:slug>/fees/", views.fee_list, name="fees"),
]
