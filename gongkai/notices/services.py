"""Writing notices into the outbox, delivering them, and editing their texts.

`notice_queue` is called by other apps' services inside the transaction of the change the notice is about, so
the notice exists exactly when the change does. `notices_deliver` is run by the worker (jobs: notices_deliver,
every minute, and straight after a commit that queued notices). Delivery is at least once and at most once per
claim: a notice is taken ("sending") in its own commit before its message goes out and marked sent in another
straight after the server accepted it, so only a worker killed between those two can send one message twice,
with the same Message-ID (docs/notifications.md).
"""

import contextlib
import datetime as dt
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.audit.services import audit_record
from gongkai.core.errors import AccessDenied
from gongkai.core.identifiers import is_valid_resident_id, mask_resident_id
from gongkai.core.pagecache import note_work_change
from gongkai.notices import texts
from gongkai.notices.models import Notice, NoticeChannel, NoticePreference, NoticeState, NoticeTemplate
from gongkai.notices.sms import SmsMessage, get_sms_connection

logger = logging.getLogger(__name__)

_ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
BACKOFF_CAP = dt.timedelta(hours=1)


def contains_identity_number(text: str) -> bool:
    return any(is_valid_resident_id(m.group(0)) for m in _ID_CANDIDATE.finditer(text or ""))


def mask_identity_numbers(text: str) -> str:
    """Text with each valid resident identity number masked (522***********123X), for texts staff typed
    (a case's title) that go out in a notice, which may carry none."""
    return _ID_CANDIDATE.sub(
        lambda m: mask_resident_id(m.group(0)) if is_valid_resident_id(m.group(0)) else m.group(0), text or ""
    )


def notice_text(*, agency, event: str, channel: str) -> tuple[str, str]:
    """(subject, body) template for an event: the agency's own, else the site-wide one, else the default."""
    rows = {
        t.agency_id: t
        for t in NoticeTemplate.objects.filter(event=event, channel=channel, agency__in=[agency] if agency else [])
        | NoticeTemplate.objects.filter(event=event, channel=channel, agency__isnull=True)
    }
    row = rows.get(getattr(agency, "pk", None)) or rows.get(None)
    if row is not None:
        return row.subject, row.body
    return texts.DEFAULTS.get((event, channel), ("", ""))


def agency_values(agency) -> dict:
    return {
        "agency": agency.name if agency else "",
        "office_phone": agency.office_phone if agency else "",
        "site": settings.SITE_URL,
    }


def notice_queue(
    *,
    event: str,
    channel: str,
    recipient: str,
    values: dict,
    agency=None,
    obj=None,
    object_label: str = "",
    key: str = "",
    user=None,
) -> Notice | None:
    """Write one notice to the outbox, in the caller's transaction. Returns None when there is nothing to send.

    `key` names the event once ("application.receipt:42"); a second call with the same key adds nothing, so a
    job that runs twice queues each notice once. The text may carry no identity number: one found is an error.
    """
    recipient = (recipient or "").strip()
    if not recipient or channel not in NoticeChannel.values:
        return None
    if key and Notice.objects.filter(key=key).exists():
        return None
    subject_t, body_t = notice_text(agency=agency, event=event, channel=channel)
    if not body_t:
        return None
    all_values = {**agency_values(agency), **values}
    subject = texts.render(subject_t, all_values).replace("\n", " ")[:200]
    body = texts.render(body_t, all_values)
    if contains_identity_number(subject + body):
        raise ValueError(f"notice {event} would carry an identity number; refused")
    notice = Notice.objects.create(
        key=key or None,
        agency=agency,
        channel=channel,
        recipient=recipient,
        user=user,
        event=event,
        subject=subject,
        body=body,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(object_label or (str(obj) if obj is not None else ""))[:200],
        next_attempt_at=timezone.now(),
    )
    _deliver_after_commit()
    return notice


def _deliver_after_commit() -> None:
    """Ask the worker to deliver as soon as the transaction commits (the minute job is the safety net)."""
    from gongkai.notices.tasks import deliver_after_commit

    deliver_after_commit()


def backoff(attempts: int) -> dt.timedelta:
    """One minute after the first failure, doubling, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTICES_LEASE_SECONDS)


INTERRUPTED_ERROR = "发送过程中工作进程中断，服务器是否已收到未知；以相同的 Message-ID 重新发送。"


def _recover_interrupted(now: dt.datetime) -> int:
    """Queue again the notices a dead worker was sending: state "sending" whose lease has ended.

    The worker died between handing the message to the server and recording the outcome, so the server may have
    it. Sending it again (same Message-ID) loses nothing; at worst the recipient's system gets one repeat it can
    recognise. Counted on the notice (`interrupted`), so the repeat is known (docs/notifications.md).
    """
    return Notice.objects.filter(state=NoticeState.SENDING, next_attempt_at__lte=now).update(
        state=NoticeState.QUEUED, claim="", interrupted=F("interrupted") + 1, last_error=INTERRUPTED_ERROR,
        next_attempt_at=now,
    )  # fmt: skip


def _claim(token: str, now: dt.datetime, batch: int) -> list[Notice]:
    due = Notice.objects.filter(state=NoticeState.QUEUED, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return []
    # Compare-and-set: only rows still due are taken; a second worker taking the same rows finds none left.
    due.filter(pk__in=ids).update(claim=token, next_attempt_at=now + _lease())
    return list(Notice.objects.filter(claim=token, state=NoticeState.QUEUED).order_by("pk"))


def _mark_sending(notice: Notice, token: str) -> bool:
    """Take one claimed notice for one send, committed before the message leaves: at most one send per claim.

    False when the batch's lease ran out and another run has taken the notice since (it sends it, not this
    one). The lease is renewed for the send itself, which must end within it (EMAIL_TIMEOUT < the lease).
    """
    taken = Notice.objects.filter(pk=notice.pk, claim=token, state=NoticeState.QUEUED).update(
        state=NoticeState.SENDING, attempts=F("attempts") + 1, next_attempt_at=timezone.now() + _lease()
    )
    if taken:
        notice.attempts += 1
    return bool(taken)


def _mark_sent(notice: Notice, token: str) -> None:
    # The one statement between the server's "accepted" and the record of it: nothing else runs in between, so
    # a worker killed in that window (the only way to send twice) has as little time as possible to die in.
    done = Notice.objects.filter(pk=notice.pk, claim=token, state=NoticeState.SENDING).update(
        state=NoticeState.SENT, sent_at=timezone.now(), last_error="", claim=""
    )
    if not done:
        logger.warning("notice %s was sent after its lease ended; it may be sent again", notice.pk)


def _mark_failed(notice: Notice, token: str, error: str, now: dt.datetime, *, counted: bool = True) -> None:
    """Back to the queue with back-off, or failed after the last attempt. `counted`: this run tried to send it
    (the attempt was counted when it was taken); otherwise the run failed before its turn and counts it here."""
    attempts = notice.attempts if counted else notice.attempts + 1
    final = attempts >= settings.NOTICES_MAX_ATTEMPTS
    marked = Notice.objects.filter(pk=notice.pk, claim=token).update(
        state=NoticeState.FAILED if final else NoticeState.QUEUED,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=now + backoff(attempts),
        claim="",
    )
    if final and marked:
        # A failed notice is a to-do of the agency's clerks (待办: 发送失败的通知), counted in what staff pages keep
        # between changes; no audit event says it failed, so the agency's work is noted as changed here.
        note_work_change(notice.agency_id, "notices.fail")


def _email(notice: Notice) -> EmailMessage:
    return EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient],
        headers={"Message-ID": notice.message_id},
    )


def _send_batch(notices: list[Notice], token: str, now: dt.datetime) -> tuple[int, int, bool]:
    """Send one claimed batch; returns (sent, failed, server_down). A dead connection fails the rest of it.

    Each notice is taken ("sending", committed) just before its message goes out and marked sent straight after
    the server accepted it, so a worker killed mid-batch leaves at most one notice in doubt: the one in flight.
    """
    sent = failed = 0
    for channel in (NoticeChannel.EMAIL, NoticeChannel.SMS):
        group = [n for n in notices if n.channel == channel]
        if not group:
            continue
        connection = get_connection() if channel == NoticeChannel.EMAIL else get_sms_connection()
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001 - any failure to connect means: try again later
            for n in group:
                _mark_failed(n, token, f"{type(exc).__name__}: {exc}", now, counted=False)
            return sent, failed + len(group), True
        try:
            for position, n in enumerate(group):
                message = _email(n) if channel == NoticeChannel.EMAIL else _sms(n)
                if not _mark_sending(n, token):
                    continue
                try:
                    connection.send_messages([message])  # type: ignore[list-item]  # one connection type per channel
                except Exception as exc:  # noqa: BLE001 - recorded on the notice, retried with back-off
                    _mark_failed(n, token, f"{type(exc).__name__}: {exc}", now)
                    failed += 1
                    if _connection_lost(exc):
                        for rest in group[position + 1 :]:
                            _mark_failed(rest, token, f"{type(exc).__name__}: {exc}", now, counted=False)
                        return sent, failed + len(group) - position - 1, True
                    continue
                _mark_sent(n, token)
                sent += 1
        finally:
            # Closing a dead connection may fail; nothing is lost by ignoring that.
            with contextlib.suppress(Exception):
                connection.close()
    return sent, failed, False


def _sms(notice: Notice) -> SmsMessage:
    return SmsMessage(to=notice.recipient, body=notice.body, message_id=notice.message_id)


def _connection_lost(exc: Exception) -> bool:
    import smtplib

    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, OSError)) and not isinstance(
        exc, smtplib.SMTPRecipientsRefused
    )


def notices_deliver(*, now: dt.datetime | None = None, batch: int = 100, limit: int | None = None) -> dict:
    """Deliver every queued notice that is due, batch by batch, until none is left or the server is down.

    Safe to run twice at once: each batch is claimed by compare-and-set, and each notice taken for its send by
    another, so one claim sends a notice at most once. A failed notice waits (backoff) and is marked failed, with
    its error, after settings.NOTICES_MAX_ATTEMPTS attempts. A notice a dead worker was sending is queued again
    first (`_recover_interrupted`).
    """
    totals = {"sent": 0, "failed": 0}
    _recover_interrupted(now or timezone.now())
    while limit is None or totals["sent"] + totals["failed"] < limit:
        moment = now or timezone.now()
        claimed = _claim(uuid.uuid4().hex, moment, batch)
        if not claimed:
            break
        sent, failed, down = _send_batch(claimed, claimed[0].claim, moment)
        totals["sent"] += sent
        totals["failed"] += failed
        if down:
            break
    return totals


def notice_may_retry(user, notice: Notice) -> bool:
    """Who may send a failed notice again: the site administrator, or the agency's administrators and clerks."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser or (notice.agency is not None and user_has_role(user, notice.agency, "agency_admin", "clerk"))
    )


@transaction.atomic
def notice_retry(*, actor, notice: Notice) -> Notice:
    """Queue a failed notice again (staff, after fixing the address or the server), with a fresh run of attempts.

    条例 第三十一条 and the other notices to the applicant must reach them: a failed one is not the end.
    """
    if actor is not None and not notice_may_retry(actor, notice):
        raise AccessDenied(_("无权重新发送该通知。"))
    stored = Notice.objects.filter(pk=notice.pk).values("state", "attempts", "last_error").first()
    before = dict(stored) if stored else {}
    changed = Notice.objects.filter(pk=notice.pk, state=NoticeState.FAILED).update(
        state=NoticeState.QUEUED, next_attempt_at=timezone.now(), claim="", attempts=0
    )
    if not changed:
        raise ValidationError({"state": _("只有发送失败的通知可以重新发送。")})
    notice.refresh_from_db()
    audit_record(
        actor=actor, verb="notices.retry", obj=notice, agency=notice.agency,
        before={"state": before.get("state"), "attempts": before.get("attempts"), "error": before.get("last_error")},
        after={"state": notice.state},
    )  # fmt: skip
    _deliver_after_commit()
    return notice


@transaction.atomic
def notice_template_save(*, actor, agency, event: str, channel: str, subject: str, body: str) -> NoticeTemplate:
    """An agency administrator's own text for one notice (site administrators: the site-wide text)."""
    if agency is None:
        if not (actor and actor.is_superuser):
            raise AccessDenied(_("只有站点管理员可以修改全站通用的通知模板。"))
    elif actor is not None and not user_has_role(actor, agency, "agency_admin"):
        raise AccessDenied(_("只有机关管理员可以修改通知模板。"))
    errors = {}
    if event not in texts.EVENTS:
        errors["event"] = _("未知的通知事件。")
    elif agency is not None and event in texts.SITE_WIDE_EVENTS:
        errors["event"] = _("该通知不属于任何机关，只使用全站通用的文本。")
    if channel not in NoticeChannel.values:
        errors["channel"] = _("请选择渠道。")
    if not (body or "").strip():
        errors["body"] = _("请填写正文模板。")
    elif contains_identity_number(body + (subject or "")):
        errors["body"] = _("通知模板中不得包含身份证号码。")
    if channel == NoticeChannel.EMAIL and not (subject or "").strip():
        errors["subject"] = _("请填写邮件标题。")
    if errors:
        raise ValidationError(errors)
    template, created = NoticeTemplate.objects.update_or_create(
        agency=agency, event=event, channel=channel, defaults={"subject": subject.strip(), "body": body.strip()}
    )
    audit_record(
        actor=actor, verb="notices.template_save", obj=template, agency=agency,
        after={"event": event, "channel": channel, "subject": template.subject, "body": template.body},
    )  # fmt: skip
    return template


@transaction.atomic
def notice_preference_set(*, actor, daily_digest: bool) -> NoticePreference:
    """A staff member turns their own daily 待办 e-mail on or off (off until they turn it on)."""
    if daily_digest and not (actor.email or "").strip():
        raise ValidationError(
            {
                "daily_digest": _(
                    "您的账户没有电子邮件地址，无法接收每日待办邮件。请联系机关管理员填写电子邮件地址后再开启。"
                )
            }
        )
    preference, _created = NoticePreference.objects.select_for_update().get_or_create(user=actor)
    before = preference.daily_digest
    if before != daily_digest:
        preference.daily_digest = daily_digest
        preference.save(update_fields=["daily_digest", "updated_at"])
        audit_record(
            actor=actor, verb="notices.preference_set", obj=preference,
            before={"daily_digest": before}, after={"daily_digest": daily_digest},
        )  # fmt: skip
    return preference
