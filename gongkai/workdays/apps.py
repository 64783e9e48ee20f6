from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "gongkai.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from gongkai.audit.verbs import register_audit_verbs

        register_audit_verbs(
            {
                "holiday_notice.create": _("登记节假日通知"),
                "workday_override.set": _("设置工作日调整"),
                "workday_override.delete": _("删除工作日调整"),
            }
        )
