"""Back-office pages under /staff/participation/."""

from django.urls import path

from gongkai.participation import article44_views, interpretation_views
from gongkai.participation import staff_views as views

app_name = "participation_staff"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("consultations/<int:pk>/feedback/", views.consultation_feedback, name="feedback"),
    path("consultations/<int:pk>/comments/<int:comment_pk>/", views.comment_moderate, name="moderate"),
    path("surveys/<int:pk>/questions/new/", views.survey_question_add, name="question_new"),
    path("surveys/<int:pk>/export.<str:fmt>", views.survey_export, name="export"),
    path("interpretations/", interpretation_views.interpretation_list, name="interpretations"),
    path("interpretations/new/", interpretation_views.interpretation_new, name="interpretation_new"),
    path("interpretations/<int:pk>/", interpretation_views.interpretation_detail, name="interpretation"),
    path("interpretations/<int:pk>/edit/", interpretation_views.interpretation_edit, name="interpretation_edit"),
    path(
        "interpretations/<int:pk>/<str:action>/",
        interpretation_views.interpretation_action,
        name="interpretation_action",
    ),
    # 条例 第四十四条: a case (`pk` is the application's) turned into a proactive-disclosure draft.
    path("article44/<int:pk>/draft/", article44_views.article44_draft, name="article44_draft"),
    path("<str:kind>/", views.record_list, name="kind_list"),
    path("<str:kind>/new/", views.record_new, name="new"),
    path("<str:kind>/<int:pk>/", views.record_detail, name="detail"),
    path("<str:kind>/<int:pk>/edit/", views.record_edit, name="edit"),
    path("<str:kind>/<int:pk>/<str:action>/", views.record_action, name="action"),
]
