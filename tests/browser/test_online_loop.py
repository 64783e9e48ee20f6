"""The applicant's loop online in Chromium (#16): answer a correction on the tracking page, then download the
reply's redacted file (signed with the draft); the clock restarts and the download is the delivery. Screenshots
of each state of the tracking page (desktop and phone) go to GONGKAI_SCREENSHOTS when set, else to a temporary
directory."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import PASSWORD
from gongkai.applications.models import Application, ClockPause, ReplyFile
from gongkai.applications.services import application_deadline
from gongkai.applications.tests.factories import resident_id
from gongkai.notices.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% test\n"


def press(page, name: str) -> None:
    """Click a case-page button; one step at a time folds the other possible actions, so open its fold first."""
    button = page.get_by_role("button", name=name, exact=True)
    if not button.is_visible():  # a role query sees no hidden button: find its fold by the fold's label
        page.locator("details > summary").filter(has_text=re.compile(f"^{re.escape(name)}$")).click()
    button.click()


def fill(page, selector: str, value: str) -> None:
    field = page.locator(selector)
    if not field.is_visible():
        # A folded action's form is fetched when its fold is opened; the fold is named after the action
        # (#fold-correction_request holds #id_correction_request-text).
        name = selector.removeprefix("#id_").split("-", 1)[0]
        page.locator(f"#fold-{name} > summary").click()
    field.fill(value)


def log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def shoot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"track-{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"track-{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_applicant_answers_a_correction_and_downloads_the_redacted_reply_online(
    tree, alice, ann, page, live_server, tmp_path_factory, tmp_path, settings
):
    """The whole loop of #16: apply with e-mail → PDF receipt → correction asked → answered online → the clock
    restarts → a 部分公开 draft waits for sign-off → the approver signs → the reply goes out with a redacted file →
    the applicant downloads it and that is the delivery; the receipt and reply e-mails are in the outbox."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    folder = Path(os.environ.get("GONGKAI_SCREENSHOTS") or tmp_path_factory.mktemp("online"))
    folder.mkdir(parents=True, exist_ok=True)
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)

    # Apply, with e-mail notices and online delivery.
    page.goto(live_server.url + "/applications/qdn/apply/")
    page.fill("#id_name", "杨晓燕")
    page.fill("#id_phone", "13985512345")
    page.fill("#id_email", "yang@example.cn")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", resident_id(3))
    page.fill("#id_title", "2023年凯里经济开发区征地补偿安置名单")
    page.select_option("#id_delivery_method", "online")
    page.check("input[name=notify][value=email]")
    page.get_by_role("button", name="提交申请").click()
    code = page.locator("#tracking-code").inner_text()
    application = Application.objects.get()
    with page.expect_download() as receipt:
        page.locator("#receipt-pdf").click()
    assert Path(receipt.value.path()).read_bytes().startswith(b"%PDF")
    received_due = application.due_on
    track = f"{live_server.url}/applications/track/?code={code}"
    page.goto(track)
    shoot(page, folder, "1-received")

    # The clerk asks for a correction (folded while the case waits for its handler).
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/staff/applications/{application.pk}/")
    fill(page, "#id_correction_request-text", "请说明所需名单的年份和所在村组。")
    press(page, "发出补正通知")
    assert page.locator("#case-status").inner_text() == "待申请人补正"

    # The applicant answers it on the tracking page, with a file.
    page.goto(track)
    assert "请说明所需名单的年份和所在村组" in page.locator("#correction").inner_text()
    shoot(page, folder, "2-correction-asked")
    page.get_by_role("button", name="提交补正").click()  # empty: refused, named
    assert "请填写补正内容或上传补正材料" in page.locator(".form-errors").inner_text()
    shoot(page, folder, "3-correction-error")
    assert failed == [f"{live_server.url}/applications/track/{code}/correction/"]  # the 400 of the empty form
    failed.clear()
    page.fill("#id_text", "需要2023年度凯里经济开发区鸭塘村一组的安置名单。")
    file = tmp_path / "村委会证明.pdf"
    file.write_bytes(PDF)
    page.set_input_files("#id_attachments", str(file))
    page.get_by_role("button", name="提交补正").click()
    assert "在网上提交补正" in page.locator("#correction-received").inner_text()
    shoot(page, folder, "4-correction-received")

    # The clock restarted from today, with no clerk typing anything.
    application.refresh_from_db()
    pause = ClockPause.objects.get(application=application)
    today = timezone.localdate()
    assert application.status == "in_progress" and pause.ended_on == today
    assert application_deadline(application).start == today and application.due_on is not None
    assert received_due is not None and application.due_on >= received_due
    assert pause.attachments.get().name == "村委会证明.pdf"

    # The clerk reads it from the to-do list, takes the case and drafts a 部分公开 reply, which needs sign-off.
    page.goto(live_server.url + "/staff/inbox/")
    page.locator("#todo-corrections").get_by_role("link").first.click()
    press(page, "已阅网上补正材料")
    assert "村委会证明.pdf" in page.locator("#online-panel").inner_text()
    page.screenshot(path=str(folder / "staff-case-online-panel-desktop.png"), full_page=True)
    page.select_option("#id_assign-handler", str(alice.pk))
    press(page, "指定承办人")
    page.select_option("#id_draft-outcome", "partly_disclosed")
    page.fill("#id_draft-detail", "名单中的身份证号码和银行账号属于个人隐私，已作区分处理（条例第三十七条）。")
    redacted = tmp_path / "安置名单（区分处理）.pdf"
    redacted.write_bytes(PDF + b"redacted")
    page.set_input_files("#id_draft-redacted_files", str(redacted))
    press(page, "拟办答复")
    assert "当前步骤：签发" in page.locator("#current-step").inner_text()
    assert page.get_by_role("button", name="出具答复告知书", exact=True).count() == 0

    # The approver finds it in the to-do list and signs it.
    log_in(page, live_server, "ann")
    page.goto(live_server.url + "/staff/inbox/")
    page.locator("#todo-sign_offs").get_by_role("link").first.click()
    # The redacted file goes with the draft: the approver sees what will be released before signing.
    assert "安置名单（区分处理）.pdf" in page.locator("#draft-files").inner_text()
    press(page, "签发")
    assert application.drafts.get().state == "signed"

    # The clerk issues the signed reply, which carries the redacted file.
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/staff/applications/{application.pk}/")
    press(page, "出具答复告知书")
    assert page.locator("#case-status").inner_text() == "已办结"

    # The applicant downloads it; that is the delivery.
    page.goto(track)
    shoot(page, folder, "5-replied")
    with page.expect_download() as download:
        page.get_by_role("link", name="安置名单（区分处理）.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF + b"redacted"
    letter = application.letters.get(kind="reply")
    assert letter.delivered_on == today and letter.delivery_method == "online"
    assert ReplyFile.objects.get().first_downloaded_at is not None
    page.goto(track)
    assert "送达（网上获取）" in page.locator("main").inner_text()
    shoot(page, folder, "6-delivered")
    events = set(Notice.objects.filter(recipient="yang@example.cn", channel="email").values_list("event", flat=True))
    assert {"application.receipt", "application.correction", "application.correction_received"} <= events
    assert "application.reply" in events
    assert failed == []


def test_past_the_correction_period_the_page_says_why_there_is_no_form(
    tree, alice, page, live_server, tmp_path_factory
):
    from gongkai.applications import services
    from gongkai.applications.tests.factories import make_application

    folder = Path(os.environ.get("GONGKAI_SCREENSHOTS") or tmp_path_factory.mktemp("online"))
    today = timezone.localdate()
    application = make_application(alice, tree["prefecture"], today)
    services.application_request_correction(actor=alice, application=application, on=today, text="请说明文号。")
    # The period ran out yesterday (set directly: the service only issues periods that end in the future).
    ClockPause.objects.filter(application=application).update(respond_by=today - dt.timedelta(days=1))
    page.goto(f"{live_server.url}/applications/track/?code={application.tracking_code}")
    text = page.locator("#correction").inner_text()
    assert "网上补正已关闭" in text and "0855-8227803" in text
    assert page.locator("#correction-form").count() == 0
    shoot(page, folder, "7-correction-closed")
