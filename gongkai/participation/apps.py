from django.apps import AppConfig
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "gongkai.participation"
    label = "participation"
    verbose_name = _("公众参与")

    def ready(self) -> None:
        from gongkai.accounts.models import ACTING_ROLES, Role
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.catalogue.selectors.shared import item_page_name
        from gongkai.core.registry import (
            DashboardPanel,
            PortalSection,
            SlotPanel,
            StaffNavItem,
            page_name_from,
            register_dashboard_panel,
            register_page_names,
            register_portal_section,
            register_slot_panel,
            register_staff_nav_item,
        )
        from gongkai.participation.article44_views import PANEL_TEMPLATE, similar_panel
        from gongkai.participation.models import ConcernResponse, Consultation, Survey
        from gongkai.participation.panels import participation_todo

        verbs = {}
        for entity, label in (("concern", _("回应关切")), ("consultation", _("网上征集")), ("survey", _("网上调查"))):
            verbs.update(
                {
                    f"{entity}.create": format_lazy("{}{}", _("新建"), label),
                    f"{entity}.update": format_lazy("{}{}", _("修改"), label),
                    f"{entity}.submit": format_lazy("{}{}", _("提交审核"), label),
                    f"{entity}.publish": format_lazy("{}{}", _("发布"), label),
                    f"{entity}.return": format_lazy("{}{}", _("退回"), label),
                    f"{entity}.withdraw": format_lazy("{}{}", _("撤回"), label),
                    f"{entity}.redraft": format_lazy("{}{}", _("重新编辑"), label),
                }
            )
        verbs.update(
            {
                "consultation.feedback": _("发布意见采纳情况"),
                "comment.submit": _("收到公众意见"),
                "comment.moderate": _("审核公众意见"),
                "survey.question_add": _("添加调查题目"),
                "survey.respond": _("收到调查答卷"),
            }
        )
        register_audit_verbs(verbs)
        register_portal_section(
            PortalSection("participation", _("公众参与"), lambda a: reverse("participation:home", args=[a.slug]), 40)
        )
        register_staff_nav_item(
            StaffNavItem(
                "participation",
                _("公众参与"),
                "participation_staff:list",
                frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"}),
                40,
            )
        )
        # 条例 第四十四条: the case page's panel of the same or similar requests (applications/staff/_similar.html).
        register_slot_panel(SlotPanel("article44", "applications.application", PANEL_TEMPLATE, similar_panel, 10))
        register_dashboard_panel(
            DashboardPanel(
                "participation_todo",
                "participation/panels/todo.html",
                participation_todo,
                frozenset({*ACTING_ROLES, "site_admin"}),
                order=20,
            )
        )
        register_page_names(
            {
                "participation:home": _("公众参与"),
                "participation:concerns": _("回应关切"),
                "participation:concern": page_name_from(ConcernResponse),
                "participation:consultations": _("网上征集"),
                "participation:consultation": page_name_from(Consultation),
                "participation:interpretations": _("政策解读"),
                "participation:interpretation": item_page_name,
                "participation:surveys": _("网上调查"),
                "participation:survey": page_name_from(Survey),
            }
        )
