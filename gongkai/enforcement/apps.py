from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "gongkai.enforcement"
    label = "enforcement"
    verbose_name = _("行政许可、处罚、强制与收费")

    def ready(self) -> None:
        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import (
            DashboardPanel,
            PortalSection,
            StaffNavItem,
            page_name_from,
            register_dashboard_panel,
            register_page_names,
            register_portal_section,
            register_staff_nav_item,
        )
        from gongkai.enforcement.models import Decision
        from gongkai.enforcement.panels import penalties_to_publish

        register_audit_verbs(
            {
                "decision.create": _("录入行政决定"),
                "decision.import": _("批量导入行政决定"),
                "decision.update": _("修改行政决定"),
                "fee.update": _("修改收费记录"),
                "decision.publish": _("公开行政处罚决定"),
                "decision.unpublish": _("撤回公开行政处罚决定"),
                "fee.create": _("录入收费记录"),
                "fee.import": _("批量导入收费记录"),
            }
        )
        register_portal_section(
            PortalSection("enforcement", _("执法公示"), lambda a: reverse("enforcement:penalties", args=[a.slug]), 60)
        )
        register_staff_nav_item(
            StaffNavItem(
                "enforcement",
                _("许可处罚强制与收费"),
                "enforcement_staff:decisions",
                frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"}),
                60,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "penalties_to_publish",
                "enforcement/panels/to_publish.html",
                penalties_to_publish,
                frozenset({Role.REVIEWER, Role.APPROVER, "site_admin"}),
                order=22,
            )
        )
        register_page_names(
            {
                "enforcement:penalties": _("行政处罚决定"),
                "enforcement:penalty": page_name_from(Decision, "number"),
                "enforcement:licensing": _("行政许可结果"),
                "enforcement:fees": _("行政事业性收费"),
            }
        )
