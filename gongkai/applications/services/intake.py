"""Registration: checking who applies, numbering the case, online submission and staff registration."""

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications.access import (
    agency_can_register_applications,
    application_can_handle,
)
from gongkai.applications.models import (
    Applicant,
    ApplicantKind,
    Application,
    Attachment,
    Channel,
    DeliveryMethod,
    FormWanted,
    Topic,
)
from gongkai.applications.notify import applicant_notify
from gongkai.applications.services.base import (
    APPLICANT_FIELDS,
    AUDIT_FIELDS,
    REQUEST_FIELDS,
    _check_date,
    _check_handle,
    _locked,
    _recompute_due,
    _today,
)
from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.core.errors import AccessDenied
from gongkai.core.identifiers import is_valid_credit_code, is_valid_resident_id

# The day the Regulations took effect (2008-05-01): the earliest receipt date a paper registration may carry.
REGULATIONS_IN_FORCE = dt.date(2008, 5, 1)


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
    """The agency's next case number of the year: `QDN-2026-0012`, its sequence padded to four digits.

    The agency row is locked first, so two submissions to the same agency number one after the other. The
    greatest sequence is the longest number, then the greatest among those (past 9999 a number has five
    digits, and "QDN-2026-10000" sorts before "QDN-2026-9999" as text): read in that order from the index on
    (agency, length of the number, number), so numbering costs the same however many cases the agency has had.
    """
    list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk", flat=True))  # the lock only
    prefix = f"{agency.slug.upper()}-{year}-"
    last = (
        Application.objects.filter(agency=agency, number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
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
    notify: tuple[str, ...] = (),
    suggests_proactive: bool = False,
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
    if "email" in notify and not (applicant.get("email") or "").strip():
        raise ValidationError({"email": _("选择邮件通知时请填写电子邮箱。")})
    person = Applicant.objects.create(**_clean_applicant(applicant))
    application = Application(
        agency=agency,
        applicant=person,
        number=_next_number(agency, received_on.year),
        tracking_code=secrets.token_hex(8).upper(),
        submission_key=submission_key or None,
        channel=channel,
        received_on=received_on,
        notify_email="email" in notify,
        notify_sms="sms" in notify,
        suggests_proactive=bool(suggests_proactive),
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
        after={
            **snapshot(application, AUDIT_FIELDS + ["number", "channel", "suggests_proactive"]),
            "applicant": person.name,
        },
    )
    # 条例 第三十一条: the receipt, with the case number, tracking code and answer deadline.
    applicant_notify(application, "application.receipt")
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
    attachments: Sequence = (),
    notify: tuple[str, ...] = (),
    suggests_proactive: bool = False,
) -> tuple[Application, bool]:
    """A citizen's online application. Returns (application, created); a repeated submission_key returns the first.

    `notify` holds the channels the applicant chose for notices ("email", "sms"); the receipt goes out on them.
    `suggests_proactive`: the applicant suggests the information be disclosed proactively (条例 第四十四条第二款).

    条例 第三十一条: online, the receipt date is the day both sides confirm. The platform confirms at once by
    issuing the case number and tracking code, so the receipt date is the submission date.
    """
    if not submission_key or len(submission_key) > (Application._meta.get_field("submission_key").max_length or 0):
        raise ValidationError({"submission_key": _("提交标识缺失或无效，请刷新页面后重新提交。")})
    # Asked first as a yes/no (a case row is wide: 0.3 ms to build one, on every submission, for a key that is
    # almost never there; issue #15), then read when it is.
    if Application.objects.filter(submission_key=submission_key).exists():
        return Application.objects.get(submission_key=submission_key), False
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
                notify=tuple(notify),
                suggests_proactive=suggests_proactive,
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
    topics: Sequence[str] = (),
    attachments: Sequence = (),
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
    # No application under the Regulations can predate them (条例 施行 2008年5月1日).
    _check_date(received_on, "received_on", not_before=REGULATIONS_IN_FORCE)
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
    audited_update(
        application, actor=actor, verb="application.assign", changes={"handler": handler},
        agency=application.agency_id, validate=False, always=True,
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
