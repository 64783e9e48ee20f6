from django.urls import path

from gongkai.applications import staff_views

app_name = "applications_staff"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("export.csv", staff_views.queue_export, {"fmt": "csv"}, name="export"),
    path("export.xlsx", staff_views.queue_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("register/", staff_views.register, name="register"),
    path("templates/", staff_views.letter_templates, name="templates"),
    path("remedies/", staff_views.remedy_bodies, name="remedies"),
    path("sign-off/", staff_views.sign_off_setting, name="sign_off"),
    path("templates/<str:kind>/", staff_views.letter_template_edit, name="template_edit"),
    path("templates/<str:kind>/<str:group>/", staff_views.letter_template_edit, name="template_edit_group"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/do/<str:name>/", staff_views.action, name="action"),
    path("<int:pk>/form/<str:name>/", staff_views.action_form, name="action_form"),
    path("<int:pk>/letters/<int:letter_id>.<str:fmt>", staff_views.letter_download, name="letter"),
    path("<int:pk>/attachments/<int:attachment_id>/", staff_views.attachment_download, name="attachment"),
    path("<int:pk>/reply-files/<int:file_id>/", staff_views.reply_file_download, name="reply_file"),
]
