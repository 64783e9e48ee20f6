from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.applications import kept, models, registration, tracking
        from gongkai.core.registry import register_page_names

        registration.register()
        # What the portal's fast path may answer again without Django (kept.py).
        kept.register_answer(tracking.ANSWER, tracking.kept_answer)
        kept.register_answer(kept.BLANK_FORM, kept.blank_form_page)
        # Every row a case's tracking page shows gives the case a new version (tracking.py).
        for model in (models.Application, models.ClockPause, models.Extension, models.Fee, models.Letter,
                      models.ReplyFile):  # fmt: skip
            post_save.connect(tracking.row_changed, sender=model, dispatch_uid=f"tracking-{model.__name__}-save")
            post_delete.connect(tracking.row_changed, sender=model, dispatch_uid=f"tracking-{model.__name__}-delete")
        register_page_names(
            {
                "applications:apply": _("政府信息公开申请"),
                "applications:submitted": _("申请已提交"),
                "applications:track": _("申请办理情况查询"),
                "applications:correction": _("补正申请"),
            }
        )
