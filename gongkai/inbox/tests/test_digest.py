"""The daily 待办 e-mail: off by default, turned on by the person, one a day whatever runs, with their to-dos."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongkai.applications import services as applications
from gongkai.applications.tests.factories import make_application, resident_id
from gongkai.audit.models import AuditEvent
from gongkai.inbox.services import inbox_digests_send
from gongkai.jobs.registry import JOBS
from gongkai.notices.models import Notice, NoticePreference
from gongkai.notices.services import notices_deliver

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def with_email(user, address: str = ""):
    user.email = address or f"{user.username}@example.cn"
    user.save(update_fields=["email"])
    return user


def turn_on(client, login, user):
    login(user)
    return client.post("/staff/notices/my-settings/", {"daily_digest": "on"})


def test_nobody_gets_the_digest_until_they_turn_it_on(prefecture, alice):
    with_email(alice)
    make_application(alice, prefecture, TODAY)
    assert inbox_digests_send(today=TODAY) == 0
    assert not Notice.objects.exists()


def test_a_clerk_turns_the_digest_on_and_gets_one_email_a_day_with_their_todos(client, login, prefecture, alice):
    with_email(alice)
    case = make_application(alice, prefecture, TODAY)
    page = login(alice).get("/staff/notices/my-settings/").content.decode()
    assert "alice@example.cn" in page and 'name="daily_digest"' in page and "checked" not in page
    response = turn_on(client, login, alice)
    assert response.status_code == 302
    assert NoticePreference.objects.get(user=alice).daily_digest
    assert AuditEvent.objects.filter(verb="notices.preference_set", actor=alice).count() == 1
    assert "checked" in client.get("/staff/notices/my-settings/").content.decode()

    assert inbox_digests_send(today=TODAY) == 1
    # The job runs twice the same day (a retry, a second worker): still one e-mail.
    assert inbox_digests_send(today=TODAY) == 0
    notice = Notice.objects.get(event="inbox.digest")
    assert (notice.recipient, notice.user, notice.key) == (
        "alice@example.cn",
        alice,
        f"inbox.digest:{alice.pk}:{TODAY}",
    )
    assert "新收到的申请（1）" in notice.body and case.number in notice.body and prefecture.name in notice.body
    assert "只计一次" not in notice.body  # nothing is listed twice
    assert notices_deliver() == {"sent": 1, "failed": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.cn"]
    assert mail.outbox[0].subject.endswith("待办：1项")
    # The next day is a new digest.
    assert inbox_digests_send(today=TODAY + dt.timedelta(days=1)) == 1


def test_the_digest_job_is_declared_and_runs_the_same_function(client, login, prefecture, alice):
    with_email(alice)
    make_application(alice, prefecture, TODAY)
    turn_on(client, login, alice)
    job = JOBS["inbox_digest"]
    assert job.cron == "0 7 * * *"
    assert job.func() == "待办邮件 1 封"
    assert job.func() == "待办邮件 0 封"
    assert Notice.objects.filter(event="inbox.digest").count() == 1


def test_a_day_with_nothing_waiting_sends_nothing(client, login, prefecture, alice):
    with_email(alice)
    turn_on(client, login, alice)
    assert inbox_digests_send(today=TODAY) == 0


def test_turning_it_on_without_an_email_address_is_refused_on_the_field(client, login, alice):
    response = turn_on(client, login, alice)
    assert response.status_code == 200
    assert "没有电子邮件地址" in response.content.decode()
    assert not NoticePreference.objects.filter(user=alice, daily_digest=True).exists()
    assert not AuditEvent.objects.filter(verb="notices.preference_set").exists()


def test_turning_it_off_stops_the_digest(client, login, prefecture, alice):
    with_email(alice)
    make_application(alice, prefecture, TODAY)
    turn_on(client, login, alice)
    assert client.post("/staff/notices/my-settings/", {}).status_code == 302
    assert not NoticePreference.objects.get(user=alice).daily_digest
    assert inbox_digests_send(today=TODAY) == 0


def test_a_supervisor_may_set_their_own_digest(client, login, sue):
    with_email(sue)
    assert turn_on(client, login, sue).status_code == 302
    assert NoticePreference.objects.get(user=sue).daily_digest


def test_an_identity_number_in_a_case_title_is_masked_in_the_digest(client, login, prefecture, alice):
    with_email(alice)
    number = resident_id()
    make_application(alice, prefecture, TODAY, title=f"请公开与{number}有关的信息")
    turn_on(client, login, alice)
    assert inbox_digests_send(today=TODAY) == 1
    body = Notice.objects.get(event="inbox.digest").body
    assert number not in body and number[:3] + "*" * 11 + number[-4:] in body


def test_an_agency_administrator_cannot_give_the_digest_an_agency_text(adam, prefecture):
    from django.core.exceptions import ValidationError

    from gongkai.notices.services import notice_template_save

    with pytest.raises(ValidationError) as error:
        notice_template_save(
            actor=adam, agency=prefecture, event="inbox.digest", channel="email", subject="x", body="y"
        )
    assert "event" in error.value.message_dict


def test_the_digest_counts_a_case_in_two_lists_once(client, login, prefecture, alice):
    with_email(alice)
    late = make_application(alice, prefecture, TODAY - dt.timedelta(days=40))
    applications.application_assign(actor=alice, application=late, handler=alice)
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    turn_on(client, login, alice)
    assert inbox_digests_send(today=TODAY) == 1
    notice = Notice.objects.get(event="inbox.digest")
    assert "分配给我的申请（1）" in notice.body and "即将到期或已超期的申请（1）" in notice.body
    assert notice.subject.endswith("待办：1项") and "同一件申请列在几处的，合计时只计一次。" in notice.body


def _failed_site_notice():
    """An alert of no agency that could not be delivered (as a failed job's alert to the site would be)."""
    from gongkai.notices.models import NoticeState
    from gongkai.notices.services import notice_queue

    notice = notice_queue(event="jobs.failed", channel="email", recipient="ops@example.cn",
                          values={"job": "夜间重新检查", "error": "x", "attempts": 3}, key="site:fail")  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.FAILED, attempts=10)


def test_a_site_administrator_without_an_agency_role_gets_the_sites_failed_notices(client, login, sam):
    """Before, a site administrator with no role in any agency had nothing in the digest, whatever failed."""
    with_email(sam)
    turn_on(client, login, sam)
    _failed_site_notice()
    assert inbox_digests_send(today=TODAY) == 1
    digest = Notice.objects.get(event="inbox.digest")
    assert "【全站】" in digest.body and "发送失败的系统通知（1）" in digest.body


def test_the_sites_list_is_in_the_digest_once_however_many_agencies_the_administrator_works_in(
    client, login, sam, prefecture, county
):
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import role_grant

    for agency in (prefecture, county):
        role_grant(actor=None, user=sam, agency=agency, role=Role.CLERK)
    with_email(sam)
    turn_on(client, login, sam)
    _failed_site_notice()
    make_application(sam, prefecture, TODAY)
    inbox_digests_send(today=TODAY)
    body = Notice.objects.get(event="inbox.digest").body
    assert body.count("发送失败的系统通知") == 1 and "【黔东南州人民政府】" in body
