"""What the notices app adds to other apps' pages through core.registry, without importing them."""

from django.utils.translation import gettext_lazy as _

from gongkai.notices.selectors import notices_of_object


def case_notices(request, obj) -> dict | None:
    """The notices of one application, on its staff page (slot "applications.application")."""
    from gongkai.notices.staff_views import notice_rows

    notices = list(notices_of_object(obj._meta.label_lower, obj.pk)[:100])
    return {"rows": notice_rows(request.user, notices), "obj": obj}


def register() -> None:
    from gongkai.accounts.models import Role
    from gongkai.audit.verbs import register_audit_verbs
    from gongkai.core.registry import SlotPanel, StaffNavItem, register_slot_panel, register_staff_nav_item

    register_audit_verbs(
        {
            "notices.retry": _("重新发送通知"),
            "notices.template_save": _("修改通知模板"),
            "notices.preference_set": _("修改我的通知设置"),
        }
    )
    register_slot_panel(SlotPanel("notices", "applications.application", "notices/_case_panel.html", case_notices))
    register_staff_nav_item(
        StaffNavItem(
            "notices", _("通知"), "notices:list", frozenset({Role.AGENCY_ADMIN, Role.CLERK, "site_admin"}), order=90
        )
    )
