"""Writing annual reports: create (compile and draft), edit, review, approve (freeze), publish, correct.

条例 第四十九条 (who publishes by when) and 第五十条 (what a report contains); format 国办公开办函〔2021〕30号.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_report_name
from gongkai.annual_reports.models import REPORT_TRANSITIONS, AnnualReport, ReportCorrection, ReportScope, ReportStatus
from gongkai.annual_reports.narrative import draft_section1, draft_section6
from gongkai.annual_reports.selectors import report_check, report_figures_compile
from gongkai.audit.services import audit_record, audited_update
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.workflow import move

TEXT_FIELDS = [
    "title", "preamble", "proactive", "on_application", "management", "platform", "supervision", "problems",
    "improvements", "other",
]  # fmt: skip


def _require(actor, agency: Agency, *roles: str) -> None:
    if actor is not None and not user_has_role(actor, agency, *roles):
        raise AccessDenied(_("您在该机关没有执行此操作的角色。"))


def _move(report: AnnualReport, status: str, *, actor, verb: str, note: str = "", **also) -> None:
    move(report, status, transitions=REPORT_TRANSITIONS, actor=actor, verb=verb, also=also, note=note)


def _save_snapshot(report: AnnualReport, figures) -> None:
    """Freeze (or thaw, with None) the figures. Kept out of the audit event: the figures are the records'."""
    report.snapshot = figures
    report.save(update_fields=["snapshot"])


def default_preamble(agency: Agency, year: int) -> str:
    return (
        f"根据《中华人民共和国政府信息公开条例》（国务院令第711号，以下简称《条例》）要求，现公布{agency_report_name(agency)}"
        f"{year}年政府信息公开工作年度报告。本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        f"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六个部分。"
        f"除特别说明的外，所列数据统计时限为{year}年1月1日至{year}年12月31日。公众如需进一步咨询了解相关信息，"
        f"请与{agency.office_name}联系（地址：{agency.office_address}，邮编：{agency.office_postcode}，电话：{agency.office_phone}）。"
    )


@transaction.atomic
def annual_report_create(*, actor, agency: Agency, year: int, scope: str = ReportScope.AGENCY) -> AnnualReport:
    """Compile the figures and draft every section; 五 starts from last year's problems as a reminder."""
    _require(actor, agency, Role.CLERK, Role.AGENCY_ADMIN)
    if agency.reports_with_id and scope == ReportScope.AGENCY:
        raise ValidationError(
            {"agency": _("%(agency)s与%(other)s合并编制年度报告，请在%(other)s下创建。")
             % {"agency": agency.name, "other": agency.reports_with.name if agency.reports_with else ""}}
        )  # fmt: skip
    if AnnualReport.objects.filter(agency=agency, year=year, scope=scope).exists():
        raise ValidationError({"year": _("%(year)s年度的报告已经存在。") % {"year": year}})
    figures = report_figures_compile(agency=agency, year=year, scope=scope)
    last = AnnualReport.objects.filter(agency=agency, year=year - 1, scope=scope).first()
    name = agency_report_name(agency) if scope == ReportScope.AGENCY else f"{agency.name}（汇总）"
    report = AnnualReport(
        agency=agency,
        year=year,
        scope=scope,
        title=f"{name}{year}年政府信息公开工作年度报告",
        preamble=default_preamble(agency, year),
        problems=(f"（上年度报告所列问题，请逐项说明本年改进情况）\n{last.problems}" if last else ""),
        improvements="",
        other=draft_section6(figures, year=year),
        **draft_section1(figures, agency_name=name, year=year),
    )
    report.full_clean()
    report.save()
    audit_record(
        actor=actor, verb="annual_report.create", obj=report, agency=agency, after={"year": year, "scope": scope}
    )
    return report


@transaction.atomic
def annual_report_update_text(*, actor, report: AnnualReport, **fields) -> AnnualReport:
    """Edit the narrative. Only a draft is edited; an approved report goes back to draft first."""
    _require(actor, report.agency, Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)
    if report.status != ReportStatus.DRAFT:
        raise IllegalTransition(_("只有草稿状态的报告可以修改正文；已审核或已批准的报告请先退回草稿。"))
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    audited_update(report, actor=actor, verb="annual_report.edit", changes=fields)
    return report


@transaction.atomic
def annual_report_review(*, actor, report: AnnualReport) -> AnnualReport:
    """A reviewer confirms the draft; blocking errors in the checks stop it here."""
    _require(actor, report.agency, Role.REVIEWER)
    errors = [f for f in report_check(report) if f.severity == "error"]
    if errors:
        raise ValidationError(_("报告未通过勾稽关系检查，不能提交审核：%(first)s") % {"first": errors[0].message})
    _move(report, ReportStatus.REVIEWED, actor=actor, verb="annual_report.review")
    return report


@transaction.atomic
def annual_report_approve(*, actor, report: AnnualReport) -> AnnualReport:
    """The approver signs off; the figures are frozen from this moment."""
    _require(actor, report.agency, Role.APPROVER)
    REPORT_TRANSITIONS.check(report, ReportStatus.APPROVED)
    figures = report_figures_compile(agency=report.agency, year=report.year, scope=report.scope)
    errors = [f for f in report_check(report, figures) if f.severity == "error"]
    if errors:
        raise ValidationError(_("报告未通过勾稽关系检查，不能批准：%(first)s") % {"first": errors[0].message})
    _save_snapshot(report, figures.to_json())
    _move(report, ReportStatus.APPROVED, actor=actor, verb="annual_report.approve", approved_at=timezone.now())
    return report


@transaction.atomic
def annual_report_return(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    """Send a reviewed or approved report back to draft, with the reason; the figures thaw."""
    _require(actor, report.agency, Role.REVIEWER, Role.APPROVER)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    _move(report, ReportStatus.DRAFT, actor=actor, verb="annual_report.return", note=reason, approved_at=None)
    _save_snapshot(report, None)
    return report


@transaction.atomic
def annual_report_publish(*, actor, report: AnnualReport, at=None) -> AnnualReport:
    """Publish on the portal's annual-report column (条例 第四十九条), and list it in the catalogue.

    `at` backdates the publication when history is loaded (the demo); staff always publish now.
    """
    _require(actor, report.agency, Role.APPROVER, Role.AGENCY_ADMIN)
    _move(report, ReportStatus.PUBLISHED, actor=actor, verb="annual_report.publish", published_at=at or timezone.now())
    _list_in_catalogue(actor, report)
    return report


def _list_in_catalogue(actor, report: AnnualReport) -> None:
    """The report is also an item of the agency's 政府信息公开年报 catalogue column, where portals list it and
    where supervision checks the Article 49 deadline. Only for an agency whose catalogue is set up."""
    from django.urls import reverse

    from gongkai.catalogue.models import Category
    from gongkai.catalogue.services.imports import items_import

    if report.scope != ReportScope.AGENCY or not Category.objects.filter(agency=report.agency, code="reports").exists():
        return
    url = reverse("annual_reports_public:report", args=[report.agency.slug, report.year])
    items_import(
        actor=actor,
        agency=report.agency,
        rows=[
            {
                "title": report.title,
                "category": "reports",
                "summary": _("%(year)s年政府信息公开工作年度报告全文及统计表。") % {"year": report.year},
                "body": f'<p><a href="{url}">{report.title}</a></p>',
                "issuer": report.agency.name,
                "published_at": timezone.localtime(report.published_at).date().isoformat(),
            }
        ],
    )


@transaction.atomic
def annual_report_correct(*, actor, report: AnnualReport, note: str, **text_fields) -> ReportCorrection:
    """Correct a published report: refreeze the figures from the records, change text, and show the note."""
    _require(actor, report.agency, Role.APPROVER)
    if report.status != ReportStatus.PUBLISHED:
        raise IllegalTransition(_("只有已发布的报告需要更正；未发布的报告请直接修改。"))
    if not note.strip():
        raise ValidationError({"note": _("请填写更正说明，它将显示在报告页面上。")})
    unknown = set(text_fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    correction = ReportCorrection(report=report, note=note, snapshot_before=report.snapshot or {}, created_by=actor)
    figures = report_figures_compile(agency=report.agency, year=report.year, scope=report.scope)

    def validate(corrected: AnnualReport) -> None:
        errors = [f for f in report_check(corrected, figures) if f.severity == "error"]
        if errors:
            raise ValidationError(_("更正后的报告未通过勾稽关系检查：%(first)s") % {"first": errors[0].message})
        corrected.full_clean()

    audited_update(
        report,
        actor=actor,
        verb="annual_report.correct",
        changes=text_fields,
        validate=validate,
        note=note,
        always=True,
    )
    _save_snapshot(report, figures.to_json())
    correction.save()
    return correction
