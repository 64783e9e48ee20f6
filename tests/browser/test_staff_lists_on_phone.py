"""The back office's lists on a phone: each row a card whose own name reads across it, and no page wider than the screen.

The demo supplies rows for every list; the site administrator sees every menu entry. The application queue has
its own cards (tests/browser/test_application_journey.py).
"""

import pytest
from playwright.sync_api import expect

from gongkai.demo.loader import DEMO_PASSWORD, DemoLoader
from gongkai.gazette.models import GazetteIssue
from gongkai.participation.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each list and a cell that names itself on a phone (its value alone would not say what it is).
LISTS = {
    "/staff/catalogue/": "索引号",
    "/staff/appeals/": "申请复议日期",
    "/staff/annual-reports/": "发布期限",
    "/staff/participation/": "发布日期",
    "/staff/participation/interpretations/": "发布日期",
    "/staff/gazette/": "出版日期",
    "/staff/enforcement/": "决定日期",
    "/staff/enforcement/fees/": "收取日期",
    "/staff/supervision/accounts/": "最近更新日期",
    "/staff/supervision/training/": "举办日期",
    "/staff/supervision/inspections/": "检查日期",
    "/staff/supervision/problems/": "整改期限",
    "/staff/annual-reports/subordinates/": "期限",
    "/staff/agencies/": "统一社会信用代码",
    "/staff/users/": "用户名",
    "/staff/audit/": "来源地址",
    "/staff/jobs/": "下次运行",
}


def _sign_in(screen, base: str) -> None:
    screen.goto(base + "/staff/login/")
    screen.fill("#id_username", "siteadmin")
    screen.fill("#id_password", DEMO_PASSWORD)
    screen.get_by_role("button", name="登录").click()
    screen.wait_for_url(base + "/staff/")


def _page_width(screen) -> int:
    return screen.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_each_staff_list_row_is_a_card_led_by_its_name(phone, live_server):
    DemoLoader().load()
    issue = GazetteIssue.objects.filter(agency__slug="qdn").first()
    consultation = Consultation.objects.filter(comments__isnull=False).first()
    lists = {
        **LISTS,
        # Within a record: an issue's documents, a consultation's comments.
        f"/staff/gazette/{issue.pk}/": "文号",
        f"/staff/participation/consultations/{consultation.pk}/": "提交时间",
    }
    base = live_server.url
    _sign_in(phone, base)
    width = phone.viewport_size["width"]
    squeezed = {}
    for path, label in lists.items():
        phone.goto(base + path)
        assert _page_width(phone) <= width, path
        rows = phone.locator("table.list-table tbody tr")
        assert rows.count() > 0, path
        for n in range(min(rows.count(), 3)):
            row = rows.nth(n)
            lead = row.locator("td.lead, td[colspan]")
            expect(lead).to_have_count(1)
            row_box, lead_box = row.bounding_box(), lead.bounding_box()
            # The name starts the card and takes its width, not a column of a few characters a line.
            if lead_box["y"] > row_box["y"] + 12 or lead_box["width"] < 0.8 * (row_box["width"] - 24):
                squeezed[path] = (row_box, lead_box)
            assert lead_box["x"] >= 0 and lead_box["x"] + lead_box["width"] <= width, path
        labelled = phone.locator(f'table.list-table td[data-label="{label}"]').first
        before = labelled.evaluate("el => getComputedStyle(el, '::before').content")
        assert label in before, (path, before)
    assert squeezed == {}
    # A matrix (an agency a row, a year a column) scrolls sideways, its agencies' names several characters a line.
    phone.goto(base + "/staff/annual-reports/audit/")
    assert _page_width(phone) <= width
    name = phone.locator("table.data tbody th.row-name").first
    expect(name).to_contain_text("黔东南州")
    assert name.bounding_box()["width"] >= 100


def test_on_a_desktop_the_staff_lists_stay_tables(page, live_server):
    DemoLoader().load()
    base = live_server.url
    _sign_in(page, base)
    for path in ("/staff/catalogue/", "/staff/appeals/", "/staff/jobs/"):
        page.goto(base + path)
        head = page.locator("table.list-table thead").first
        assert head.evaluate("el => getComputedStyle(el).display") == "table-header-group", path
        assert page.locator("table.list-table td[data-label]").first.evaluate(
            "el => getComputedStyle(el, '::before').content"
        ) in ("none", "normal"), path


def test_on_a_phone_no_page_of_the_staff_menu_is_wider_than_the_screen(phone, live_server):
    DemoLoader().load()
    base = live_server.url
    _sign_in(phone, base)
    links = phone.locator("#staff-nav-links a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(links) > 15
    wide = {}
    # In Chinese, then in English, whose words (a filter's options, a button) are longer.
    for language in ("zh", "en"):
        if language == "en":
            phone.goto(base + "/staff/")
            phone.get_by_role("button", name="English").click()
            expect(phone.locator("html")).to_have_attribute("lang", "en")
        for href in dict.fromkeys(links):
            phone.goto(base + href)
            if _page_width(phone) > phone.viewport_size["width"]:
                wide[language, href] = _page_width(phone)
    assert wide == {}
    # An English label is followed by an English colon.
    phone.goto(base + "/staff/catalogue/")
    label = phone.locator("table.list-table td[data-label]").first
    assert label.evaluate("el => getComputedStyle(el, '::before').content").endswith(': "')


def test_a_filter_of_a_few_fields_reads_as_one_line_on_a_desktop(page, live_server):
    """访问统计's filter: the agency, the 含下级机关 box and the year side by side, 查看 on the line of their boxes; an
    error summary takes its own line above them."""
    DemoLoader().load()
    base = live_server.url
    _sign_in(page, base)
    page.goto(base + "/staff/analytics/")
    agency, year = page.locator("#id_agency"), page.locator("#id_year")
    button = page.get_by_role("button", name="查看")
    boxes = [el.bounding_box() for el in (agency, page.locator("#id_include_subtree"), year, button)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] < boxes[3]["x"]  # one line, in order
    bottoms = [round(b["y"] + b["height"] / 2) for b in (boxes[0], boxes[2], boxes[3])]
    assert max(bottoms) - min(bottoms) <= 3  # the boxes and the button share their middle
    page.goto(base + "/staff/analytics/?year=1")
    summary = page.locator(".form-errors").bounding_box()
    assert summary["y"] + summary["height"] <= page.locator("label[for=id_agency]").bounding_box()["y"]


def test_a_forms_texts_and_title_take_its_whole_width_on_a_desktop(page, live_server):
    """起草目录条目: the title, 内容概述 and 正文 are as wide as the form; the short fields share a row."""
    DemoLoader().load()
    base = live_server.url
    _sign_in(page, base)
    page.goto(base + "/staff/catalogue/new/")
    grid = page.locator(".form-grid").first.bounding_box()
    for name in ("title", "summary", "body"):
        box = page.locator(f"#id_{name}").bounding_box()
        assert box["width"] > 0.95 * grid["width"], name
    number, written = page.locator("#id_document_number").bounding_box(), page.locator("#id_date_written")
    assert number["width"] < 0.5 * grid["width"]
    assert abs(number["y"] - written.bounding_box()["y"]) <= 1  # side by side
    # A date and time box is styled as the other boxes (it was the browser's small default).
    assert page.locator("#id_publish_at").bounding_box()["height"] >= number["height"] - 1
