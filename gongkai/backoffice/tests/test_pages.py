"""The back office shell: dashboard per role, agency switcher, agency editing, people, calendar, history."""

import datetime as dt
import io
import re

import pytest

from gongkai.accounts.models import Role, RoleAssignment, User
from gongkai.agencies.models import Agency
from gongkai.audit.models import AuditEvent
from gongkai.workdays.models import HolidayNotice, WorkdayOverride


def test_each_role_gets_a_dashboard(tree, alice, sue, adam, sam, login, client):
    expectations = {
        alice: ["我的角色", "最近操作"],
        sue: ["监督范围", "及下级机关共 5 个"],
        adam: ["本机关人员", "管理人员和角色"],
        sam: ["系统概况", "校验审计链"],
    }
    for user, texts in expectations.items():
        client.logout()
        page = login(user).get("/staff/").content.decode()
        for text in texts:
            assert text in page, (user.username, text)


def test_the_switcher_moves_between_the_users_agencies(tree, alice, login):
    RoleAssignment.objects.create(user=alice, agency=tree["finance"], role=Role.CLERK)
    client = login(alice)
    page = client.get("/staff/").content.decode()
    assert "黔东南州财政局" in page and "agency-switch" in page
    response = client.post("/staff/switch-agency/", {"agency": tree["finance"].pk, "next": "/staff/"})
    assert response.status_code == 302
    assert "工作台 · 黔东南州财政局" in client.get("/staff/").content.decode()


def test_switching_to_an_agency_one_cannot_see_is_refused(tree, alice, login):
    client = login(alice)
    client.post("/staff/switch-agency/", {"agency": tree["county"].pk})
    assert "工作台 · 黔东南州人民政府" in client.get("/staff/").content.decode()


def test_switching_never_redirects_off_site(tree, alice, login):
    response = login(alice).post(
        "/staff/switch-agency/", {"agency": tree["prefecture"].pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"


def _form_data(agency, **changes):
    from gongkai.audit.tests.test_audit_chain import _agency_form_data

    return {**_agency_form_data(agency), **changes}


def test_a_bad_credit_code_is_named_and_nothing_typed_is_lost(tree, adam, login):
    client = login(adam)
    agency = tree["prefecture"]
    response = client.post(
        f"/staff/agencies/{agency.pk}/edit/",
        _form_data(agency, credit_code="11522600000000001A", office_address="新地址 88 号"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码" in page and "GB 32100" in page
    assert "新地址 88 号" in page  # what the user typed is still in the form
    agency.refresh_from_db()
    assert agency.office_address == "贵州省凯里市北京东路21号"
    assert not AuditEvent.objects.filter(verb="agency.update").exists()


def test_a_site_administrator_adds_an_agency_under_a_parent(tree, sam, login):
    client = login(sam)
    from gongkai.demo.agencies import demo_credit_code

    data = _form_data(
        tree["county"],
        name="凯里市大十字街道办事处",
        short_name="大十字街道",
        slug="kaili-dsz",
        kind="township",
        parent=tree["county"].pk,
        credit_code=demo_credit_code("522601", 77),
    )
    data.pop("reports_with", None)
    response = client.post("/staff/agencies/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    township = Agency.objects.get(slug="kaili-dsz")
    assert township.parent == tree["county"]
    assert township.path.startswith(tree["county"].path) and township.depth == 2
    assert AuditEvent.objects.filter(verb="agency.create", object_id=str(township.pk)).exists()


def test_moving_an_agency_moves_its_subtree(tree, sam):
    from gongkai.agencies.services import agency_update

    agency_update(actor=sam, agency=tree["county"], parent=tree["finance"])
    department = Agency.objects.get(pk=tree["county_department"].pk)
    assert department.path.startswith(Agency.objects.get(pk=tree["county"].pk).path)
    assert department.depth == 3


def test_an_agency_cannot_become_its_own_descendant(tree, sam, login):
    client = login(sam)
    response = client.post(
        f"/staff/agencies/{tree['county'].pk}/edit/", _form_data(tree["county"], parent=tree["county_department"].pk)
    )
    assert response.status_code == 200
    assert "上级机关不能是本机关或其下级机关" in response.content.decode()


def test_an_agency_administrator_creates_a_user_with_a_role(tree, adam, login):
    client = login(adam)
    response = client.post(
        f"/staff/agencies/{tree['prefecture'].pk}/people/",
        {
            "action": "new",
            "new-username": "newclerk",
            "new-full_name": "孙丽",
            "new-password": "Str0ng-Passw0rd!",
            "new-role": Role.CLERK,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newclerk")
    assert RoleAssignment.objects.filter(user=user, agency=tree["prefecture"], role=Role.CLERK).exists()
    assert AuditEvent.objects.filter(verb="role.grant", object_id=str(user.pk)).exists()


def test_a_weak_password_is_refused_and_no_user_is_half_created(tree, adam, login):
    client = login(adam)
    response = client.post(
        f"/staff/agencies/{tree['prefecture'].pk}/people/",
        {
            "action": "new",
            "new-username": "weak",
            "new-full_name": "弱",
            "new-password": "1234567890",
            "new-role": Role.CLERK,
        },
    )
    assert response.status_code == 200
    assert "初始密码" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_revoking_a_role_removes_access(tree, adam, alice, login):
    client = login(adam)
    assignment = RoleAssignment.objects.get(user=alice)
    client.post(f"/staff/agencies/{tree['prefecture'].pk}/people/", {"action": "revoke", "assignment": assignment.pk})
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(verb="role.revoke").exists()


def test_the_calendar_page_computes_and_explains_a_deadline(alice, login):
    page = (
        login(alice).get("/staff/calendar/", {"start": "2026-02-13", "days": 20, "month": "2026-02"}).content.decode()
    )
    assert "2026年3月19日" in page
    assert "春节" in page
    assert 'class="makeup' in page  # 2026-02-14 shown as a make-up working day


def test_the_calendar_names_its_month_and_weekdays_in_the_interfaces_language(alice, login):
    client = login(alice)
    page = client.get("/staff/calendar/", {"month": "2026-02"}).content.decode()
    assert "<h2>2026年2月" in page and '<th scope="col"><abbr title="星期一">一</abbr></th>' in page
    client.cookies["django_language"] = "en"
    page = client.get("/staff/calendar/", {"month": "2026-02"}).content.decode()
    assert "<h2>February 2026" in page and '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in page
    assert "星期" not in page and "2026年" not in page


def test_the_calendar_warns_about_unverified_years(alice, login):
    page = login(alice).get("/staff/calendar/", {"start": "2026-12-24", "days": 10}).content.decode()
    assert "未核实" in page


def test_a_site_administrator_records_a_notice_and_overrides(sam, login):
    client = login(sam)
    client.post(
        "/staff/calendar/maintain/",
        {"action": "notice", "n-year": 2027, "n-title": "国务院办公厅关于2027年部分节假日安排的通知"},
    )
    notice = HolidayNotice.objects.get(year=2027)
    client.post(
        "/staff/calendar/maintain/",
        {"action": "override", "o-date": "2027-01-01", "o-name": "元旦", "o-notice": notice.pk},
    )
    override = WorkdayOverride.objects.get(date=dt.date(2027, 1, 1))
    assert not override.is_workday
    page = client.get("/staff/calendar/", {"start": "2026-12-31", "days": 1}).content.decode()
    assert "2027年1月4日" in page
    assert AuditEvent.objects.filter(verb="workday_override.set").exists()


def test_only_site_administrators_maintain_the_calendar(alice, login):
    assert login(alice).get("/staff/calendar/maintain/").status_code == 403


def test_an_objects_history_is_a_timeline_visible_only_to_those_who_see_its_agency(tree, sam, kim, login, client):
    from gongkai.agencies.services import agency_update

    agency_update(actor=sam, agency=tree["prefecture"], office_hours="周一至周五 9:00-17:00")
    url = f"/staff/history/agencies.agency/{tree['prefecture'].pk}/"
    page = login(sam).get(url).content.decode()
    assert "修改机关信息" in page and "办公时间" in page and "周一至周五 9:00-17:00" in page
    client.logout()
    assert login(kim).get(url).status_code == 404


def test_the_audit_log_verifies_the_chain_for_site_administrators(tree, sam, login):
    page = login(sam).get("/staff/audit/", {"scope": "all", "verify": 1}).content.decode()
    assert "审计链完整" in page


@pytest.mark.parametrize(
    ("page", "button", "target"),
    [
        ("/staff/applications/", "文书模板", "/staff/applications/templates/"),
        ("/staff/catalogue/", "批量导入", "/staff/catalogue/import/"),
    ],
)
def test_a_button_is_shown_to_whom_its_page_answers(tree, alice, adam, login, client, page, button, target):
    """The queue showed 文书模板 and the catalogue list 批量导入 to every clerk, and the pages refused them (403):
    the buttons follow the pages' own rules (letter templates and bulk import: agency administrator or approver)."""
    assert f'href="{target}"' not in login(alice).get(page).content.decode()
    assert login(alice).get(target).status_code == 403
    client.logout()
    shown = login(adam).get(page).content.decode()
    assert f'href="{target}"' in shown and button in shown
    assert login(adam).get(target).status_code == 200


def _events(tree, alice, adam):
    """Three events of the prefecture on two days, by two people, and one of another agency."""
    import time_machine

    from gongkai.audit.services import audit_record

    prefecture = tree["prefecture"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        audit_record(actor=alice, verb="catalogue.item_publish", object_type="catalogue.item", object_id="7",
                     object_repr="关于冬季供暖的通知", agency=prefecture)  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        audit_record(
            actor=adam, verb="agency.update", obj=prefecture, object_repr="黔东南州人民政府", agency=prefecture
        )
        audit_record(actor=alice, verb="catalogue.item_publish", object_type="catalogue.item", object_id="8",
                     object_repr="关于春季森林防火的通告", agency=prefecture)  # fmt: skip
        audit_record(actor=alice, verb="catalogue.item_publish", object_type="catalogue.item", object_id="9",
                     object_repr="凯里市的通知", agency=tree["county"])  # fmt: skip


def _rows(page: str) -> list[str]:
    return re.findall(r'<td class="lead"><a href="[^"]+">([^<]+)</a>', page)


def test_the_audit_log_narrows_to_an_action_a_person_words_and_days(tree, alice, adam, login):
    _events(tree, alice, adam)
    client = login(adam)
    assert _rows(client.get("/staff/audit/", {"verb": "catalogue.item_publish"}).content.decode()) == [
        "关于春季森林防火的通告", "关于冬季供暖的通知",
    ]  # fmt: skip
    assert _rows(client.get("/staff/audit/", {"actor": "陈静"}).content.decode()) == ["黔东南州人民政府"]
    assert _rows(client.get("/staff/audit/", {"actor": "alice"}).content.decode())[-1] == "关于冬季供暖的通知"
    assert _rows(client.get("/staff/audit/", {"text": "供暖"}).content.decode()) == ["关于冬季供暖的通知"]
    # Days in the site's time zone, both ends included.
    page = client.get("/staff/audit/", {"since": "2026-03-05", "until": "2026-03-05"}).content.decode()
    assert _rows(page) == ["关于春季森林防火的通告", "黔东南州人民政府"] and "符合条件的记录 2 条。" in page
    # The filter stays on the next page's link.
    assert 'value="2026-03-05"' in page


def test_bad_dates_in_the_audit_log_filter_are_named_and_kept_and_nothing_is_hidden(tree, alice, adam, login):
    _events(tree, alice, adam)
    client = login(adam)
    page = client.get("/staff/audit/", {"since": "2026-03-06", "until": "2026-03-01", "text": "供暖"}).content.decode()
    assert "结束日期</a>：结束日期不能早于起始日期。" in page
    assert 'value="供暖"' in page
    assert {"关于春季森林防火的通告", "关于冬季供暖的通知", "黔东南州人民政府"} <= set(_rows(page))  # not filtered
    page = client.get("/staff/audit/", {"since": "0001-01-01"}).content.decode()
    assert "起始日期</a>：日期须在1900年至2100年之间。" in page
    assert client.get("/staff/audit/", {"since": "2026-02-30"}).status_code == 200
    # A download asked with a refused filter is not the whole log: the page comes back with the error.
    response = client.get("/staff/audit/", {"since": "2026-03-06", "until": "2026-03-01", "format": "xlsx"})
    assert response["Content-Type"].startswith("text/html") and "结束日期不能早于起始日期" in response.content.decode()


def test_the_audit_logs_pages_keep_the_filter(tree, alice, adam, login):
    from gongkai.audit.services import audit_record

    for n in range(51):
        audit_record(actor=alice, verb="catalogue.item_publish", object_type="catalogue.item", object_id=str(n),
                     object_repr=f"通知{n}", agency=tree["prefecture"])  # fmt: skip
    page = login(adam).get("/staff/audit/", {"verb": "catalogue.item_publish"}).content.decode()
    assert 'href="?verb=catalogue.item_publish&amp;page=2"' in page


def test_the_audit_log_downloads_what_the_filter_selects(tree, alice, adam, login):
    from openpyxl import load_workbook

    _events(tree, alice, adam)
    client = login(adam)
    page = client.get("/staff/audit/", {"verb": "catalogue.item_publish"}).content.decode()
    assert 'href="?verb=catalogue.item_publish&amp;format=xlsx"' in page
    response = client.get("/staff/audit/", {"verb": "catalogue.item_publish", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "时间", "操作人", "操作", "对象")
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("2026-03-05 17:00:00", "张敏", "关于春季森林防火的通告"),
        ("2026-03-02 17:00:00", "张敏", "关于冬季供暖的通知"),
    ]  # fmt: skip
    csv_text = client.get("/staff/audit/", {"text": "=cmd", "format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines() == ["编号,时间,操作人,操作,对象,对象类型,对象编号,来源地址,说明"]


def test_too_many_events_for_one_download_are_refused_with_a_message(tree, alice, adam, login, monkeypatch):
    from gongkai.backoffice import views

    _events(tree, alice, adam)
    monkeypatch.setattr(views, "AUDIT_EXPORT_MAX", 1)
    response = login(adam).get("/staff/audit/", {"format": "xlsx"}, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "符合条件的记录超过 1 条，请缩小筛选范围后再导出。" in response.content.decode()
