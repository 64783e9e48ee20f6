from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "gongkai.notices"
    label = "notices"
    verbose_name = _("通知")

    def ready(self) -> None:
        from gongkai.notices import registrations

        registrations.register()
