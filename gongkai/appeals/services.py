"""Recording reconsideration and litigation cases and following them to their result; every step audited.

Deadlines of the agency's own steps:
- its written answer to a reconsideration: within 10 days of receiving the copy of the application
  (行政复议法 2023 第四十八条), and those 10 days are working days (same law, 第八十八条);
- its defence in court: within 15 days of being served the complaint (行政诉讼法 第六十七条), calendar days.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.agencies.models import Agency
from gongkai.appeals.models import AppealDocument, AppealResult, DefendantRole, Lawsuit, Reconsideration
from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.workdays.selectors import add_working_days

RECONSIDERATION_ANSWER_WORKING_DAYS = 10
LAWSUIT_DEFENCE_DAYS = 15


def _require_actor(actor, agency: Agency) -> None:
    if actor is not None and not user_has_role(actor, agency, Role.CLERK, Role.AGENCY_ADMIN, Role.APPROVER):
        raise AccessDenied(_("您在该机关没有登记复议诉讼案件的角色。"))


def _check_application(application, agency: Agency) -> None:
    if application is not None and application.agency_id != agency.pk:
        raise ValidationError({"application": _("所选公开申请不属于本机关。")})


def reconsideration_answer_due(received_on: dt.date | None) -> dt.date | None:
    """行政复议法 第四十八条、第八十八条: 10 working days from receiving the copy of the application."""
    return add_working_days(received_on, RECONSIDERATION_ANSWER_WORKING_DAYS).date if received_on else None


def lawsuit_defence_due(served_on: dt.date | None) -> dt.date | None:
    """行政诉讼法 第六十七条: 15 days from being served the complaint."""
    return served_on + dt.timedelta(days=LAWSUIT_DEFENCE_DAYS) if served_on else None


def _validate_dates(instance, pairs: list[tuple[str, str]]) -> None:
    errors = {}
    for earlier, later in pairs:
        a, b = getattr(instance, earlier), getattr(instance, later)
        if a and b and b < a:
            errors[later] = _("“%(later)s”不能早于“%(earlier)s”。") % {
                "later": instance._meta.get_field(later).verbose_name,
                "earlier": instance._meta.get_field(earlier).verbose_name,
            }
    if errors:
        raise ValidationError(errors)


RECONSIDERATION_FIELDS = [
    "applicant_name", "organ", "case_number", "subject", "filed_on", "received_on", "answer_due", "answer_sent_on",
    "decided_on", "result", "decision_summary", "application_id",
]  # fmt: skip
LAWSUIT_FIELDS = [
    "plaintiff", "court", "case_number", "subject", "filed_on", "served_on", "defence_due", "defence_sent_on",
    "hearing_on", "judgment_on", "result", "appealed_on", "appeal_court", "appeal_case_number", "appeal_decided_on",
    "appeal_result", "judgment_summary", "defendant_role", "reconsideration_id", "application_id",
]  # fmt: skip


@transaction.atomic
def reconsideration_register(
    *,
    actor,
    agency: Agency,
    applicant_name: str,
    organ: str,
    subject: str,
    filed_on: dt.date,
    received_on: dt.date | None = None,
    case_number: str = "",
    application=None,
) -> Reconsideration:
    _require_actor(actor, agency)
    _check_application(application, agency)
    case = Reconsideration(
        agency=agency,
        application=application,
        applicant_name=applicant_name,
        organ=organ,
        subject=subject,
        filed_on=filed_on,
        received_on=received_on,
        case_number=case_number,
        answer_due=reconsideration_answer_due(received_on),
    )
    _validate_dates(case, [("filed_on", "received_on")])
    case.full_clean()
    case.save()
    audit_record(
        actor=actor,
        verb="reconsideration.register",
        obj=case,
        agency=agency,
        after=snapshot(case, RECONSIDERATION_FIELDS),
    )
    return case


@transaction.atomic
def reconsideration_record_answer(*, actor, case: Reconsideration, sent_on: dt.date) -> Reconsideration:
    """The agency sent its written answer (书面答复) to the reconsideration organ."""
    _require_actor(actor, case.agency)
    audited_update(
        case, actor=actor, verb="reconsideration.answer", changes={"answer_sent_on": sent_on}, always=True,
        validate=lambda c: _validate_dates(c, [("received_on", "answer_sent_on"), ("filed_on", "answer_sent_on")]),
    )  # fmt: skip
    return case


@transaction.atomic
def reconsideration_decide(
    *, actor, case: Reconsideration, result: str, decided_on: dt.date, summary: str = ""
) -> Reconsideration:
    """Record the reconsideration organ's decision (or the case's end by withdrawal or settlement)."""
    _require_actor(actor, case.agency)
    if result == AppealResult.PENDING:
        raise ValidationError({"result": _("请选择复议结果。")})
    if case.result != AppealResult.PENDING:
        raise IllegalTransition(_("该复议案件已有结果，不能再次登记。"))

    def validate(decided: Reconsideration) -> None:
        _validate_dates(decided, [("filed_on", "decided_on")])
        decided.full_clean()

    changes = {"result": result, "decided_on": decided_on, "decision_summary": summary}
    audited_update(case, actor=actor, verb="reconsideration.decide", changes=changes, validate=validate, always=True)
    return case


@transaction.atomic
def lawsuit_register(
    *,
    actor,
    agency: Agency,
    plaintiff: str,
    court: str,
    subject: str,
    filed_on: dt.date,
    served_on: dt.date | None = None,
    case_number: str = "",
    defendant_role: str = DefendantRole.ORIGINAL,
    reconsideration: Reconsideration | None = None,
    application=None,
) -> Lawsuit:
    """A lawsuit brought directly, or after a reconsideration (then linked to it)."""
    _require_actor(actor, agency)
    _check_application(application, agency)
    if reconsideration is not None and reconsideration.agency_id != agency.pk:
        raise ValidationError({"reconsideration": _("所选复议案件不属于本机关。")})
    if application is None and reconsideration is not None:
        application = reconsideration.application
    case = Lawsuit(
        agency=agency,
        plaintiff=plaintiff,
        court=court,
        subject=subject,
        filed_on=filed_on,
        served_on=served_on,
        case_number=case_number,
        defendant_role=defendant_role,
        reconsideration=reconsideration,
        application=application,
        defence_due=lawsuit_defence_due(served_on),
    )
    _validate_dates(case, [("filed_on", "served_on")])
    if reconsideration is not None and reconsideration.decided_on and filed_on < reconsideration.filed_on:
        raise ValidationError({"filed_on": _("复议后起诉的起诉日期不能早于申请复议日期。")})
    case.full_clean()
    case.save()
    audit_record(actor=actor, verb="lawsuit.register", obj=case, agency=agency, after=snapshot(case, LAWSUIT_FIELDS))
    return case


@transaction.atomic
def lawsuit_update(*, actor, case: Lawsuit, **fields) -> Lawsuit:
    """Record the agency's steps and the court's: defence sent, hearing, judgment, appeal and its outcome."""
    _require_actor(actor, case.agency)
    allowed = {
        "defence_sent_on", "hearing_on", "judgment_on", "result", "appealed_on", "appeal_court", "appeal_case_number",
        "appeal_decided_on", "appeal_result", "judgment_summary", "case_number", "served_on",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changes = dict(fields)
    if "served_on" in fields:
        changes["defence_due"] = lawsuit_defence_due(fields["served_on"])
    audited_update(case, actor=actor, verb="lawsuit.update", changes=changes, validate=_validate_lawsuit)
    return case


def _validate_lawsuit(case: Lawsuit) -> None:
    errors = {}
    if case.result != AppealResult.PENDING and not case.judgment_on:
        errors["judgment_on"] = _("登记一审结果时请填写裁判日期。")
    if case.appeal_result and case.appeal_result != AppealResult.PENDING and not case.appeal_decided_on:
        errors["appeal_decided_on"] = _("登记二审结果时请填写裁判日期。")
    if case.appealed_on and case.result == AppealResult.PENDING:
        errors["appealed_on"] = _("一审尚无结果，不能登记上诉。")
    if errors:
        raise ValidationError(errors)
    _validate_dates(
        case,
        [("filed_on", "served_on"), ("served_on", "defence_sent_on"), ("filed_on", "judgment_on"),
         ("judgment_on", "appealed_on"), ("appealed_on", "appeal_decided_on")],
    )  # fmt: skip
    case.full_clean()


@transaction.atomic
def appeal_document_add(*, actor, case: Reconsideration | Lawsuit, title: str, file) -> AppealDocument:
    _require_actor(actor, case.agency)
    document = AppealDocument(title=title, file=file)
    if isinstance(case, Reconsideration):
        document.reconsideration = case
    else:
        document.lawsuit = case
    document.full_clean()
    document.save()
    audit_record(actor=actor, verb="appeal.document", obj=case, agency=case.agency, after={"document": title})
    return document
