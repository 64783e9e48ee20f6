"""The portal as people meet it (issue 17): the home page, an error page, the report downloads, the 长辈版 reading
mode, the phone menu, focus after a failed submit, and wide tables that scroll on their own."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from gongkai.annual_reports import services as reports
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.demo.annual_reports import EARLIER_TEXT
from gongkai.enforcement.models import DecisionKind
from gongkai.enforcement.services import decision_create, fee_record_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def item(tree, alice, rob, ann):
    return publish(alice, tree["prefecture"], [rob, second_reviewer(tree["prefecture"]), ann])


@pytest.fixture
def published_reports(tree, alice, rob, ann):
    made = []
    for year in (2023, 2024):
        report = reports.annual_report_create(actor=alice, agency=tree["prefecture"], year=year)
        reports.annual_report_update_text(actor=alice, report=report, **EARLIER_TEXT)
        reports.annual_report_review(actor=rob, report=report)
        reports.annual_report_approve(actor=ann, report=report)
        at = dt.datetime(year + 1, 1, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
        made.append(reports.annual_report_publish(actor=ann, report=report, at=at))
    return made


def test_a_citizen_searches_from_the_home_page_and_opens_a_quick_entry(item, page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "黔东南州人民政府信息公开"
    quick = page.get_by_role("navigation", name="快速入口")
    for label in ("依申请公开", "信息公开指南", "信息公开目录", "政府信息公开年报", "政府公报", "政策解读", "公众参与"):
        expect(quick.get_by_role("link", name=label)).to_be_visible()
    latest = page.locator("section.latest")
    expect(latest.get_by_role("link", name=item.title)).to_be_visible()
    expect(latest).to_contain_text(item.category.name)
    # One phone number: the office's, in the contact card and the footer alike.
    assert "0855-8227803" in page.locator("footer").inner_text()
    assert page.locator('link[rel="icon"]').count() == 1

    page.get_by_label("检索关键词").fill("森林防火")
    page.get_by_role("button", name="检索").first.click()
    expect(page.locator(".result-count")).to_contain_text("找到 1 条")
    page.go_back()
    quick.get_by_role("link", name="信息公开指南").click()
    expect(page.locator("h1")).to_contain_text("政府信息公开指南")


def test_an_unknown_page_is_a_chinese_page_with_the_way_home(tree, page, live_server):
    response = page.goto(live_server.url + "/catalogue/qdn/c/no-such-column/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    assert "Not Found" not in page.content() and "Django" not in page.content()
    page.get_by_role("link", name="返回首页").click()
    expect(page.locator("h1")).to_have_text("黔东南州人民政府信息公开")


def test_each_report_download_opens_and_carries_the_report(published_reports, page, live_server):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = published_reports[-1]
    page.goto(live_server.url + "/agencies/qdn/annual-reports/")
    expect(page.get_by_role("link", name=published_reports[0].title)).to_be_visible()  # every year listed
    page.get_by_role("link", name=report.title).click()
    contents = {}
    for label, fmt in (("PDF", "pdf"), ("Word (DOCX)", "docx"), ("Excel (XLSX)", "xlsx"), ("JSON", "json")):
        with page.expect_download() as info:
            page.get_by_role("link", name=label, exact=True).click()
        download = info.value
        assert download.suggested_filename == f"{report.title}.{fmt}"  # the Chinese title, from filename*
        contents[fmt] = open(download.path(), "rb").read()  # noqa: SIM115 - a temporary file Playwright removes

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(contents["pdf"])).pages)
    assert "年度报告" in "".join(pdf_text.split()) and "— 1 —" in pdf_text
    docx = Document(io.BytesIO(contents["docx"]))
    assert docx.paragraphs[0].text == report.title and len(docx.tables) == 3
    workbook = load_workbook(io.BytesIO(contents["xlsx"]))
    assert workbook.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
    data = json.loads(contents["json"])
    assert data["title"] == report.title and data["year"] == 2024 and data["schema"] == "gongkai.annual-report/1"


def test_the_reading_mode_is_switched_on_every_page_and_remembered(item, page, live_server):
    page.goto(live_server.url + "/")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    toggle = page.get_by_role("button", name="长辈版")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => document.documentElement.classList.contains('reading-large')")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= size * 1.2
    # Remembered on the next page and after a reload, with no server state and no form.
    page.get_by_role("link", name="信息公开目录").first.click()
    assert page.evaluate("() => document.documentElement.classList.contains('reading-large')")
    expect(page.get_by_role("button", name="长辈版")).to_have_attribute("aria-pressed", "true")
    page.reload()
    assert page.evaluate("() => document.documentElement.classList.contains('reading-large')")
    page.get_by_role("button", name="长辈版").click()
    page.reload()
    assert not page.evaluate("() => document.documentElement.classList.contains('reading-large')")


def test_on_a_phone_the_menu_folds_behind_a_button(tree, phone, live_server):
    phone.goto(live_server.url + "/")
    menu = phone.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    nav_link = phone.get_by_role("navigation", name="主导航").get_by_role("link", name="机构导航")
    expect(nav_link).to_be_hidden()
    header_height = phone.locator("header.site-header").bounding_box()["height"]
    assert header_height < 844 / 4  # the header no longer fills half the screen
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav_link).to_be_visible()
    nav_link.click()
    expect(phone.locator("h1")).to_have_text("机构导航")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing runs off the side


def test_on_a_phone_the_article_20_lists_read_as_lists(tree, alice, phone, live_server):
    """At 390 px a licence or a fee is its 文号 or name across the width, then its other facts, each named."""
    today = dt.date.today()
    decision_create(
        actor=alice, agency=tree["prefecture"], kind=DecisionKind.LICENSING, decided_on=today, number="黔东南许〔2026〕5号",
        subject="黔东南州某某水务有限公司", summary="准予取水许可，取水量每年120万立方米。", social_impact=False,
    )  # fmt: skip
    fee_record_create(
        actor=alice, agency=tree["prefecture"], collected_on=today, item="政府信息公开信息处理费", basis="国办函〔2020〕109号", amount=100,
    )  # fmt: skip
    for path, lead, label in (
        ("licensing", "黔东南许〔2026〕5号", "行政相对人"),
        ("fees", "政府信息公开信息处理费", "收费依据及标准"),
    ):
        phone.goto(f"{live_server.url}/enforcement/qdn/{path}/")
        table = phone.locator("table.data").bounding_box()
        first = phone.locator("table.data tbody tr").first.locator("td").first
        expect(first).to_have_text(lead)
        assert first.bounding_box()["width"] > 0.8 * table["width"], path
        named = phone.locator(f'table.data td[data-label="{label}"]').first
        assert label in named.evaluate("el => getComputedStyle(el, '::before').content"), path
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_on_a_phone_in_english_no_public_page_is_wider_than_the_screen(item, phone, live_server):
    """English words do not break where Chinese ones may: the footer's facts still wrap at their separators."""
    phone.goto(f"{live_server.url}/language/en/?next=/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    wide = {}
    for path in ("/", "/catalogue/qdn/", f"/catalogue/items/{item.pk}/", "/agencies/", "/applications/track/"):
        phone.goto(live_server.url + path)
        if (width := phone.evaluate("() => document.documentElement.scrollWidth")) > 390:
            wide[path] = width
    assert wide == {}


def test_on_a_phone_wide_tables_scroll_in_their_own_focusable_region(published_reports, phone, live_server):
    phone.goto(live_server.url + "/agencies/qdn/annual-reports/2024/")
    region = phone.locator(".table-scroll").nth(1)  # table 三, ten columns
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    assert region.get_attribute("aria-label")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait (up to the default timeout) for the region to have moved.
    phone.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())


def test_after_a_failed_submit_focus_moves_to_the_error_summary(tree, page, live_server):
    page.goto(live_server.url + "/applications/qdn/apply/")
    page.locator("form.application-form button[type=submit], form.application-form button").last.click()
    summary = page.locator(".form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    first_link = summary.get_by_role("link").first
    target = first_link.get_attribute("href")
    first_link.click()
    assert page.evaluate("() => '#' + document.activeElement.id") == target


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_the_tracking_forms_line_up_their_boxes_and_button_and_say_what_is_wrong_above_them(
    tree, page, phone, live_server
):
    """The code box and 查询 line up however long a label or a message is; the error summary is above the form,
    not squeezed beside the field; on a phone they stack. In English a label is followed by ": "."""
    page.goto(live_server.url + "/applications/track/?code=abc")
    summary, code = page.locator(".form-errors"), page.locator("#id_code")
    button = page.locator("form.inline-fields").first.locator("button")
    assert abs(_box(code)["y"] - _box(button)["y"]) <= 1
    assert _box(summary)["y"] + _box(summary)["height"] <= _box(page.locator("label[for=id_code]"))["y"]
    page.locator("summary").click()
    page.locator("#track-by-number button").click()
    number, suffix = page.locator("#id_number"), page.locator("#id_suffix")
    expect(number).to_be_visible()
    # The second field has help text under its box and a longer label: the boxes and the button still line up.
    tops = {round(_box(el)["y"]) for el in (number, suffix, page.locator("#track-by-number button"))}
    assert max(tops) - min(tops) <= 1
    expect(page.locator(".form-errors").last).to_contain_text("申请编号：")
    phone.goto(live_server.url + "/applications/track/?code=abc")
    code, button = phone.locator("#id_code"), phone.locator("form.inline-fields").first.locator("button")
    assert _box(button)["y"] >= _box(code)["y"] + _box(code)["height"]  # stacked
    phone.goto(f"{live_server.url}/language/en/?next=/applications/track/%3Fcode%3Dabc")
    expect(phone.locator(".form-errors")).to_contain_text("Tracking code: ")
    expect(phone.locator(".site-footer")).to_contain_text("Sponsor: ")
