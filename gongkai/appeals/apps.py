from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "gongkai.appeals"
    label = "appeals"
    verbose_name = _("行政复议和行政诉讼")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.appeals.models import Lawsuit, Reconsideration
        from gongkai.appeals.panels import application_appeals, deadlines_panel
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import (
            DashboardPanel,
            SlotPanel,
            StaffNavItem,
            register_dashboard_panel,
            register_slot_panel,
            register_staff_nav_item,
        )

        register_audit_verbs(
            {
                "reconsideration.register": _("登记行政复议"),
                "reconsideration.answer": _("提交复议书面答复"),
                "reconsideration.decide": _("登记复议结果"),
                "lawsuit.register": _("登记行政诉讼"),
                "lawsuit.update": _("登记诉讼进展"),
                "appeal.document": _("上传案件文书"),
            }
        )
        register_staff_nav_item(
            StaffNavItem(
                "appeals",
                _("复议诉讼"),
                "appeals:list",
                frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"}),
                order=30,
            )
        )
        register_slot_panel(
            SlotPanel("appeals", "applications.application", "appeals/_application_panel.html", application_appeals)
        )
        # The panels' lists are kept under the case's version and the agency's appeals' (panels.py): a saved or
        # deleted appeal, audited or not, gives both new ones.
        for model in (Reconsideration, Lawsuit):
            for signal, name in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(_appeal_changed, sender=model, dispatch_uid=f"appeals-{model.__name__}-{name}")
        register_slot_panel(
            SlotPanel("appeal_deadlines_queue", "applications.queue", "appeals/_deadlines_panel.html", deadlines_panel)
        )
        register_dashboard_panel(
            DashboardPanel(
                "appeal_deadlines",
                "appeals/_deadlines_panel.html",
                deadlines_panel,
                frozenset({*ACTING_ROLES, "site_admin"}),
                order=15,
            )
        )


def _appeal_changed(sender, instance, **_signal) -> None:
    from gongkai.appeals.panels import appeals_token_key
    from gongkai.applications.tracking import case_changed
    from gongkai.core.pagecache import renew_tokens

    renew_tokens([appeals_token_key(instance.agency_id)])
    if instance.application_id is not None:
        case_changed(instance.application_id)
