from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "gongkai.inbox"
    label = "inbox"
    verbose_name = _("待办")

    def ready(self):
        from gongkai.core.pagecache import add_change_listener
        from gongkai.inbox.counts import inbox_changed

        add_change_listener(inbox_changed)
