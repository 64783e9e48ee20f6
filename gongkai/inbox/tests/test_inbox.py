"""待办: each kind of work shows in the inbox of the person who must do it, and leaves when it is done."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.annual_reports.models import AnnualReport, ReportStatus
from gongkai.applications import services as applications
from gongkai.applications.tests.factories import make_application
from gongkai.catalogue.models import Item
from gongkai.catalogue.selectors import catalogue_search
from gongkai.catalogue.services import finding_override, item_restore, item_submit
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer
from gongkai.participation.models import Comment, CommentStatus
from gongkai.participation.services import comment_moderate
from gongkai.participation.tests.factories import make_consultation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def login(login, client):
    def _switch(user):
        client.logout()
        return login(user)

    return _switch


def section(page: str, kind: str) -> str:
    start = page.index(f'id="todo-{kind}"')
    return page[start : page.index("</section>", start)]


def count_in_header(page: str) -> str:
    header = page[page.index('class="inbox-link"') :]
    return header[: header.index("</a>")]


def test_a_new_application_waits_for_a_clerk_until_it_is_assigned_then_it_is_the_handlers(login, prefecture, alice):
    case = make_application(alice, prefecture, TODAY)
    page = login(alice).get("/staff/inbox/").content.decode()
    assert case.number in section(page, "new_applications") and case.number not in section(page, "assigned")
    assert ">1<" in count_in_header(page)
    applications.application_assign(actor=alice, application=case, handler=alice)
    page = login(alice).get("/staff/inbox/").content.decode()
    assert case.number not in section(page, "new_applications") and case.number in section(page, "assigned")
    applications.application_reply(actor=alice, application=case, outcome="disclosed", detail="", on=TODAY)
    page = login(alice).get("/staff/inbox/").content.decode()
    assert case.number not in page and "badge danger" not in count_in_header(page)


def test_an_extension_waits_for_the_approver_until_approved(login, prefecture, alice, ann):
    case = make_application(alice, prefecture, TODAY - dt.timedelta(days=3))
    applications.application_request_extension(actor=alice, application=case, on=TODAY, days=10, reason="涉及多个部门")
    assert case.number in section(login(ann).get("/staff/inbox/").content.decode(), "extensions")
    assert 'id="todo-extensions"' not in login(alice).get("/staff/inbox/").content.decode()
    applications.application_approve_extension(actor=ann, extension=case.extensions.get(), on=TODAY)
    assert case.number not in section(login(ann).get("/staff/inbox/").content.decode(), "extensions")


def test_a_case_due_soon_shows_for_its_handler_and_the_approver(login, prefecture, alice, ann):
    late = make_application(alice, prefecture, TODAY - dt.timedelta(days=40))
    applications.application_assign(actor=alice, application=late, handler=alice)
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert late.number in section(login(alice).get("/staff/inbox/").content.decode(), "due")
    assert late.number in section(login(ann).get("/staff/inbox/").content.decode(), "due")


def test_a_case_in_several_lists_counts_once_in_the_total(login, prefecture, alice, ann):
    """Assigned to me and overdue is one thing to do, not two: the header and the page count each case once."""
    late = make_application(alice, prefecture, TODAY - dt.timedelta(days=40))
    applications.application_assign(actor=alice, application=late, handler=alice)
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    fresh = make_application(alice, prefecture, TODAY)
    page = login(alice).get("/staff/inbox/").content.decode()
    assert late.number in section(page, "assigned") and late.number in section(page, "due")
    assert fresh.number in section(page, "new_applications")
    assert ">2<" in count_in_header(page) and '待办 <span class="badge">2</span>' in page
    assert "共 2 项：同一件申请列在几处的，只计一次。" in page
    from gongkai.inbox.counts import cached_inbox_count
    from gongkai.inbox.selectors import inbox_count

    roles = {"clerk"}
    assert inbox_count(alice, prefecture, roles) == cached_inbox_count(alice, prefecture, roles) == 2
    # The approver: the case (due) and last year's report, nothing listed twice, so no note.
    page = login(ann).get("/staff/inbox/").content.decode()
    assert late.number in section(page, "due") and "年度报告" in section(page, "reports")
    assert ">2<" in count_in_header(page) and "只计一次" not in page


def test_an_item_waits_for_the_reviewer_of_its_current_step_only(login, prefecture, alice, rob, ann):
    item = item_submit(actor=alice, item=draft(alice, prefecture))
    assert item.title in section(login(rob).get("/staff/inbox/").content.decode(), "reviews")
    assert item.title not in section(login(ann).get("/staff/inbox/").content.decode(), "reviews")
    from gongkai.catalogue.services import item_approve

    item_approve(actor=rob, item=item, proofread=True)
    assert item.title not in section(login(rob).get("/staff/inbox/").content.decode(), "reviews")


def test_comments_wait_for_moderation(login, client, tree, alice, rob):
    consultation = make_consultation(
        tree["prefecture"], alice, rob, opens=TODAY - dt.timedelta(days=3), closes=TODAY + dt.timedelta(days=10)
    )
    Comment.objects.create(consultation=consultation, content="建议", submitted_at=timezone.now(), client_key="k")
    assert "1条意见待审核" in section(login(alice).get("/staff/inbox/").content.decode(), "comments")
    comment_moderate(actor=alice, comment=Comment.objects.get(), status=CommentStatus.APPROVED)
    assert "没有待办事项" in section(login(alice).get("/staff/inbox/").content.decode(), "comments")


def test_an_item_the_rescan_withdrew_waits_for_the_approver_until_restored(login, client, prefecture, alice, rob, ann):
    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    Item.objects.filter(pk=item.pk).update(body_text="经办人电话13812345678")
    call_command("catalogue_rescan", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = login(ann).get("/staff/inbox/").content.decode()
    assert item.title in section(page, "withdrawn") and "常态化监测" in section(page, "withdrawn")
    assert catalogue_search(query="森林防火").total == 0
    # The approver checks: a false alarm (the number is the office's public hotline) is overridden, then restored.
    item.refresh_from_db()
    refused = client.post(f"/staff/catalogue/{item.pk}/restore/", {"reason": "误报"}, follow=True).content.decode()
    assert "仍有未处理的个人信息问题" in refused
    for finding in item.findings.filter(overridden_at__isnull=True):
        finding_override(actor=ann, finding=finding, reason="公开的办公电话")
    response = client.post(f"/staff/catalogue/{item.pk}/restore/", {"reason": "核实为公开电话"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "published" and not item.withdrawn_by_rescan
    assert catalogue_search(query="森林防火").total == 1
    assert item.title not in section(login(ann).get("/staff/inbox/").content.decode(), "withdrawn")


def test_last_years_report_waits_until_published(login, prefecture, adam):
    page = login(adam).get("/staff/inbox/").content.decode()
    assert f"{TODAY.year - 1}年政府信息公开工作年度报告" in section(page, "reports")
    AnnualReport.objects.create(agency=prefecture, year=TODAY.year - 1, title="年报", status=ReportStatus.PUBLISHED)
    assert "没有待办事项" in section(login(adam).get("/staff/inbox/").content.decode(), "reports")


def test_restore_is_refused_for_an_item_a_person_withdrew(prefecture, alice, rob, ann):
    from django.core.exceptions import ValidationError

    from gongkai.catalogue.services import item_withdraw

    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    item_withdraw(actor=ann, item=item, reason="内容过时")
    with pytest.raises(ValidationError):
        item_restore(actor=ann, item=Item.objects.get(pk=item.pk), reason="再发")


def record_queries():
    """The queries of the records themselves (not of the page cache, which is a database table in tests)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class Records(CaptureQueriesContext):
        @property
        def records(self) -> list[str]:
            return [
                q["sql"] for q in self.captured_queries
                if "gongkai_page_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            ]  # fmt: skip

    return Records(connection)


def test_a_new_online_application_brings_the_kept_header_count_up_to_date_by_counting_new_cases_alone(
    prefecture, alice
):
    """Issue #15: a citizen's application replaces the agency's intake token only, so the header's kept counts
    are updated by one count of the new cases instead of all ten kinds again; any other change counts all."""
    from django.core.cache import caches

    from gongkai.applications.tests.factories import REQUEST, person
    from gongkai.core.pagecache import ALL, intake_token_key, work_token_key
    from gongkai.inbox.counts import cached_inbox_count
    from gongkai.inbox.selectors import inbox_count

    make_application(alice, prefecture, TODAY)
    roles = {"clerk"}
    assert cached_inbox_count(alice, prefecture, roles) == 1
    pages = caches["pages"]
    work = pages.get_many([work_token_key(prefecture.pk), work_token_key(ALL)])
    intake = pages.get(intake_token_key(prefecture.pk))
    for serial in range(2):
        applications.application_submit_online(
            agency=prefecture, applicant=person(), request=REQUEST, submission_key=f"intake-{serial}"
        )
    assert pages.get_many([work_token_key(prefecture.pk), work_token_key(ALL)]) == work
    assert pages.get(intake_token_key(prefecture.pk)) != intake
    with record_queries() as queries:
        assert cached_inbox_count(alice, prefecture, roles) == 3
    assert len(queries.records) == 1 and "applications_application" in queries.records[0]
    with record_queries() as queries:
        assert cached_inbox_count(alice, prefecture, roles) == 3
    assert queries.records == []
    assert inbox_count(alice, prefecture, roles) == 3
    # Any other change of the agency's work (here: assigning a case) counts every kind again.
    case = make_application(alice, prefecture, TODAY)
    assert cached_inbox_count(alice, prefecture, roles) == 4
    applications.application_assign(actor=alice, application=case, handler=alice)
    assert cached_inbox_count(alice, prefecture, roles) == inbox_count(alice, prefecture, roles) == 4  # 3 new, 1 mine


def _inbox(client) -> str:
    """The 待办 page itself (so a list's absence from it says something): status 200 and its heading."""
    response = client.get("/staff/inbox/")
    page = response.content.decode()
    assert response.status_code == 200 and "<h1>待办" in page
    return page


def _notice_that_fails(agency, obj=None, key="fail:1"):
    """A notice delivered through the real pipeline with a server that refuses it, on its last attempt."""
    from django.conf import settings as django_settings

    from gongkai.notices.models import Notice
    from gongkai.notices.services import notice_queue, notices_deliver

    notice = notice_queue(event="application.receipt", channel="email", recipient="zhang@example.cn", agency=agency,
                          obj=obj, values={"number": getattr(obj, "number", "")}, key=key)  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(attempts=django_settings.NOTICES_MAX_ATTEMPTS - 1)
    assert notices_deliver(now=timezone.now() + dt.timedelta(days=1))["failed"] == 1
    notice.refresh_from_db()
    return notice


def test_a_notice_that_could_not_be_delivered_waits_for_the_agencys_clerk_until_sent_again(
    login, prefecture, alice, rob, settings
):
    from gongkai.notices.models import NoticeState
    from gongkai.notices.services import notice_retry

    settings.EMAIL_BACKEND = "gongkai.notices.tests.test_delivery.RefusingBackend"
    case = make_application(alice, prefecture, TODAY)
    applications.application_assign(actor=alice, application=case, handler=alice)
    client = login(alice)
    before = count_in_header(client.get("/staff/").content.decode())  # the header's count, kept from now on
    assert 'id="todo-failed_notices"' not in _inbox(client)  # none: not listed
    notice = _notice_that_fails(prefecture, case)
    assert notice.state == NoticeState.FAILED
    listed = section(_inbox(client), "failed_notices")
    assert case.number in listed and "z***@example.cn" in listed
    assert f'href="/staff/applications/{case.pk}/#notices"' in listed
    assert count_in_header(client.get("/staff/").content.decode()) != before  # the kept count noticed the failure
    assert 'id="todo-failed_notices"' not in _inbox(login(rob))  # a reviewer's: no
    notice_retry(actor=alice, notice=notice)
    assert 'id="todo-failed_notices"' not in _inbox(login(alice))


def test_the_site_administrator_sees_failed_notices_of_no_agency(login, prefecture, sam, alice, settings):
    settings.EMAIL_BACKEND = "gongkai.notices.tests.test_delivery.RefusingBackend"
    _notice_that_fails(None, key="fail:site")
    assert 'href="/staff/notices/?state=failed"' in section(_inbox(login(sam)), "site_failed_notices")
    assert 'id="todo-site_failed_notices"' not in _inbox(login(alice))
