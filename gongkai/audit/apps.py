from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "gongkai.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from gongkai.audit.services import audited_update
        from gongkai.core.workflow import set_audited_update

        set_audited_update(audited_update)
