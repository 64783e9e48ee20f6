"""The tracking page kept between changes of its case (applications/tracking.py, issue #15).

Each test checks what a citizen sees: the kept page is the page the case has now, with the visitor's own CSRF
token, and any change of what it shows is on the next request.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, ReplyFile
from gongkai.applications.services import reply_record_download
from gongkai.applications.tests.factories import make_application, reply
from gongkai.applications.tests.test_online import at

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def case(alice, prefecture):
    return make_application(alice, prefecture, timezone.localdate(), title="2023年凯里经济开发区征地补偿标准")


def visit(case, client=None):
    """A citizen with the tracking code and no session: a new browser unless one is given."""
    return (client or Client()).get("/applications/track/", {"code": case.tracking_code})


def kept(response) -> bool:
    """Answered from the kept page: no template was rendered for it."""
    return response.status_code == 200 and not response.templates


def test_the_second_visitor_gets_the_kept_page_with_a_csrf_token_of_their_own(case):
    first, second = visit(case), visit(case)
    assert not kept(first) and kept(second)
    assert case.number in second.content.decode() and "2023年凯里经济开发区征地补偿标准" in second.content.decode()
    tokens = [TOKEN.search(r.content.decode())[1] for r in (first, second)]
    assert tokens[0] != tokens[1]
    # Each visitor got the CSRF cookie their token belongs to, as a page rendered for them would set.
    assert all("csrftoken" in r.cookies for r in (first, second))
    # The page is the same but for the token.
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())
    assert second["Cache-Control"] == "private, no-cache" == first["Cache-Control"]


def test_the_code_as_typed_does_not_change_the_page(case):
    typed = Client().get("/applications/track/", {"code": " " + case.tracking_code.lower() + " "})
    again = visit(case)
    assert kept(again) and case.tracking_code in again.content.decode()
    assert TOKEN.sub("", typed.content.decode()) == TOKEN.sub("", again.content.decode())


def test_a_token_from_the_kept_page_is_accepted_for_the_correction_answer(case, alice):
    services.application_request_correction(
        actor=alice, application=case, on=timezone.localdate(), text="请说明文件的年份。"
    )
    visit(case)  # someone else's visit stores the page
    browser = Client(enforce_csrf_checks=True)
    page = visit(case, browser)
    assert kept(page) and 'id="correction-form"' in page.content.decode()
    response = browser.post(
        f"/applications/track/{case.tracking_code}/correction/",
        {"csrfmiddlewaretoken": TOKEN.search(page.content.decode())[1], "text": "文件为2023年印发。"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress"
    # ... and the answer is on the next visit, for anyone.
    after = visit(case).content.decode()
    assert 'id="correction-form"' not in after and "在网上提交补正" in after


def _correction(case, alice):
    services.application_request_correction(actor=alice, application=case, on=timezone.localdate(), text="请补正。")


def _fee(case, alice):
    services.application_notify_fee(
        actor=alice, application=case, on=timezone.localdate(), method="per_page", quantity=1200
    )


def _reply(case, alice):
    reply(alice, case, "disclosed", timezone.localdate())


def _office_phone(case, alice):
    from gongkai.agencies.services import agency_update

    agency_update(actor=alice, agency=case.agency, office_phone="0855-1234567")


def _make_up_day(case, alice):
    from gongkai.workdays.models import WorkdayOverride

    WorkdayOverride.objects.create(date=case.due_on - dt.timedelta(days=1), is_workday=False, name="临时调休")


@pytest.mark.parametrize(
    ("change", "shows"),
    [
        (_correction, "需要您补正申请"),
        (_fee, "需要您缴纳信息处理费"),
        (_reply, "予以公开"),
        (_office_phone, None),  # the portal's footer shows the office
        # A stored deadline does not move, but whether a period may still move is decided on the calendar.
        (_make_up_day, None),
    ],
)
def test_every_change_of_what_the_page_shows_is_on_the_next_visit(case, alice, change, shows):
    before = visit(case)
    assert kept(visit(case))
    change(case, alice)
    after = visit(case)
    assert not kept(after)
    if change is _office_phone:
        assert "0855-1234567" not in before.content.decode() and "0855-1234567" in after.content.decode()
    if shows:
        assert shows not in before.content.decode() and shows in after.content.decode()
    assert kept(visit(case))


def test_the_online_delivery_date_written_without_save_is_on_the_next_visit(alice, prefecture):
    from django.core.files.base import ContentFile

    case = make_application(alice, prefecture, timezone.localdate(), delivery_method="online")
    reply(alice, case, "disclosed", timezone.localdate())
    letter = case.letters.get(kind="reply")
    visit(case)
    assert "已于" not in visit(case).content.decode()
    row = ReplyFile(application=case, letter=letter, name="名单.pdf", kind="document", size=4)
    row.file.save("a.pdf", ContentFile(b"%PDF"), save=True)
    visit(case)
    assert reply_record_download(application=case, letter=letter, reply_file=row)
    page = visit(case)
    assert not kept(page) and "送达（网上获取）" in page.content.decode()


def test_the_next_day_the_page_is_rendered_again(alice, prefecture):
    with at(2025, 9, 22):
        case = make_application(alice, prefecture, dt.date(2025, 9, 22))
        visit(case)
        assert kept(visit(case))
    with at(2025, 9, 23):
        assert not kept(visit(case))


def test_failed_look_ups_are_never_kept_and_still_count(case, settings):
    settings.TRACK_FAILURES_PER_ADDRESS = 2
    visit(case)
    browser = Client()
    for _ in range(2):
        page = browser.get("/applications/track/", {"code": "0000000000000000"})
        assert "没有找到该查询码对应的申请" in page.content.decode()
    assert browser.get("/applications/track/", {"code": "0000000000000000"}).status_code == 429
    # The limit holds for a kept page too: an address over it is refused, valid code or not.
    assert visit(case, browser).status_code == 429


def test_a_visitor_with_a_session_gets_the_page_rendered_for_them(case, alice):
    visit(case)
    staff = Client()
    staff.force_login(alice)
    assert not kept(visit(case, staff))


def test_a_case_gone_since_its_code_was_seen_is_a_failed_look_up(case):
    visit(case)
    Application.objects.filter(pk=case.pk).delete()
    page = visit(case)
    assert page.status_code == 200 and "没有找到该查询码对应的申请" in page.content.decode()


# ------------------------------------------------------------------------------------------ the blank form
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def test_the_blank_form_is_kept_and_each_visitor_gets_a_working_token_and_a_fresh_key(prefecture):
    from gongkai.applications.tests.test_public import apply_url, form_data

    Client().get(apply_url(prefecture))
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(apply_url(prefecture))
    other = Client().get(apply_url(prefecture))
    assert kept(page) and kept(other)
    text, other_text = page.content.decode(), other.content.decode()
    assert KEY.search(text)[1] != KEY.search(other_text)[1] and TOKEN.search(text)[1] != TOKEN.search(other_text)[1]
    assert KEY.sub("", TOKEN.sub("", text)) == KEY.sub("", TOKEN.sub("", other_text))
    data = form_data(csrfmiddlewaretoken=TOKEN.search(text)[1])
    data["submission_key"] = KEY.search(text)[1]
    assert browser.post(apply_url(prefecture), data).status_code == 302
    assert Application.objects.get().submission_key == KEY.search(text)[1]


def test_a_new_name_of_the_agency_is_on_the_next_blank_form(prefecture, alice):
    from gongkai.agencies.services import agency_update
    from gongkai.applications.tests.test_public import apply_url

    Client().get(apply_url(prefecture))
    assert kept(Client().get(apply_url(prefecture)))
    agency_update(actor=alice, agency=prefecture, name="黔东南苗族侗族自治州人民政府（新）")
    page = Client().get(apply_url(prefecture))
    assert not kept(page) and "黔东南苗族侗族自治州人民政府（新）" in page.content.decode()


def test_a_visitor_with_a_session_gets_the_form_rendered_for_them(prefecture, alice):
    from gongkai.applications.tests.test_public import apply_url

    Client().get(apply_url(prefecture))
    staff = Client()
    staff.force_login(alice)
    assert not kept(staff.get(apply_url(prefecture)))
