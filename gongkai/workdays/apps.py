from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "gongkai.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.workdays.models import HolidayNotice, WorkdayOverride
        from gongkai.workdays.selectors import calendar_changed

        # Whatever writes a row (the services, the admin, a shell), the calendars built by every process are
        # replaced: a cache being told, not domain state changing.
        for model in (HolidayNotice, WorkdayOverride):
            post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-save")
            post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-delete")

        register_audit_verbs(
            {
                "holiday_notice.create": _("登记节假日通知"),
                "workday_override.set": _("设置工作日调整"),
                "workday_override.delete": _("删除工作日调整"),
            }
        )
