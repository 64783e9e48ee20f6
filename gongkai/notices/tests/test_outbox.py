"""Notices to applicants: chosen on the form, written with the change that causes them, delivered by the worker."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from gongkai.applications.models import Application
from gongkai.applications.services import application_request_correction
from gongkai.applications.tests.factories import resident_id
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.core.dates import chinese_date
from gongkai.notices import sms
from gongkai.notices.models import Notice, NoticeState
from gongkai.notices.services import backoff, notice_queue, notices_deliver
from gongkai.notices.texts import sms_segments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


class RefusingBackend:
    """An SMTP server that is down: every connection attempt fails."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("Connection refused")

    def close(self):
        pass


def apply_online(client, agency, **fields):
    response = client.post(apply_url(agency), form_data(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.order_by("-pk").first()


def test_an_applicant_who_chose_email_gets_the_article_31_receipt(client, prefecture):
    application = apply_online(client, prefecture, notify=["email"])
    notice = Notice.objects.get()
    assert (notice.channel, notice.recipient, notice.state) == ("email", "yang@example.cn", "queued")
    assert notice.object_id == str(application.pk) and notice.event == "application.receipt"
    assert notices_deliver() == {"sent": 1, "failed": 0}
    message = mail.outbox[0]
    assert message.to == ["yang@example.cn"] and application.number in message.subject
    assert application.tracking_code in message.body and chinese_date(application.due_on) in message.body
    assert resident_id(42) not in message.body and "13985512345" not in message.body
    assert message.extra_headers["Message-ID"] == f"<{notice.uuid}@gongkai>"
    assert Notice.objects.get().state == NoticeState.SENT


def test_an_applicant_who_chose_sms_gets_a_text_that_fits_one_message(client, prefecture):
    application = apply_online(client, prefecture, notify=["sms"])
    notices_deliver()
    assert [m.to for m in sms.outbox] == ["13985512345"]
    assert application.tracking_code in sms.outbox[0].body and sms_segments(sms.outbox[0].body) == 1
    assert mail.outbox == []


def test_an_applicant_who_chose_neither_is_sent_nothing(client, prefecture):
    apply_online(client, prefecture)
    assert Notice.objects.count() == 0


def test_choosing_email_without_an_address_is_refused_and_keeps_what_was_typed(client, prefecture):
    response = client.post(apply_url(prefecture), form_data(notify=["email"], email=""))
    page = response.content.decode()
    assert response.status_code == 200 and "选择邮件通知时请填写电子邮箱" in page
    assert "2023年凯里经济开发区征地补偿标准" in page
    assert Application.objects.count() == 0 and Notice.objects.count() == 0


def test_a_change_that_rolls_back_leaves_no_notice(client, prefecture, alice):
    application = apply_online(client, prefecture, notify=["email", "sms"])
    Notice.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        application_request_correction(actor=alice, application=application, on=timezone.localdate(), text="请写明文号")
        assert Notice.objects.filter(event="application.correction").count() == 2
        raise RuntimeError("the rest of the change failed")
    assert Notice.objects.count() == 0


def test_each_step_of_the_case_notifies_the_applicant_once(client, login, prefecture, alice, ann):
    application = apply_online(client, prefecture, notify=["email"])
    staff = login(alice)
    base = f"/staff/applications/{application.pk}/do/"
    today = timezone.localdate().isoformat()
    assert staff.post(base + "assign/", {"assign-handler": alice.pk}).status_code == 302
    staff.post(base + "extension_request/", {"extension_request-on": today, "extension_request-days": 10,
                                             "extension_request-reason": "涉及多个部门", "extension_request-kind": "extension"})  # fmt: skip
    client.logout()
    assert login(ann).post(base + "extension_approve/", {"extension_approve-on": today}).status_code == 302
    client.logout()
    staff = login(alice)
    # 拟办, then 出具 (予以公开 needs no sign-off by default); only the reply itself tells the applicant.
    assert staff.post(base + "draft/", {"draft-outcome": "disclosed", "draft-detail": ""}).status_code == 302
    assert staff.post(base + "reply/", {"reply-on": today}).status_code == 302
    events = list(Notice.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["application.receipt", "application.extension", "application.reply"]
    notices_deliver()
    reply = mail.outbox[-1]
    assert "予以公开" in reply.body and f"/applications/track/{application.tracking_code}/letters/" in reply.body


def test_the_case_page_lists_its_notices_with_the_recipient_masked(client, login, prefecture, alice):
    application = apply_online(client, prefecture, notify=["email", "sms"])
    page = login(alice).get(f"/staff/applications/{application.pk}/").content.decode()
    assert "给申请人的通知" in page and "y***@example.cn" in page and "139****2345" in page
    assert "yang@example.cn" not in page.split("给申请人的通知")[1]


def test_a_mail_server_that_is_down_delays_the_notice_with_backoff_then_marks_it_failed(client, prefecture, settings):
    settings.NOTICES_MAX_ATTEMPTS = 3
    apply_online(client, prefecture, notify=["email"])
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    now = timezone.now()
    assert notices_deliver(now=now) == {"sent": 0, "failed": 1}
    notice = Notice.objects.get()
    assert notice.state == "queued" and notice.attempts == 1 and "Connection refused" in notice.last_error
    assert notice.next_attempt_at == now + backoff(1)
    assert notices_deliver(now=now) == {"sent": 0, "failed": 0}  # not due yet
    later = now + dt.timedelta(minutes=1)
    notices_deliver(now=later)
    notices_deliver(now=later + dt.timedelta(minutes=2))
    notice.refresh_from_db()
    assert notice.state == "failed" and notice.attempts == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_deliver(now=later + dt.timedelta(hours=2)) == {"sent": 0, "failed": 0}
    assert mail.outbox == []


def test_backoff_doubles_and_stops_at_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 7, 20)] == [
        dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4),
        dt.timedelta(hours=1), dt.timedelta(hours=1),
    ]  # fmt: skip


def test_the_same_event_queued_twice_is_one_notice(prefecture):
    for _ in range(2):
        notice_queue(event="jobs.failed", channel="email", recipient="sam@example.cn", values={"job": "x"},
                     agency=prefecture, key="jobs.failed:1:1")  # fmt: skip
    assert Notice.objects.count() == 1


def test_a_text_carrying_an_identity_number_is_refused(prefecture):
    with pytest.raises(ValueError, match="identity number"):
        notice_queue(event="jobs.failed", channel="email", recipient="sam@example.cn",
                     values={"job": "x", "error": f"bad row {resident_id(7)}"}, agency=prefecture)  # fmt: skip
    assert Notice.objects.count() == 0


def test_sms_segments_are_counted_by_70_characters_then_67():
    assert [sms_segments("字" * n) for n in (1, 70, 71, 134, 135)] == [1, 1, 2, 2, 3]


def test_an_agency_administrator_edits_the_receipt_text_and_the_next_receipt_uses_it(client, login, prefecture, adam):
    staff = login(adam)
    url = "/staff/notices/templates/application.receipt/sms/"
    long_text = "【{agency}】" + "很长" * 40 + "{number}"
    page = staff.post(url, {"body": long_text}).content.decode()
    assert "将按 2 条短信发送" not in page  # a valid long text is saved; the list then shows its length
    listing = staff.get("/staff/notices/templates/").content.decode()
    assert "2 条短信" in listing
    assert staff.post(url, {"body": f"【{{agency}}】收到，编号{{number}} {resident_id(3)}"}).status_code == 200
    assert staff.post(url, {"body": "【{agency}】已收到申请{number}，查询码{tracking_code}。"}).status_code == 302
    client.logout()
    application = apply_online(client, prefecture, notify=["sms"], key="2")
    notices_deliver()
    assert (
        sms.outbox[-1].body
        == f"【{prefecture.name}】已收到申请{application.number}，查询码{application.tracking_code}。"
    )


def test_a_clerk_may_read_the_notice_texts_but_not_change_them(login, alice):
    staff = login(alice)
    assert staff.get("/staff/notices/templates/").status_code == 200
    assert staff.get("/staff/notices/templates/application.receipt/email/").status_code == 403


def test_every_default_sms_fits_one_message_for_a_typical_case():
    from gongkai.notices import texts

    values = {"agency": "黔东南州人民政府", "number": "QDN-2026-0001", "tracking_code": "703AFC05DB43CD20",
              "due": "2027年1月1日", "respond_by": "2027年1月1日", "pay_by": "2027年1月1日", "days": 20,
              "amount": "100.00"}  # fmt: skip
    lengths = {e: len(texts.render(body, values)) for (e, c), (_s, body) in texts.DEFAULTS.items() if c == "sms"}
    assert lengths and all(n <= texts.SMS_SEGMENT for n in lengths.values()), lengths


def test_the_notices_page_lists_the_agencys_notices_masked_and_filters_failed_ones(client, login, prefecture, adam):
    apply_online(client, prefecture, notify=["email"])
    Notice.objects.update(state=NoticeState.FAILED, last_error="SMTPRecipientsRefused")
    staff = login(adam)
    page = staff.get("/staff/notices/?state=failed").content.decode()
    assert "申请受理回执" in page and "y***@example.cn" in page and "SMTPRecipientsRefused" in page
    application = Application.objects.get()
    assert f'href="/staff/applications/{application.pk}/">{application.number}</a>' in page
    assert "yang@example.cn" not in page
    assert "y***@example.cn" not in staff.get("/staff/notices/?state=sent").content.decode()


def _queue(prefecture, n):
    notice_queue(event="jobs.failed", channel="email", recipient=f"a{n}@example.cn", values={"job": n},
                 agency=prefecture, key=f"many:{n}")  # fmt: skip


def test_a_transaction_queueing_many_notices_asks_for_one_delivery(prefecture, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(50):
            _queue(prefecture, n)
    assert len(callbacks) == 1 and Notice.objects.count() == 50


def test_a_rolled_back_savepoint_does_not_lose_the_delivery_of_later_notices(
    prefecture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                _queue(prefecture, 100)
                raise RuntimeError
        except RuntimeError:
            pass
        _queue(prefecture, 101)
        _queue(prefecture, 102)
    assert len(callbacks) == 1
    assert sorted(Notice.objects.values_list("key", flat=True)) == ["many:101", "many:102"]


def test_a_failed_notice_can_be_queued_again_once_and_only_by_the_agencys_staff(client, prefecture, adam, kim):
    from django.core.exceptions import PermissionDenied, ValidationError

    from gongkai.audit.models import AuditEvent
    from gongkai.notices.services import notice_retry

    apply_online(client, prefecture, notify=["email"])
    notice = Notice.objects.get()
    with pytest.raises(ValidationError):
        notice_retry(actor=adam, notice=notice)  # still queued: nothing to retry
    Notice.objects.update(state=NoticeState.FAILED, attempts=10)
    with pytest.raises(PermissionDenied):
        notice_retry(actor=kim, notice=notice)
    notice = notice_retry(actor=adam, notice=notice)
    assert notice.state == NoticeState.QUEUED and AuditEvent.objects.filter(verb="notices.retry").count() == 1
    assert notices_deliver() == {"sent": 1, "failed": 0}
