"""Back-office catalogue pages, mounted at /staff/catalogue/. The item page's buttons keep a URL each and all go
to `item_action`, which runs the `Action` the URL names."""

from django.urls import path

from gongkai.catalogue import imports_views, settings_views, staff_views, synonyms_views

app_name = "catalogue_staff"

urlpatterns = [
    path("", staff_views.item_list, name="items"),
    path("new/", staff_views.item_new, name="item_new"),
    path("<int:pk>/", staff_views.item_detail, name="item"),
    path("<int:pk>/edit/", staff_views.item_edit, name="item_edit"),
    path("<int:pk>/submit/", staff_views.item_action, {"name": "submit"}, name="item_submit"),
    path("<int:pk>/approve/", staff_views.item_action, {"name": "approve"}, name="item_approve"),
    path("<int:pk>/reject/", staff_views.item_action, {"name": "reject"}, name="item_reject"),
    path("<int:pk>/withdraw/", staff_views.item_action, {"name": "withdraw"}, name="item_withdraw"),
    path("<int:pk>/reopen/", staff_views.item_action, {"name": "reopen"}, name="item_reopen"),
    path("<int:pk>/restore/", staff_views.item_action, {"name": "restore"}, name="item_restore"),
    path("<int:pk>/validity/", staff_views.item_action, {"name": "validity"}, name="item_validity"),
    path("<int:pk>/recheck/", staff_views.item_action, {"name": "recheck"}, name="item_recheck"),
    path("<int:pk>/attachments/", staff_views.item_action, {"name": "attach"}, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", staff_views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", staff_views.attachment_remove, name="attachment_delete"),
    path("<int:pk>/findings/<int:finding_pk>/override/", staff_views.finding_override, name="finding_override"),
    path("<int:pk>/versions/<int:number>/", staff_views.version_compare, name="version_diff"),
    path("monitoring/", staff_views.monitoring, name="monitoring"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/categories/<int:pk>/", settings_views.category_edit, name="category_edit"),
    path("guide/", settings_views.guide_edit, name="guide"),
    path("synonyms/", synonyms_views.synonym_list, name="synonyms"),
    path("synonyms/<int:pk>/delete/", synonyms_views.synonym_delete, name="synonym_delete"),
    path("import/", imports_views.import_start, name="import"),
    path("import/<int:pk>/", imports_views.import_progress, name="import_progress"),
    path("import/<int:pk>/step/", imports_views.import_step, name="import_step"),
]
