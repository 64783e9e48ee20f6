"""A citizen applies online, a clerk asks for a correction and replies, the citizen reads and downloads the reply."""

import datetime as dt
import io
from pathlib import Path

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from conftest import PASSWORD
from gongkai.applications.models import Application
from gongkai.applications.tests.factories import make_application, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_goes_from_the_online_form_to_the_reply_letter(
    tree, alice, plain_static, page, live_server, tmp_path_factory
):
    screenshots = tmp_path_factory.mktemp("receipt")
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    # The citizen applies; the organisation fields are hidden for a natural person.
    page.goto(live_server.url + "/agencies/qdn/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="依申请公开").click()
    assert page.locator("h1").inner_text() == "政府信息公开申请"
    # The page's script hides them once it runs; expect() waits for that, is_visible() would not.
    expect(page.locator("#id_credit_code")).to_be_hidden()
    page.fill("#id_name", "杨晓燕")
    page.fill("#id_phone", "13985512345")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", resident_id(3)[:-1] + ("0" if resident_id(3)[-1] != "0" else "1"))
    page.fill("#id_title", "2023年凯里经济开发区征地补偿标准")
    page.get_by_role("button", name="提交申请").click()
    # A wrong check digit is named and what was typed stays.
    assert "校验码不正确" in page.locator(".form-errors").inner_text()
    assert page.input_value("#id_title") == "2023年凯里经济开发区征地补偿标准"
    page.fill("#id_id_number", resident_id(3))
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已提交"
    code = page.locator("#tracking-code").inner_text()
    number = page.locator("#application-number").inner_text()
    assert Application.objects.get().tracking_code == code
    # The receipt: the QR code, the deadline's working, and the PDF to keep.
    assert page.locator("img.receipt-qr").is_visible() and "答复期限如何计算" in page.content()
    page.screenshot(path=str(screenshots / "receipt-desktop.png"), full_page=True)
    # As Chromium draws it, the QR code scans to the tracking link.
    drawn = Image.open(io.BytesIO(page.locator("img.receipt-qr").screenshot()))
    scanned = zxingcpp.read_barcode(drawn)
    assert scanned is not None and scanned.text == f"{live_server.url}/applications/track/?code={code}"
    with page.expect_download() as download:
        page.locator("#receipt-pdf").click()
    assert download.value.suggested_filename == f"{number}-receipt.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshots / "receipt-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    # Without the code: the case number and the last six digits of the phone.
    page.goto(live_server.url + "/applications/track/")
    page.locator("summary").click()
    page.fill("#id_number", number)
    page.fill("#id_suffix", "512345")
    page.locator("#track-by-number button").click()
    assert page.locator("#application-status").inner_text() == "办理中"

    # The clerk finds it in the queue, asks for a correction, records it, and replies.
    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="依申请公开", exact=True).first.click()
    page.get_by_role("link", name=number).click()
    assert "期限是怎样算出来的" in page.content()
    # One step at a time: the current step (分办) is open, the other things possible now are folded.
    page.locator("summary", has_text="发出补正通知").click()
    page.fill("#id_correction_request-text", "请说明所需文件的文号。")
    page.get_by_role("button", name="发出补正通知").click()
    assert page.locator("#case-status").inner_text() == "待申请人补正"

    # The applicant sees what is asked.
    page.goto(f"{live_server.url}/applications/track/?code={code}")
    assert "请说明所需文件的文号" in page.locator(".alert").inner_text()

    page.goto(live_server.url + f"/staff/applications/{Application.objects.get().pk}/")
    page.fill("#id_correction_receive-text", "申请人电话补充：黔东南府发〔2023〕3号")
    page.get_by_role("button", name="登记收到补正").click()
    # The clerk takes the case, drafts (拟办) and issues (出具): 予以公开 needs no sign-off by default.
    page.select_option("#id_assign-handler", str(alice.pk))
    page.get_by_role("button", name="指定承办人").click()
    assert "当前步骤：拟办" in page.locator("#current-step").inner_text()
    page.select_option("#id_draft-outcome", "disclosed")
    page.fill("#id_draft-topics", "征地拆迁")
    page.get_by_role("button", name="拟办答复").click()
    page.get_by_role("button", name="出具答复告知书").click()
    assert page.locator("#case-status").inner_text() == "已办结"

    # The applicant reads the outcome and downloads the reply letter.
    page.goto(f"{live_server.url}/applications/track/?code={code}")
    assert page.locator("#application-status").inner_text() == "已办结"
    assert "予以公开" in page.locator("main").inner_text()
    href = page.get_by_role("link", name="PDF").last.get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    case = Application.objects.get()
    assert case.outcome == "disclosed" and list(case.topics.values_list("name", flat=True)) == ["征地拆迁"]
    assert failed == []


def test_on_a_phone_the_queue_shows_each_case_as_a_card_with_its_due_date(tree, alice, phone, live_server):
    """At 390 px a clerk sees each case's number, due date and what is asked for without scrolling sideways."""
    received = timezone.localdate() - dt.timedelta(days=3)
    application = make_application(alice, tree["prefecture"], received, title="凯里至雷山高速公路建设项目用地批复文件")
    phone.goto(live_server.url + "/staff/login/")
    phone.fill("#id_username", "alice")
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.goto(live_server.url + "/staff/applications/")
    row = phone.locator("table.queue-table tbody tr").first
    due = row.locator("td").nth(6)
    expect(due).to_contain_text(application.due_on.isoformat())
    width = phone.viewport_size["width"]
    for cell in (row.locator("td").first, due, row.get_by_text("凯里至雷山高速公路建设项目用地批复文件")):
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, cell
    # A date whose meaning its value does not say names itself (the stylesheet writes the label before it).
    expect(row.locator('td[data-label="收到日期"]')).to_have_text(received.isoformat())


def test_on_a_desktop_the_queue_fits_beside_the_menu(tree, alice, page, live_server):
    """At 1280 px the queue needs no sideways scroll, even with an overdue case's mark beside its due date."""
    overdue = make_application(alice, tree["prefecture"], timezone.localdate() - dt.timedelta(days=60))
    make_application(alice, tree["prefecture"], timezone.localdate() - dt.timedelta(days=1))
    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/staff/applications/")
    expect(page.locator("table.queue-table")).to_contain_text(overdue.number)
    expect(page.locator("table.queue-table .badge.danger")).to_have_text("已超期")
    region = page.locator(".table-scroll:has(table.queue-table)")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
