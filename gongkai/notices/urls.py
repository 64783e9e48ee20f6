from django.urls import path

from gongkai.notices import staff_views

app_name = "notices"

urlpatterns = [
    path("", staff_views.notice_list, name="list"),
    path("<int:pk>/<str:name>/", staff_views.notice_action, name="action"),
    path("my-settings/", staff_views.preference_edit, name="preferences"),
    path("templates/", staff_views.template_list, name="templates"),
    path("templates/<str:event>/<str:channel>/", staff_views.template_edit, name="template_edit"),
]
