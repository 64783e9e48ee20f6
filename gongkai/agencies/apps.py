from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "gongkai.agencies"
    label = "agencies"
    verbose_name = _("行政机关")

    def ready(self) -> None:
        from gongkai.audit.verbs import register_audit_verbs

        register_audit_verbs(
            {
                "agency.create": _("添加机关"),
                "agency.update": _("修改机关信息"),
            }
        )
