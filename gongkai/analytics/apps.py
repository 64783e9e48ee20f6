from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "gongkai.analytics"
    label = "analytics"
    verbose_name = _("访问统计")

    def ready(self) -> None:
        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import StaffNavItem, register_staff_nav_item

        register_audit_verbs(
            {
                "analytics.rollup": _("汇总访问统计"),
                "analytics.prune": _("清理原始访问记录"),
                "analytics.prune_search_terms": _("清理过期的搜索词统计"),
            }
        )
        register_staff_nav_item(
            StaffNavItem(
                "analytics",
                _("访问统计"),
                "analytics:overview",
                frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"}),
                order=60,
            )
        )
