"""Issue #15: the case page's head and facts, and the queue's rows, are kept between changes (staff_views).

They are the same for every clerk who may open the case, so a second visit renders neither; every change that can
alter them shows on the next visit: an audited action in another session, a row of the case saved without an
audit event, a correction of the calendar, the next day, the other language. A new online application of the
agency changes no other case and leaves them kept.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from gongkai.applications.models import Application
from gongkai.applications.services import application_alerts_scan, application_submit_online
from gongkai.applications.tests.factories import REQUEST, make_application, person
from gongkai.applications.tests.test_staff import act, days_ago
from gongkai.workdays.models import WorkdayOverride

HEAD, FACTS = "applications/staff/_case_head.html", "applications/staff/_case_facts.html"


@pytest.fixture
def case(alice, prefecture):
    return make_application(alice, prefecture, days_ago(3), title="2023年度征地补偿标准")


def _rendered(response) -> set[str]:
    return {t.name for t in response.templates} & {HEAD, FACTS}


def _unmasked(response) -> str:
    """The page without its CSRF tokens (masked afresh for every response)."""
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "", response.content.decode())


def _session(user) -> Client:
    client = Client()
    assert client.post("/staff/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_second_visit_renders_neither_part_and_shows_the_same_page(login, alice, adam, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    first = client.get(url)
    assert _rendered(first) == {HEAD, FACTS}
    second = client.get(url)
    assert _rendered(second) == set()
    assert _unmasked(second) == _unmasked(first)
    # Another clerk of the agency, with other roles, is shown the same parts, kept.
    other = _session(adam).get(url)
    assert _rendered(other) == set()
    html = other.content.decode()
    assert 'id="case-history"' in html and "2023年度征地补偿标准" in html and 'id="case-due"' in html
    assert "{#" not in html and "#}" not in html


def test_an_action_in_another_session_shows_on_the_next_visit(login, alice, adam, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    assert "承办人：—" in client.get(url).content.decode()
    # The agency's administrator assigns the case in a session of their own.
    assert act(_session(adam), case, "assign", handler=adam.pk).status_code == 302
    page = client.get(url)
    assert _rendered(page) == {HEAD, FACTS}
    html = page.content.decode()
    assert "承办人：陈静" in html
    history = html[html.index('id="case-history"') :]
    assert history.count("<li>") == 2  # the registration and the assignment


def test_a_row_of_the_case_saved_without_an_audit_event_shows_on_the_next_visit(login, alice, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    client.get(url)
    # Saved as a data repair would save it: no service, no audit event; the case's own version changes.
    row = Application.objects.get(pk=case.pk)
    row.title = "2024年度征地补偿标准"
    row.save(update_fields=["title"])
    html = client.get(url).content.decode()
    assert "2024年度征地补偿标准" in html and "2023年度征地补偿标准" not in html


def test_a_new_online_application_leaves_the_parts_kept(login, alice, prefecture, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    client.get(url)
    application_submit_online(
        agency=prefecture, applicant=person(), request={**REQUEST, "title": "防汛抗旱应急预案"}, submission_key="kept-1"
    )
    assert _rendered(client.get(url)) == set()


def test_a_correction_of_the_calendar_shows_in_the_due_date_at_once(login, alice, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    case.refresh_from_db()
    due = case.due_on
    assert due.strftime("%Y年%-m月%-d日") in client.get(url).content.decode()
    # The due day itself declared a day off (a correction of the holiday calendar): the due date moves later.
    WorkdayOverride.objects.create(date=due, is_workday=False, name="调休")
    html = client.get(url).content.decode()
    assert f'<strong id="due-date">{due.strftime("%Y年%-m月%-d日")}</strong>' not in html


def test_the_next_day_and_the_other_language_render_the_parts_again(login, alice, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    client.get(url)
    # Tomorrow in the site's time zone (Asia/Shanghai), whatever the hour and zone the suite runs in.
    tomorrow = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(tomorrow, tick=False):
        client.force_login(alice)  # the session of the day before has lapsed overnight
        later = client.get(url)
        assert later.status_code == 200, later
        assert _rendered(later) == {HEAD, FACTS}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert _rendered(english) == {HEAD, FACTS}
    html = english.content.decode()
    assert ">History</h2>" in html and "办理经过" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert _rendered(client.get(url)) == set()  # the Chinese parts are still kept


# --- The queue's rows (staff_views._kept_queue_rows) -----------------------------------------------------------
ROWS = "applications/staff/_queue_rows.html"
QUEUE = "/staff/applications/"


def _rows_rendered(response) -> bool:
    return ROWS in {t.name for t in response.templates}


def _row(html: str, number: str) -> str:
    start = html.index(f">{number}</a>")
    return html[start : html.index("</tr>", start)]


def test_the_queue_keeps_its_rows_and_counts_the_total_on_every_visit(login, alice, prefecture):
    for _ in range(51):
        make_application(alice, prefecture, days_ago(2))
    client = login(alice)
    first = client.get(QUEUE)
    assert _rows_rendered(first)
    second = client.get(QUEUE)
    assert not _rows_rendered(second) and _unmasked(second) == _unmasked(first)
    assert "{#" not in first.content.decode()
    # A citizen's new application falls due last: it joins the second page, the first page's rows stay kept,
    # and the total counts it at once.
    new, _created = application_submit_online(
        agency=prefecture, applicant=person(), request={**REQUEST, "title": "防汛抗旱应急预案"}, submission_key="q-1"
    )
    third = client.get(QUEUE)
    assert not _rows_rendered(third)
    assert "共 52 件申请" in third.content.decode() and new.number not in third.content.decode()
    later = client.get(QUEUE + "?page=2")
    assert _rows_rendered(later) and new.number in later.content.decode()


def test_a_new_case_that_enters_the_page_is_shown_at_once(login, alice, prefecture):
    make_application(alice, prefecture, days_ago(2))
    client = login(alice)
    client.get(QUEUE)
    new, _created = application_submit_online(
        agency=prefecture, applicant=person(), request={**REQUEST, "title": "防汛抗旱应急预案"}, submission_key="q-2"
    )
    page = client.get(QUEUE)
    assert _rows_rendered(page) and new.number in page.content.decode()
    assert not _rows_rendered(client.get(QUEUE))  # and kept again


def test_a_change_of_a_case_shows_in_its_row_at_once(login, alice, adam, case):
    client = login(alice)
    assert "陈静" not in _row(client.get(QUEUE).content.decode(), case.number)
    assert act(_session(adam), case, "assign", handler=adam.pk).status_code == 302
    assert "陈静" in _row(client.get(QUEUE).content.decode(), case.number)
    # The nightly due-date scan changes no row through a service, yet its state shows.
    case.refresh_from_db()
    application_alerts_scan(today=case.due_on)
    assert "即将到期" in _row(client.get(QUEUE).content.decode(), case.number)


def test_staff_of_another_agency_never_see_the_kept_rows(login, alice, kim, case):
    assert case.number in login(alice).get(QUEUE).content.decode()
    other = _session(kim).get(QUEUE)
    assert other.context["request"].user == kim
    assert case.number not in other.content.decode()


def test_in_english_a_date_and_a_label_read_as_english(login, alice, case):
    """The case's dates follow the interface's language (2026年11月3日, Nov. 3, 2026). The clock's explanation
    stays in Chinese: it is the legal calculation, worded as the Regulations are."""
    from django.utils import dateformat

    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    chinese = client.get(url).content.decode()
    assert f"{case.received_on.year}年{case.received_on.month}月{case.received_on.day}日" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert f"<dt>Receipt date</dt><dd>{dateformat.format(case.received_on, 'N j, Y')}</dd>" in english
