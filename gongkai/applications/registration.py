"""What the applications app adds to the shared registries: audit verbs, a dashboard panel, menu, portal section."""

from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.models import ACTING_ROLES, Role
from gongkai.audit.verbs import register_audit_verbs
from gongkai.core.registry import (
    DashboardPanel,
    PortalSection,
    SlotPanel,
    StaffNavItem,
    register_dashboard_panel,
    register_portal_section,
    register_slot_panel,
    register_staff_nav_item,
)

VERBS = {
    "application.submit": _("网上提交政府信息公开申请"),
    "application.register": _("登记政府信息公开申请"),
    "application.assign": _("指定承办人"),
    "application.topics": _("标注申请主题"),
    "application.correction_request": _("发出补正通知"),
    "application.correction_receive": _("收到补正后的申请"),
    "application.correction_lapse": _("逾期不补正，终止办理"),
    "application.correction_submit": _("申请人网上提交补正"),
    "application.correction_files": _("申请人网上上传补正材料"),
    "application.correction_review": _("查阅网上补正材料"),
    "application.reply_files": _("随答复提供政府信息文件"),
    "application.consultation_start": _("征求意见"),
    "application.consultation_end": _("征求意见结束"),
    "application.extension_request": _("申请延期答复"),
    "application.extension_approve": _("批准延期答复"),
    "application.count_items": _("登记申请件数"),
    "application.fee_notify": _("发出收费通知"),
    "application.fee_paid": _("登记缴费"),
    "application.fee_lapse": _("逾期未缴费，终止办理"),
    "application.draft": _("拟办答复"),
    "application.sign_off": _("签发拟办答复"),
    "application.draft_return": _("退回拟办答复"),
    "application.draft_withdraw": _("撤回拟办答复"),
    "application.reply": _("答复申请"),
    "application.withdraw": _("申请人撤回申请"),
    "application.proactive_draft": _("转为主动公开草稿（条例第四十四条）"),
    "application.deadline_recheck": _("按核实后的节假日重新计算答复期限"),
    "letter.deliver": _("登记文书送达"),
    "letter.deliver_online": _("申请人网上获取，答复送达"),
    "letter_template.save": _("修改文书模板"),
    "sign_off_setting.save": _("修改答复签发设置"),
}


def work_queue_panel(request, agency):
    from gongkai.applications.access import applications_visible_to
    from gongkai.applications.models import AlertState, Status

    if agency is None:
        return None
    mine = applications_visible_to(request.user).filter(agency=agency).exclude(status=Status.CLOSED)
    # One query for the three numbers.
    return mine.aggregate(
        open=Count("pk"),
        due_soon=Count("pk", filter=Q(alert_state=AlertState.DUE_SOON)),
        overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate())),
    )


def online_panel(request, application):
    """The case page's record of the applicant's online side: corrections sent on the tracking page (条例 第三十条)
    with their files, and the information files issued with the reply and when the applicant first fetched them."""
    from gongkai.applications.models import PauseKind

    # The case page prefetched the pauses: the files and the reader are read only when there is such a correction.
    corrections = [
        p for p in application.pauses.all() if p.kind == PauseKind.CORRECTION and p.answered_online_at is not None
    ]
    prefetch_related_objects(corrections, "attachments", "reviewed_by")
    # Every information file goes with a reply letter: a case without letters (prefetched) has none to read.
    files = (
        list(application.reply_files.filter(letter__isnull=False).select_related("letter"))
        if application.letters.all()
        else []
    )
    if not corrections and not files:
        return None
    return {"application": application, "corrections": corrections, "reply_files": files}


def register() -> None:
    register_audit_verbs(VERBS)
    roles = frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"})
    register_staff_nav_item(StaffNavItem("applications", _("依申请公开"), "applications_staff:queue", roles, order=20))
    register_dashboard_panel(
        DashboardPanel("applications", "applications/staff/panel.html", work_queue_panel, roles, order=15)
    )
    register_slot_panel(
        SlotPanel("applications_online", "applications.application", "applications/staff/_online_panel.html",
                  online_panel, order=10)
    )  # fmt: skip
    register_portal_section(
        PortalSection(
            "applications",
            _("依申请公开"),
            lambda agency: reverse("applications:apply", kwargs={"slug": agency.slug}),
            order=30,
        )
    )
