"""Every change to an application: registration, the clock's pauses and extensions, fees, replies, letters.

Each service checks access, validates (ValidationError naming the field), saves and writes the audit event
inside one transaction. Dates are passed in (`on=`) because paper correspondence is often recorded later;
none may lie in the future.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications import clock, fees
from gongkai.applications.access import (
    agency_can_register_applications,
    application_can_approve,
    application_can_handle,
    letter_templates_can_edit,
)
from gongkai.applications.letters import DEFAULT_BODIES, OUTCOME_REASONS, outcome_group, render_letter
from gongkai.applications.models import (
    OUTCOME_TABLE,
    TRANSITIONS,
    Applicant,
    ApplicantKind,
    Application,
    Attachment,
    Channel,
    ClockPause,
    DeliveryMethod,
    Extension,
    ExtensionKind,
    Fee,
    FeeMethod,
    FormWanted,
    Letter,
    LetterKind,
    LetterTemplate,
    Outcome,
    PauseKind,
    Status,
    Topic,
)
from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.identifiers import is_valid_credit_code, is_valid_resident_id
from gongkai.workdays.selectors import workday_calendar

APPLICANT_FIELDS = [
    "kind",
    "name",
    "id_type",
    "id_number",
    "organisation_type",
    "credit_code",
    "legal_representative",
    "contact_person",
    "phone",
    "email",
    "address",
    "postcode",
]
REQUEST_FIELDS = ["title", "document_number", "description", "form_wanted", "delivery_method"]
AUDIT_FIELDS = ["status", "due_on", "handler_id", "outcome", "closed_on", "received_on"]


def _day(day: dt.date) -> str:
    return f"{day:%Y年%m月%d日}"


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(on: dt.date, field: str = "on", *, not_before: dt.date | None = None) -> None:
    if on > _today():
        raise ValidationError({field: _("日期不能晚于今天。")})
    if not_before is not None and on < not_before:
        raise ValidationError({field: _("日期不能早于%(v1)s。") % {"v1": _day(not_before)}})


def _check_handle(actor, application: Application) -> None:
    if not application_can_handle(actor, application):
        raise AccessDenied(_("无权办理该申请。"))


def _move(application: Application, target: str) -> None:
    if target not in TRANSITIONS[application.status]:
        raise IllegalTransition(
            _("申请%(v1)s当前状态为“%(v2)s”，不能变为“%(v3)s”。")
            % {"v1": application.number, "v2": Status(application.status).label, "v3": Status(target).label}
        )
    application.status = target


def _locked(application: Application) -> Application:
    """Re-read the row under a lock so two clerks acting at once cannot both move it."""
    return Application.objects.select_for_update().select_related("agency", "applicant").get(pk=application.pk)


def fee_wait_excluded() -> bool:
    return getattr(settings, "APPLICATIONS_FEE_WAIT_EXCLUDED", True)


def application_deadline(application: Application, calendar=None) -> clock.Deadline:
    """The clock of one application, from its stored pauses and approved extensions."""
    calendar = calendar or workday_calendar()
    saved = application.pk is not None
    pauses = [
        clock.Pause(p.kind, p.started_on, p.ended_on, str(PauseKind(p.kind).label))
        for p in (application.pauses.all() if saved else [])
    ]
    approved = [e for e in application.extensions.all() if e.approved_on] if saved else []
    extensions = [e.days for e in approved if e.kind == ExtensionKind.EXTENSION]
    delays = [e.days for e in approved if e.kind == ExtensionKind.DELAY]
    return clock.reply_deadline(
        calendar,
        received_on=application.received_on,
        pauses=pauses,
        extension_days=extensions,
        delay_days=delays,
        fee_wait_excluded=fee_wait_excluded(),
    )


def _recompute_due(application: Application) -> None:
    deadline = application_deadline(application) if application.is_open else None
    application.due_on = deadline.date if deadline else None
    application.due_verified = deadline.verified if deadline else True
    application.alert_state = ""


# ------------------------------------------------------------------------------------------ validation
def validate_applicant(data: dict) -> None:
    """Art 29 (一): name, proof of identity and contact details; the identity numbers are checked."""
    errors = {}
    kind = data.get("kind")
    if kind not in ApplicantKind.values:
        errors["kind"] = _("请选择申请人类型。")
    if not (data.get("name") or "").strip():
        errors["name"] = _("请填写姓名或名称。")
    if not (data.get("phone") or "").strip():
        errors["phone"] = _("请填写联系电话。")
    if kind == ApplicantKind.NATURAL:
        if not data.get("id_type"):
            errors["id_type"] = _("请选择证件类型。")
        number = (data.get("id_number") or "").strip().upper()
        if not number:
            errors["id_number"] = _("请填写证件号码。")
        elif data.get("id_type") == "resident_id" and not is_valid_resident_id(number, today=_today()):
            errors["id_number"] = _("居民身份证号码无效（位数、出生日期或校验码不正确）。")
    elif kind == ApplicantKind.ORGANISATION:
        if not data.get("organisation_type"):
            errors["organisation_type"] = _("请选择组织类型。")
        if not is_valid_credit_code(data.get("credit_code") or ""):
            errors["credit_code"] = _("统一社会信用代码无效（应为18位，校验码须正确）。")
        if not (data.get("legal_representative") or "").strip():
            errors["legal_representative"] = _("请填写法定代表人。")
        if not (data.get("contact_person") or "").strip():
            errors["contact_person"] = _("请填写联系人。")
    if errors:
        raise ValidationError(errors)


def _clean_applicant(data: dict) -> dict:
    values = {name: (data.get(name) or "") for name in APPLICANT_FIELDS}
    values["id_number"] = values["id_number"].strip().upper()
    values["credit_code"] = values["credit_code"].strip().upper()
    if values["kind"] == ApplicantKind.NATURAL:
        values.update(organisation_type="", credit_code="", legal_representative="")
    else:
        values.update(id_type="", id_number="")
    return values


def _next_number(agency: Agency, year: int) -> str:
    # The agency row is locked first, so two submissions to the same agency number one after the other.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    prefix = f"{agency.slug.upper()}-{year}-"
    last = (
        Application.objects.filter(agency=agency, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _create(
    *,
    actor,
    agency: Agency,
    applicant: dict,
    request: dict,
    channel: str,
    received_on: dt.date,
    submission_key: str | None,
    topics: list[str],
    attachments: list,
    verb: str,
) -> Application:
    validate_applicant(applicant)
    if not (request.get("title") or "").strip():
        raise ValidationError({"title": _("请填写所需信息的名称。")})
    if request.get("form_wanted") not in FormWanted.values:
        raise ValidationError({"form_wanted": _("请选择信息提供形式。")})
    if request.get("delivery_method") not in DeliveryMethod.values:
        raise ValidationError({"delivery_method": _("请选择获取信息方式。")})
    if not agency.is_active:
        raise ValidationError({"agency": _("该机关已停用，不能受理申请。")})
    person = Applicant.objects.create(**_clean_applicant(applicant))
    application = Application(
        agency=agency,
        applicant=person,
        number=_next_number(agency, received_on.year),
        tracking_code=secrets.token_hex(8).upper(),
        submission_key=submission_key or None,
        channel=channel,
        received_on=received_on,
        **{name: (request.get(name) or "") for name in REQUEST_FIELDS},
    )
    _recompute_due(application)
    application.save()
    if topics:
        application.topics.set(topic_get_or_create(name) for name in topics)
    for upload in attachments:
        Attachment.objects.create(application=application, file=upload, name=upload.name[:200], size=upload.size)
    audit_record(
        actor=actor,
        verb=verb,
        obj=application,
        agency=agency,
        after={**snapshot(application, AUDIT_FIELDS + ["number", "channel"]), "applicant": person.name},
    )
    return application


def topic_get_or_create(name: str) -> Topic:
    return Topic.objects.get_or_create(name=name.strip()[:30])[0]


# ------------------------------------------------------------------------------------------ registration
def application_submit_online(
    *,
    agency: Agency,
    applicant: dict,
    request: dict,
    submission_key: str,
    attachments: list = (),
) -> tuple[Application, bool]:
    """A citizen's online application. Returns (application, created); a repeated submission_key returns the first.

    条例 第三十一条: online, the receipt date is the day both sides confirm. The platform confirms at once by
    issuing the case number and tracking code, so the receipt date is the submission date.
    """
    if not submission_key:
        raise ValidationError({"submission_key": _("提交标识缺失，请刷新页面后重新提交。")})
    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            application = _create(
                actor=None,
                agency=agency,
                applicant=applicant,
                request=request,
                channel=Channel.ONLINE,
                received_on=_today(),
                submission_key=submission_key,
                topics=[],
                attachments=list(attachments),
                verb="application.submit",
            )
    except IntegrityError:
        # Two identical submissions raced; the other one won and holds the key.
        existing = Application.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return application, True


@transaction.atomic
def application_register(
    *,
    actor,
    agency: Agency,
    applicant: dict,
    request: dict,
    channel: str,
    received_on: dt.date,
    topics: list[str] = (),
    attachments: list = (),
) -> Application:
    """Staff registration of an application received in person, by post, fax or email.

    条例 第三十一条: in person, the day submitted; by post, the day signed for (a plain letter: the day the
    applicant confirmed); by fax or online, the day both sides confirmed; email: the day the system received it
    (国办公开办函〔2015〕207号). The clerk enters that date as `received_on`.
    """
    if not agency_can_register_applications(actor, agency):
        raise AccessDenied(_("无权为该机关登记申请。"))
    if channel not in Channel.values:
        raise ValidationError({"channel": _("请选择申请方式。")})
    _check_date(received_on, "received_on")
    return _create(
        actor=actor,
        agency=agency,
        applicant=applicant,
        request=request,
        channel=channel,
        received_on=received_on,
        submission_key=None,
        topics=list(topics),
        attachments=list(attachments),
        verb="application.register",
    )


@transaction.atomic
def application_assign(*, actor, application: Application, handler) -> Application:
    application = _locked(application)
    _check_handle(actor, application)
    if handler is not None and not application_can_handle(handler, application):
        raise ValidationError({"handler": _("承办人须是本机关的工作人员。")})
    before = snapshot(application, ["handler_id"])
    application.handler = handler
    application.save(update_fields=["handler"])
    audit_record(
        actor=actor, verb="application.assign", obj=application, agency=application.agency_id, before=before,
        after=snapshot(application, ["handler_id"]),
    )  # fmt: skip
    return application


@transaction.atomic
def application_set_topics(*, actor, application: Application, topics: list[str]) -> Application:
    application = _locked(application)
    _check_handle(actor, application)
    before = sorted(application.topics.values_list("name", flat=True))
    application.topics.set(topic_get_or_create(name) for name in topics if name.strip())
    after = sorted(application.topics.values_list("name", flat=True))
    audit_record(
        actor=actor, verb="application.topics", obj=application, agency=application.agency_id,
        before={"topics": before}, after={"topics": after},
    )  # fmt: skip
    return application


# ------------------------------------------------------------------------------------------ letters
def _letter_values(application: Application, today: dt.date, **extra) -> dict:
    agency = application.agency
    return {
        "applicant": application.applicant.name,
        "number": application.number,
        "title": application.title,
        "received": f"{application.received_on:%Y年%m月%d日}",
        "agency": agency.name,
        "office_address": agency.office_address,
        "office_phone": agency.office_phone,
        "form": application.get_form_wanted_display(),
        "delivery": application.get_delivery_method_display(),
        "date": f"{today:%Y年%m月%d日}",
        **extra,
    }


def letter_template_body(agency: Agency, kind: str, group: str = "") -> str:
    """The agency's own template if it has one, else the platform's default."""
    row = (
        LetterTemplate.objects.filter(kind=kind, outcome_group=group, agency__in=[agency])
        .values_list("body", flat=True)
        .first()
    )
    return row or DEFAULT_BODIES[(kind, group)]


def _issue_letter(application: Application, kind: str, on: dt.date, group: str = "", **values) -> Letter:
    body = render_letter(
        letter_template_body(application.agency, kind, group), _letter_values(application, on, **values)
    )
    count = application.letters.filter(kind=kind).count() + 1
    return Letter.objects.create(
        application=application,
        kind=kind,
        number=f"{application.number}-{kind[:3].upper()}{count}",
        title=str(LetterKind(kind).label),
        body=body,
        issued_on=on,
    )


@transaction.atomic
def letter_deliver(*, actor, letter: Letter, method: str, on: dt.date) -> Letter:
    """Record how and when a letter reached the applicant (or the third party)."""
    application = _locked(letter.application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=letter.issued_on)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("请选择送达方式。")})
    before = snapshot(letter, ["delivery_method", "delivered_on"])
    letter.delivery_method = method
    letter.delivered_on = on
    letter.save(update_fields=["delivery_method", "delivered_on"])
    audit_record(
        actor=actor, verb="letter.deliver", obj=letter, agency=application.agency_id, before=before,
        after=snapshot(letter, ["delivery_method", "delivered_on"]),
    )  # fmt: skip
    return letter


@transaction.atomic
def letter_template_save(*, actor, agency: Agency, kind: str, outcome_group: str, body: str) -> LetterTemplate:
    if not letter_templates_can_edit(actor, agency):
        raise AccessDenied(_("无权修改文书模板。"))
    if (kind, outcome_group) not in DEFAULT_BODIES:
        raise ValidationError({"kind": _("没有这种文书。")})
    try:
        render_letter(body, {})
    except (ValueError, IndexError) as exc:
        raise ValidationError({"body": _("模板中的花括号不成对：%(v1)s") % {"v1": exc}}) from exc
    template, created = LetterTemplate.objects.get_or_create(
        agency=agency, kind=kind, outcome_group=outcome_group, defaults={"body": body}
    )
    before = None if created else {"body": template.body}
    template.body = body
    template.save()
    audit_record(
        actor=actor, verb="letter_template.save", obj=template, agency=agency, before=before, after={"body": body},
        object_repr=f"{LetterKind(kind).label} {outcome_group}",
    )  # fmt: skip
    return template


# ------------------------------------------------------------------------------------------ the clock
def _open_pause(application: Application, kind: str) -> ClockPause | None:
    return application.pauses.filter(kind=kind, ended_on__isnull=True).first()


def _save_clock(actor, application: Application, verb: str, before: dict, note: str = "") -> None:
    _recompute_due(application)
    application.save()
    audit_record(
        actor=actor, verb=verb, obj=application, agency=application.agency_id, before=before,
        after=snapshot(application, AUDIT_FIELDS), note=note,
    )  # fmt: skip


@transaction.atomic
def application_request_correction(
    *, actor, application: Application, on: dt.date, text: str, period_days: int = 15
) -> ClockPause:
    """条例 第三十条: once, in full, within 7 working days of receipt, with a reasonable period to answer."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=application.received_on)
    calendar = workday_calendar()
    latest = clock.correction_notice_deadline(calendar, application.received_on)
    if on > latest:
        raise ValidationError(
            {
                "on": _("补正通知应当自收到申请之日起7个工作日内提出（条例第三十条），本申请最迟为%(v1)s。")
                % {"v1": _day(latest)}
            }
        )
    if application.pauses.filter(kind=PauseKind.CORRECTION).exists():
        raise ValidationError({"text": _("补正应当一次性告知（条例第三十条），本申请已经发出过补正通知。")})
    if not text.strip():
        raise ValidationError({"text": _("请写明需要补正的事项。")})
    if not 1 <= period_days <= 60:
        raise ValidationError({"period_days": _("补正期限应在1至60个工作日之间。")})
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.AWAITING_CORRECTION)
    respond_by = calendar.add_working_days(on, period_days).date
    pause = ClockPause.objects.create(
        application=application, kind=PauseKind.CORRECTION, started_on=on, respond_by=respond_by,
        request_text=text, created_by=actor,
    )  # fmt: skip
    _issue_letter(application, LetterKind.CORRECTION, on, respond_by=f"{respond_by:%Y年%m月%d日}", text=text)
    _save_clock(actor, application, "application.correction_request", before, note=text)
    return pause


@transaction.atomic
def application_receive_correction(*, actor, application: Application, on: dt.date, text: str = "") -> Application:
    """The corrected application arrived: the 20 working days start again from `on`."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = _open_pause(application, PauseKind.CORRECTION)
    if pause is None:
        raise IllegalTransition(_("本申请没有等待中的补正。"))
    _check_date(on, "on", not_before=pause.started_on)
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.IN_PROGRESS)
    pause.ended_on = on
    pause.result_text = text
    pause.save(update_fields=["ended_on", "result_text"])
    _save_clock(actor, application, "application.correction_receive", before, note=text)
    return application


@transaction.atomic
def application_start_consultation(
    *, actor, application: Application, on: dt.date, kind: str, party: str, text: str
) -> ClockPause:
    """条例 第三十二条、第三十四条: third party or co-making agency, 15 working days; the time is not counted."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=application.received_on)
    if kind not in (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY):
        raise ValidationError({"kind": _("请选择征求意见的对象类型。")})
    if not party.strip():
        raise ValidationError({"party": _("请填写征求意见的对象。")})
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.CONSULTING)
    respond_by = workday_calendar().add_working_days(on, clock.THIRD_PARTY_DAYS).date
    pause = ClockPause.objects.create(
        application=application, kind=kind, started_on=on, respond_by=respond_by, consulted_party=party,
        request_text=text, created_by=actor,
    )  # fmt: skip
    _issue_letter(
        application, LetterKind.CONSULTATION, on, party=party, text=text, respond_by=f"{respond_by:%Y年%m月%d日}"
    )
    _save_clock(actor, application, "application.consultation_start", before, note=party)
    return pause


@transaction.atomic
def application_end_consultation(*, actor, application: Application, on: dt.date, result: str) -> Application:
    """The answer came (or the 15 days passed in silence and the agency decides, 条例 第三十二条)."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = application.pauses.filter(
        kind__in=[PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY], ended_on__isnull=True
    ).first()
    if pause is None:
        raise IllegalTransition(_("本申请没有进行中的征求意见。"))
    _check_date(on, "on", not_before=pause.started_on)
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.IN_PROGRESS)
    pause.ended_on = on
    pause.result_text = result
    pause.save(update_fields=["ended_on", "result_text"])
    _save_clock(actor, application, "application.consultation_end", before, note=result)
    return application


@transaction.atomic
def application_request_extension(
    *, actor, application: Application, on: dt.date, days: int, reason: str, kind: str = ExtensionKind.EXTENSION
) -> Extension:
    """A handler asks for more time; the approver decides.

    条例 第三十三条第二款: an extension is at most 20 working days in all. 条例 第三十五条: a delay for a
    reasonable but very large request is set case by case (bounded here by clock.MAX_DELAY_DAYS).
    """
    application = _locked(application)
    _check_handle(actor, application)
    if not application.is_open:
        raise IllegalTransition(_("已办结的申请不能延期。"))
    _check_date(on, "on", not_before=application.received_on)
    if kind not in ExtensionKind.values:
        raise ValidationError({"kind": _("请选择延期类型。")})
    used = sum(e.days for e in application.extensions.filter(kind=kind))
    if kind == ExtensionKind.EXTENSION and (days < 1 or used + days > clock.MAX_EXTENSION_DAYS):
        raise ValidationError(
            {"days": _("延长期限最长不得超过20个工作日，本申请已延长或申请延长%(v1)s个工作日。") % {"v1": used}}
        )
    if kind == ExtensionKind.DELAY and not 1 <= days <= clock.MAX_DELAY_DAYS:
        raise ValidationError({"days": _("延迟答复的期限应在1至60个工作日之间。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明延期理由。")})
    if application.extensions.filter(approved_on__isnull=True).exists():
        raise ValidationError({"days": _("已有一项延期申请待批准。")})
    extension = Extension.objects.create(
        application=application, kind=kind, days=days, reason=reason, requested_by=actor, requested_on=on
    )
    audit_record(
        actor=actor, verb="application.extension_request", obj=application, agency=application.agency_id,
        after={"kind": kind, "days": days, "reason": reason},
    )  # fmt: skip
    return extension


@transaction.atomic
def application_approve_extension(*, actor, extension: Extension, on: dt.date) -> Extension:
    application = _locked(extension.application)
    if not application_can_approve(actor, application):
        raise AccessDenied(_("延期答复须经政府信息公开工作机构负责人（终审人）同意。"))
    if extension.approved_on:
        raise IllegalTransition(_("该延期已经批准。"))
    if not application.is_open:
        raise IllegalTransition(_("已办结的申请不能延期。"))
    _check_date(on, "on", not_before=extension.requested_on)
    before = snapshot(application, AUDIT_FIELDS)
    extension.approved_by = actor
    extension.approved_on = on
    extension.save(update_fields=["approved_by", "approved_on"])
    _recompute_due(application)
    due = f"{application.due_on:%Y年%m月%d日}" if application.due_on else "计时恢复后重新计算的期限"
    letter = LetterKind.DELAY if extension.kind == ExtensionKind.DELAY else LetterKind.EXTENSION
    _issue_letter(application, letter, on, days=extension.days, text=extension.reason, due=due)
    _save_clock(actor, application, "application.extension_approve", before, note=extension.reason)
    return extension


# ------------------------------------------------------------------------------------------ fees
def prior_items_this_month(application: Application) -> int:
    """Items the same applicant asked this agency for earlier in the same calendar month (按件, cumulative)."""
    person = application.applicant
    identity = {"applicant__id_number": person.id_number} if person.id_number else {}
    if person.credit_code:
        identity = {"applicant__credit_code": person.credit_code}
    if not identity:
        return 0
    first = application.received_on.replace(day=1)
    return (
        Application.objects.filter(
            agency=application.agency, received_on__gte=first, received_on__lt=application.received_on, **identity
        ).count()
        + Application.objects.filter(
            agency=application.agency, received_on=application.received_on, pk__lt=application.pk, **identity
        ).count()
    )


def fee_quote(application: Application, *, method: str, quantity: int) -> tuple[fees.FeeQuote, int]:
    if method == FeeMethod.PER_ITEM:
        prior = prior_items_this_month(application)
        return fees.per_item_fee(items=quantity, prior_items=prior), prior
    if method == FeeMethod.PER_PAGE:
        return fees.per_page_fee(pages=quantity), 0
    raise ValidationError({"method": _("请选择计收方式（按件或按量，二者只能选一种）。")})


@transaction.atomic
def application_notify_fee(*, actor, application: Application, on: dt.date, method: str, quantity: int) -> Fee:
    """国办函〔2020〕109号: one standard per application; 20 working days to pay from the day after the notice."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=application.received_on)
    if application.fees.exists():
        raise ValidationError({"method": _("本申请已经发出过收费通知；同一申请只能按一种标准收费一次。")})
    if quantity < 1:
        raise ValidationError({"quantity": _("件数或页数应为正整数。")})
    quote, prior = fee_quote(application, method=method, quantity=quantity)
    if quote.amount <= 0:
        raise ValidationError({"quantity": _("按此标准计算不需要收费（未超过免费额度）。")})
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.AWAITING_FEE)
    pay_by = workday_calendar().add_working_days(on, clock.FEE_PAYMENT_DAYS).date
    fee = Fee.objects.create(
        application=application, method=method, quantity=quantity, prior_items=prior, amount=quote.amount,
        working=quote.explain(), notified_on=on, pay_by=pay_by,
    )  # fmt: skip
    ClockPause.objects.create(
        application=application, kind=PauseKind.FEE, started_on=on, respond_by=pay_by,
        counted=not fee_wait_excluded(), request_text=quote.explain(), created_by=actor,
    )  # fmt: skip
    _issue_letter(
        application, LetterKind.FEE, on, amount=quote.amount, working=quote.explain(), pay_by=f"{pay_by:%Y年%m月%d日}"
    )
    _save_clock(actor, application, "application.fee_notify", before, note=f"{quote.amount}元")
    return fee


@transaction.atomic
def application_record_payment(*, actor, application: Application, on: dt.date, receipt_number: str) -> Fee:
    application = _locked(application)
    _check_handle(actor, application)
    fee = application.fees.filter(paid_on__isnull=True).first()
    pause = _open_pause(application, PauseKind.FEE)
    if fee is None or pause is None:
        raise IllegalTransition(_("本申请没有待缴的信息处理费。"))
    _check_date(on, "on", not_before=fee.notified_on)
    if not receipt_number.strip():
        raise ValidationError({"receipt_number": _("请填写财政票据号。")})
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.IN_PROGRESS)
    fee.paid_on = on
    fee.receipt_number = receipt_number
    fee.save(update_fields=["paid_on", "receipt_number"])
    pause.ended_on = on
    pause.save(update_fields=["ended_on"])
    _save_clock(actor, application, "application.fee_paid", before, note=f"{fee.amount}元 {receipt_number}")
    return fee


# ------------------------------------------------------------------------------------------ endings
def _close(actor, application: Application, *, outcome: str, detail: str, on: dt.date, verb: str) -> Application:
    before = snapshot(application, AUDIT_FIELDS)
    _move(application, Status.CLOSED)
    for pause in application.pauses.filter(ended_on__isnull=True):
        pause.ended_on = on
        pause.save(update_fields=["ended_on"])
    application.outcome = outcome
    application.outcome_detail = detail
    application.closed_on = on
    application.due_on = None
    application.alert_state = ""
    application.save()
    reason = OUTCOME_REASONS.get(outcome, "")
    _issue_letter(
        application, LetterKind.REPLY, on, outcome_group(outcome), basis=OUTCOME_TABLE[outcome][1],
        outcome_reason=reason, detail=detail,
    )  # fmt: skip
    audit_record(
        actor=actor, verb=verb, obj=application, agency=application.agency_id, before=before,
        after=snapshot(application, AUDIT_FIELDS), note=detail,
    )  # fmt: skip
    return application


# Outcomes a reply may choose; the three 其他处理 endings have their own services below.
REPLY_OUTCOMES = [o for o in Outcome.values if not o.startswith("other")]


@transaction.atomic
def application_reply(
    *, actor, application: Application, outcome: str, detail: str, on: dt.date, topics: list[str] | None = None
) -> Application:
    """答复 (条例 第三十六条): one outcome from the 2021 table, with its legal basis and the applicant's remedies."""
    application = _locked(application)
    _check_handle(actor, application)
    if outcome not in REPLY_OUTCOMES:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    if application.status != Status.IN_PROGRESS:
        raise IllegalTransition(
            _("申请当前状态为“%(v1)s”，须先结束补正、征求意见或缴费等待后才能答复。")
            % {"v1": Status(application.status).label}
        )
    _check_date(on, "on", not_before=application.received_on)
    if outcome != Outcome.DISCLOSED and not detail.strip():
        raise ValidationError({"detail": _("除予以公开外，答复须写明理由。")})
    if outcome == Outcome.UNAVAILABLE_UNCLEAR and not application.pauses.filter(kind=PauseKind.CORRECTION).exists():
        raise ValidationError({"outcome": _("“补正后申请内容仍不明确”只适用于已经补正过的申请。")})
    if topics is not None:
        application.topics.set(topic_get_or_create(name) for name in topics if name.strip())
    return _close(actor, application, outcome=outcome, detail=detail, on=on, verb="application.reply")


@transaction.atomic
def application_close_without_correction(*, actor, application: Application, on: dt.date) -> Application:
    """条例 第三十条: no correction within the period and no good reason; the application is deemed abandoned."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = _open_pause(application, PauseKind.CORRECTION)
    if pause is None:
        raise IllegalTransition(_("本申请没有等待中的补正。"))
    _check_date(on, "on")
    if pause.respond_by and on <= pause.respond_by:
        raise ValidationError(
            {"on": _("补正期限到%(v1)s为止，期限届满后才能终止办理。") % {"v1": _day(pause.respond_by)}}
        )
    return _close(
        actor, application, outcome=Outcome.OTHER_NO_CORRECTION, on=on, verb="application.correction_lapse",
        detail=f"本机关于{pause.started_on:%Y年%m月%d日}告知补正，补正期限至{pause.respond_by:%Y年%m月%d日}，申请人逾期未补正。",
    )  # fmt: skip


@transaction.atomic
def application_close_fee_unpaid(*, actor, application: Application, on: dt.date) -> Application:
    """国办函〔2020〕109号: not paid within 20 working days; the application is deemed abandoned."""
    application = _locked(application)
    _check_handle(actor, application)
    fee = application.fees.filter(paid_on__isnull=True).first()
    if fee is None or application.status != Status.AWAITING_FEE:
        raise IllegalTransition(_("本申请没有待缴的信息处理费。"))
    _check_date(on, "on")
    if on <= fee.pay_by:
        raise ValidationError({"on": _("缴费期限到%(v1)s为止，期限届满后才能终止办理。") % {"v1": _day(fee.pay_by)}})
    return _close(
        actor, application, outcome=Outcome.OTHER_FEE_UNPAID, on=on, verb="application.fee_lapse",
        detail=f"本机关于{fee.notified_on:%Y年%m月%d日}发出收费通知，申请人逾期未缴纳{fee.amount}元。",
    )  # fmt: skip


@transaction.atomic
def application_withdraw(*, actor, application: Application, on: dt.date, reason: str) -> Application:
    """The applicant withdrew: 其他处理 / 其他 (spec §2.5)."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=application.received_on)
    if not reason.strip():
        raise ValidationError({"reason": _("请写明撤回的方式和日期（如：申请人来电撤回）。")})
    return _close(
        actor,
        application,
        outcome=Outcome.OTHER,
        on=on,
        verb="application.withdraw",
        detail=f"申请人撤回申请：{reason}",
    )


# ------------------------------------------------------------------------------------------ alerts
def application_alerts_scan(*, today: dt.date) -> list[tuple[Application, str]]:
    """Mark due-soon and overdue cases; returns only the cases whose state changed (so a rerun notifies nobody).

    Compare-and-set: a case moves only if it still holds the state read, so two runs at once cannot both notify.
    """
    calendar = workday_calendar()
    changed = []
    open_cases = Application.objects.exclude(status=Status.CLOSED).filter(due_on__isnull=False)
    for application in open_cases.select_related("agency", "handler"):
        state = clock.alert_state(calendar, application.due_on, today)
        if state == application.alert_state:
            continue
        moved = Application.objects.filter(pk=application.pk, alert_state=application.alert_state).update(
            alert_state=state
        )
        if moved and state:
            application.alert_state = state
            changed.append((application, state))
    return changed
