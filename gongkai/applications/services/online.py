"""The applicant's side online: answering a correction notice, and receiving the reply's files.

The applicant has no account: the tracking code is their key (views.py checks it before calling these), and
the audit events carry no actor. 条例 第三十条: the corrected application restarts the 20 working days from the
day it arrives; 条例 第三十六条、第三十七条、第四十条: the reply provides the information, redacted where it is
partly disclosed, in the form asked for; its delivery (送达) date is recorded.
"""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import tracking
from gongkai.applications.models import (
    Application,
    Attachment,
    ClockPause,
    DeliveryMethod,
    Letter,
    LetterKind,
    Outcome,
    PauseKind,
    ReplyDraft,
    ReplyFile,
    ReplyFileKind,
)
from gongkai.applications.notify import applicant_notify
from gongkai.applications.services.base import _check_handle, _day, _locked, _open_pause, _today
from gongkai.applications.services.timing import end_correction
from gongkai.applications.uploads import applicant_upload_problems, reply_file_problems
from gongkai.audit.services import audit_record
from gongkai.core.errors import IllegalTransition


def correction_open_online(pause: ClockPause | None, today: dt.date) -> bool:
    """Whether the applicant may still answer this correction request on the tracking page: it is open and its
    period (条例 第三十条 "合理期限", the date on the notice) has not passed."""
    return pause is not None and pause.ended_on is None and (pause.respond_by is None or today <= pause.respond_by)


@transaction.atomic
def application_submit_correction(*, application: Application, text: str, attachments: Sequence = ()) -> ClockPause:
    """The applicant answers the correction notice online; it counts as received today (条例 第三十条).

    Refused once the period on the notice has passed (the agency may then close the case as abandoned, or
    accept a late correction with a good reason on paper), and once answered. The handler finds the material
    in their to-do list; the applicant gets a notice with the new reply deadline.
    """
    application = _locked(application)
    pause = _open_pause(application, PauseKind.CORRECTION)
    if pause is None:
        raise IllegalTransition(_("本申请没有等待补正的事项，或补正已经提交。"))
    today = _today()
    if pause.respond_by is not None and not correction_open_online(pause, today):
        raise IllegalTransition(
            _("补正期限已于%(v1)s届满，网上补正已关闭。如有正当理由逾期，请联系%(agency)s（电话：%(phone)s）。")
            % {"v1": _day(pause.respond_by), "agency": application.agency.name,
               "phone": application.agency.office_phone or "—"}
        )  # fmt: skip
    files = list(attachments)
    problems = applicant_upload_problems(files)
    if problems:
        raise ValidationError({"attachments": problems})
    if not text.strip() and not files:
        raise ValidationError({"text": _("请填写补正内容或上传补正材料。")})
    pause.answered_online_at = timezone.now()
    pause.save(update_fields=["answered_online_at"])
    for upload in files:
        Attachment.objects.create(
            application=application, correction=pause, file=upload, name=upload.name[:200], size=upload.size
        )
    note = text.strip() or _("（仅上传补正材料）")
    end_correction(None, application, pause, on=today, text=text.strip(), verb="application.correction_submit")
    if files:
        audit_record(
            actor=None, verb="application.correction_files", obj=application, agency=application.agency_id,
            after={"files": [f.name[:200] for f in files]}, note=note,
        )  # fmt: skip
    applicant_notify(application, "application.correction_received", key=str(pause.pk), received=_day(today))
    return pause


@transaction.atomic
def application_review_correction(*, actor, application: Application) -> ClockPause:
    """The handler has read the material the applicant sent online; it leaves their to-do list."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = (
        application.pauses.filter(kind=PauseKind.CORRECTION, answered_online_at__isnull=False, reviewed_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if pause is None:
        raise IllegalTransition(_("没有待查阅的网上补正材料。"))
    pause.reviewed_at = timezone.now()
    pause.reviewed_by = actor
    pause.save(update_fields=["reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor, verb="application.correction_review", obj=application, agency=application.agency_id,
        after={"pause": pause.pk},
    )  # fmt: skip
    return pause


def reply_files_add(
    *,
    actor,
    application: Application,
    outcome: str,
    disclosed: Sequence,
    redacted: Sequence,
    letter: Letter | None = None,
    draft: ReplyDraft | None = None,
) -> list[ReplyFile]:
    """Keep the files of a reply: proposed with its draft (`draft`, called by application_draft_reply) or issued
    with its letter (`letter`, by application_reply), inside the caller's transaction.

    Redacted versions belong to a partial disclosure only (条例 第三十七条); disclosed files to a reply that
    discloses something (予以公开 or 部分公开).
    """
    disclosed, redacted = list(disclosed), list(redacted)
    if not disclosed and not redacted:
        return []
    if redacted and outcome != Outcome.PARTLY_DISCLOSED:
        raise ValidationError({"redacted_files": _("只有部分公开的答复才附区分处理后的文件。")})
    if disclosed and outcome not in (Outcome.DISCLOSED, Outcome.PARTLY_DISCLOSED):
        raise ValidationError({"disclosed_files": _("只有予以公开或部分公开的答复才附公开的政府信息。")})
    problems = reply_file_problems(disclosed + redacted)
    if problems:
        raise ValidationError({"disclosed_files": problems})
    rows = []
    for kind, uploads in ((ReplyFileKind.DISCLOSED, disclosed), (ReplyFileKind.REDACTED, redacted)):
        for upload in uploads:
            rows.append(
                ReplyFile.objects.create(
                    application=application,
                    draft=draft,
                    letter=letter,
                    kind=kind,
                    file=upload,
                    name=upload.name[:200],
                    size=upload.size,
                    uploaded_by=actor,
                )  # fmt: skip
            )
    audit_record(
        actor=actor, verb="application.reply_files", obj=application, agency=application.agency_id,
        after={"files": [f"{r.get_kind_display()}：{r.name}" for r in rows]},
    )  # fmt: skip
    return rows


@transaction.atomic
def reply_record_download(*, application: Application, letter: Letter, reply_file: ReplyFile | None = None) -> bool:
    """The applicant downloaded the reply letter or one of its files from the tracking page.

    Where the applicant chose online delivery (获取信息方式: 网上获取), the first download is the delivery (送达)
    of the reply: the letter's delivery date is set once, by compare-and-set, so two downloads at once record
    one date and a date staff already recorded is never overwritten. Returns whether this call recorded it.
    """
    now = timezone.now()
    if reply_file is not None and reply_file.first_downloaded_at is None:
        ReplyFile.objects.filter(pk=reply_file.pk, first_downloaded_at__isnull=True).update(first_downloaded_at=now)
    if letter.kind != LetterKind.REPLY or application.delivery_method != DeliveryMethod.ONLINE:
        return False
    today = timezone.localdate(now)
    moved = Letter.objects.filter(pk=letter.pk, delivered_on__isnull=True).update(
        delivered_on=today, delivery_method=DeliveryMethod.ONLINE
    )
    if not moved:
        return False
    tracking.case_changed(application.pk)  # an update() sends no post_save: the tracking page shows the date
    audit_record(
        actor=None, verb="letter.deliver_online", obj=letter, agency=application.agency_id,
        before={"delivered_on": None}, after={"delivery_method": DeliveryMethod.ONLINE, "delivered_on": str(today)},
        note=_("申请人首次在查询页面下载%(what)s") % {"what": reply_file.name if reply_file else letter.title},
    )  # fmt: skip
    return True
