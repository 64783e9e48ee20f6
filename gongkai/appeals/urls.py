from django.urls import path

from gongkai.appeals import staff_views

app_name = "appeals"

urlpatterns = [
    path("", staff_views.appeal_list, name="list"),
    path("reconsiderations/new/", staff_views.reconsideration_new, name="reconsideration_new"),
    path("reconsiderations/<int:pk>/", staff_views.reconsideration_detail, name="reconsideration"),
    path("lawsuits/new/", staff_views.lawsuit_new, name="lawsuit_new"),
    path("lawsuits/<int:pk>/", staff_views.lawsuit_detail, name="lawsuit"),
    path(
        "reconsiderations/<int:pk>/documents/<int:document_id>/",
        staff_views.reconsideration_document,
        name="reconsideration_document",
    ),
    path("lawsuits/<int:pk>/documents/<int:document_id>/", staff_views.lawsuit_document, name="lawsuit_document"),
]
