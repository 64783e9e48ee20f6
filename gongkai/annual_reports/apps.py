from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "gongkai.annual_reports"
    label = "annual_reports"
    verbose_name = _("年度报告")

    def ready(self) -> None:
        from django.urls import reverse

        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.annual_reports.panels import report_panel
        from gongkai.annual_reports.selectors import report_page_name
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

        register_audit_verbs(
            {
                "annual_report.create": _("生成年度报告"),
                "annual_report.edit": _("修改年度报告正文"),
                "annual_report.review": _("审核年度报告"),
                "annual_report.approve": _("批准年度报告"),
                "annual_report.return": _("退回年度报告"),
                "annual_report.publish": _("发布年度报告"),
                "annual_report.correct": _("更正年度报告"),
                "annual_report.import": _("导入年度报告"),
                "annual_report.import_confirm": _("确认导入报告的机关和年度"),
            }
        )
        everyone = frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"})
        register_staff_nav_item(
            StaffNavItem("annual_reports", _("年度报告"), "annual_reports:list", everyone, order=80)
        )
        register_staff_nav_item(
            StaffNavItem("annual_report_audit", _("年报审查"), "annual_reports:audit_overview", everyone, order=81)
        )
        register_portal_section(
            PortalSection(
                "annual_reports",
                _("政府信息公开年报"),
                lambda agency: reverse("annual_reports_public:index", args=[agency.slug]),
                order=60,
            )
        )
        register_dashboard_panel(
            DashboardPanel("annual_report", "annual_reports/panels/report.html", report_panel, everyone, order=40)
        )
        register_page_names(
            {
                "annual_reports_public:index": _("政府信息公开年报"),
                "annual_reports_public:report": report_page_name,
            }
        )
