from django.urls import path

from gongkai.applications import views

app_name = "applications"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("track/<str:code>/letters/<int:letter_id>.<str:fmt>", views.letter_download, name="letter"),
    path("track/<str:code>/receipt.pdf", views.receipt_download, name="receipt"),
    path("track/<str:code>/correction/", views.correction_submit, name="correction"),
    path("track/<str:code>/files/<int:file_id>/", views.reply_file_download, name="reply_file"),
    path("submitted/", views.submitted, name="submitted"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
]
