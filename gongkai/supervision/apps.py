from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "gongkai.supervision"
    label = "supervision"
    verbose_name = _("监督保障")

    def ready(self) -> None:
        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import (
            DashboardPanel,
            StaffNavItem,
            register_dashboard_panel,
            register_staff_nav_item,
        )
        from gongkai.supervision import columns, panels

        columns.register()

        register_audit_verbs(
            {
                "new_media_account.create": _("登记政务新媒体账号"),
                "new_media_account.update": _("修改政务新媒体账号"),
                "follower_count.record": _("记录关注数"),
                "training_session.create": _("登记培训"),
                "training_session.update": _("修改培训记录"),
                "inspection.create": _("登记检查"),
                "inspection_problem.record": _("登记检查发现的问题"),
                "inspection_problem.verify": _("核实问题"),
                "inspection_problem.dismiss": _("核实问题不属实"),
                "inspection_problem.feed_back": _("反馈问题"),
                "inspection_problem.rectify": _("报告整改情况"),
                "inspection_problem.close": _("验收销号"),
                "inspection_problem.reopen": _("整改不到位退回"),
                "site_check.run": _("网站检查"),
            }
        )
        everyone = frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"})
        for key, label, url_name, order in (
            ("supervision", _("监督总览"), "supervision:dashboard", 61),
            ("new_media", _("政务新媒体"), "supervision:accounts", 62),
            ("training", _("培训"), "supervision:training", 63),
            ("inspections", _("检查整改"), "supervision:inspections", 64),
            ("site_check", _("网站检查"), "supervision:site_check", 65),
        ):
            register_staff_nav_item(StaffNavItem(key, label, url_name, everyone, order=order))
        register_dashboard_panel(
            DashboardPanel(
                "supervision",
                "supervision/panels/supervision.html",
                panels.supervision_panel,
                frozenset({Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.CLERK, "site_admin"}),
                order=20,
            )
        )
