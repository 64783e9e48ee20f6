from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "gongkai.jobs"
    label = "jobs"
    verbose_name = _("定时任务")

    def ready(self) -> None:
        from gongkai.core.registry import StaffNavItem, register_staff_nav_item
        from gongkai.jobs import tasks  # noqa: F401 - declares the periodic jobs (the web pages list them too)

        register_staff_nav_item(StaffNavItem("jobs", _("定时任务"), "jobs:list", frozenset({"site_admin"}), order=95))
        from gongkai.audit.verbs import register_audit_verbs

        register_audit_verbs({"job.run_now": _("立即运行定时任务")})
