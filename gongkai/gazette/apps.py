from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class GazetteConfig(AppConfig):
    name = "gongkai.gazette"
    label = "gazette"
    verbose_name = _("政府公报")

    def ready(self) -> None:
        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import (
            DashboardPanel,
            PortalSection,
            StaffNavItem,
            register_dashboard_panel,
            register_page_names,
            register_portal_section,
            register_staff_nav_item,
        )
        from gongkai.gazette.panels import gazette_to_review
        from gongkai.gazette.selectors import gazette_issue_page_name

        register_audit_verbs(
            {
                "gazette.create": _("新建政府公报"),
                "gazette.update": _("修改政府公报"),
                "gazette.submit": _("提交审核政府公报"),
                "gazette.publish": _("出版政府公报"),
                "gazette.return": _("退回政府公报"),
                "gazette.add_document": _("公报收录文件"),
                "gazette.remove_document": _("公报移除文件"),
            }
        )
        register_portal_section(
            PortalSection("gazette", _("政府公报"), lambda a: reverse("gazette:issues", args=[a.slug]), 50)
        )
        register_staff_nav_item(
            StaffNavItem(
                "gazette",
                _("政府公报"),
                "gazette_staff:issues",
                frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"}),
                50,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "gazette_to_review",
                "gazette/panels/to_review.html",
                gazette_to_review,
                frozenset({Role.REVIEWER, Role.APPROVER, "site_admin"}),
                order=21,
            )
        )
        register_page_names(
            {
                "gazette:issues": _("政府公报"),
                "gazette:issue": gazette_issue_page_name,
            }
        )
