"""重新发送: a failed notice is queued again from the notices list or the case page, by the agency's staff only."""

import pytest
from django.core import mail
from django.utils import timezone

from gongkai.applications.tests.factories import make_application
from gongkai.audit.models import AuditEvent
from gongkai.notices.models import Notice, NoticeState
from gongkai.notices.services import notice_queue, notices_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(login, client):
    def _switch(user):
        client.logout()
        return login(user)

    return _switch


@pytest.fixture
def case(prefecture, alice):
    return make_application(alice, prefecture, timezone.localdate())


def failed_notice(agency, obj=None, key="retry:1", event="application.receipt") -> Notice:
    notice = notice_queue(event=event, channel="email", recipient="zhang@example.cn", agency=agency, obj=obj,
                          values={"number": "QDN-1", "job": "x", "error": "x", "attempts": 10}, key=key)  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(
        state=NoticeState.FAILED, attempts=10, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )
    notice.refresh_from_db()
    return notice


def action_url(notice) -> str:
    return f"/staff/notices/{notice.pk}/retry/"


def test_the_agency_administrator_resends_a_failed_notice_from_the_list(login, prefecture, adam):
    notice = failed_notice(prefecture)
    client = login(adam)
    page = client.get("/staff/notices/").content.decode()
    assert action_url(notice) in page and "重新发送" in page
    response = client.post(action_url(notice))
    assert response.status_code == 302 and response["Location"] == "/staff/notices/"
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (NoticeState.QUEUED, 0)
    event = AuditEvent.objects.get(verb="notices.retry")
    assert event.actor == adam and event.before["attempts"] == 10 and event.before["state"] == "failed"
    assert notices_deliver() == {"sent": 1, "failed": 0}
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [notice.message_id]
    # Sent: no button any more.
    assert action_url(notice) not in client.get("/staff/notices/").content.decode()


def test_the_clerk_resends_a_failed_notice_from_the_case_page_and_comes_back_to_it(login, prefecture, alice, case):
    notice = failed_notice(prefecture, obj=case)
    client = login(alice)
    page = client.get(f"/staff/applications/{case.pk}/").content.decode()
    panel = page[page.index('id="notices"') :]
    assert action_url(notice) in panel and "mailbox unavailable" in panel
    response = client.post(action_url(notice))
    assert response["Location"] == f"/staff/applications/{case.pk}/#notices"
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.QUEUED


def test_a_reviewer_sees_no_button_and_may_not_resend(login, prefecture, rob):
    notice = failed_notice(prefecture)
    client = login(rob)
    assert action_url(notice) not in client.get("/staff/notices/").content.decode()
    assert client.post(action_url(notice)).status_code == 403
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.FAILED


def test_another_agencys_clerk_cannot_find_the_notice(login, prefecture, kim):
    notice = failed_notice(prefecture)
    assert login(kim).post(action_url(notice)).status_code == 404
    assert (
        Notice.objects.get(pk=notice.pk).state == NoticeState.FAILED
        and not AuditEvent.objects.filter(verb="notices.retry").exists()
    )


def test_a_stale_button_for_a_notice_already_queued_again_says_so_and_changes_nothing(login, prefecture, adam):
    notice = failed_notice(prefecture)
    client = login(adam)
    assert client.post(action_url(notice)).status_code == 302
    response = client.post(action_url(notice))
    assert response.status_code == 400
    assert "只有发送失败的通知可以重新发送" in response.content.decode()
    assert AuditEvent.objects.filter(verb="notices.retry").count() == 1


def test_the_site_administrator_sees_and_resends_notices_of_no_agency(login, sam, adam, prefecture):
    notice = failed_notice(None, event="jobs.failed", key="retry:job")
    assert action_url(notice) not in login(adam).get("/staff/notices/").content.decode()
    client = login(sam)
    assert action_url(notice) in client.get("/staff/notices/").content.decode()
    assert client.post(action_url(notice)).status_code == 302
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.QUEUED
