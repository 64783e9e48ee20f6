"""Deadlines that may move: wherever a date is counted over a year whose holidays are not yet verified, it says so
(the receipt, the tracking page, the queue and its exports, letters, notices, the alerts), and a correction
request refused for lateness in such a year says why the last day may be wrong."""

import csv
import datetime as dt
import io

import pytest

from gongkai.applications import services
from gongkai.applications.clock import UNVERIFIED_NOTE, UNVERIFIED_SMS_NOTE
from gongkai.applications.models import Application, ClockPause, Letter
from gongkai.applications.services.reminders import application_alerts_send
from gongkai.applications.tests.factories import make_application, person, resident_id
from gongkai.audit.models import AuditEvent
from gongkai.core.dates import chinese_date
from gongkai.notices.models import Notice
from gongkai.notices.texts import sms_segments
from gongkai.workdays import calendar as workdays_calendar

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

D = dt.date
VERIFIED_CASE_DAY = D(2024, 3, 1)  # 2024's holidays are in the chinese_calendar package


@pytest.fixture
def unverified(monkeypatch):
    """As if no year's holidays were known yet (the package covering none and no notice recorded)."""
    monkeypatch.setattr(workdays_calendar, "library_covers", lambda year: False)


def _form(**overrides):
    return {
        "kind": "natural", "name": "杨晓燕", "id_type": "resident_id", "id_number": resident_id(42), "phone": "13985512345",
        "email": "yang@example.cn", "title": "2023年凯里经济开发区征地补偿标准", "document_number": "",
        "description": "", "form_wanted": "electronic", "delivery_method": "email", "notify": ["email", "sms"],
        "submission_key": "k-1", "website": "", **overrides,
    }  # fmt: skip


def test_a_late_correction_request_in_an_unverified_year_is_refused_with_the_reason(
    login, alice, prefecture, unverified
):
    case = make_application(alice, prefecture, D(2024, 3, 1))
    response = login(alice).post(
        f"/staff/applications/{case.pk}/do/correction_request/",
        {
            "correction_request-on": "2024-03-20",
            "correction_request-period_days": 10,
            "correction_request-text": "文号",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    # The last day as counted over plain weekends, why it may be later, and what settles it.
    assert "2024年3月12日" in page and "2024年的法定节假日安排尚未核实" in page and "工作日历" in page
    assert not ClockPause.objects.exists()


def test_a_late_correction_request_in_a_verified_year_is_refused_without_the_caveat(login, alice, prefecture):
    case = make_application(alice, prefecture, D(2024, 3, 1))
    response = login(alice).post(
        f"/staff/applications/{case.pk}/do/correction_request/",
        {
            "correction_request-on": "2024-03-20",
            "correction_request-period_days": 10,
            "correction_request-text": "文号",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "2024年3月12日" in page and "尚未核实" not in page


def test_the_queue_and_its_csv_and_xlsx_exports_flag_an_unverified_deadline(login, alice, prefecture, monkeypatch):
    from openpyxl import load_workbook

    verified = make_application(alice, prefecture, VERIFIED_CASE_DAY)
    monkeypatch.setattr(workdays_calendar, "library_covers", lambda year: year != 2024)
    moving = make_application(alice, prefecture, VERIFIED_CASE_DAY)
    assert verified.due_verified and not moving.due_verified
    client = login(alice)
    rows = {row.split("</tr>")[0].split("</a>")[0].rsplit(">", 1)[-1]: row for row in
            client.get("/staff/applications/").content.decode().split("<tr>")[2:]}  # fmt: skip
    assert "节假日未核实" in rows[moving.number] and "节假日未核实" not in rows[verified.number]
    table = list(csv.reader(io.StringIO(client.get("/staff/applications/export.csv").content.decode("utf-8-sig"))))
    column = table[0].index("期限核实情况")
    by_number = {row[0]: row[column] for row in table[1:]}
    assert by_number == {verified.number: "已核实", moving.number: "节假日安排未核实，期限可能调整"}
    sheet = load_workbook(io.BytesIO(client.get("/staff/applications/export.xlsx").content)).active
    values = {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == by_number


def test_the_receipt_page_pdf_and_notices_and_the_tracking_page_say_the_deadline_may_move(
    client, prefecture, unverified
):
    from pypdf import PdfReader

    assert client.post(f"/applications/{prefecture.slug}/apply/", _form()).status_code == 302
    application = Application.objects.get()
    assert not application.due_verified
    receipt = client.get("/applications/submitted/").content.decode()
    assert "未经核实" in receipt and 'id="unverified-note"' in receipt
    pdf = client.get(f"/applications/track/{application.tracking_code}/receipt.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")
    assert "节假日安排尚未经核实" in text
    due = chinese_date(application.due_on)
    notices = {n.channel: n.body for n in Notice.objects.filter(event="application.receipt")}
    assert set(notices) == {"email", "sms"}
    assert due + UNVERIFIED_NOTE in notices["email"]
    # A text message marks the date briefly, and still fits one message (70 characters).
    assert due + UNVERIFIED_SMS_NOTE in notices["sms"] and sms_segments(notices["sms"]) == 1
    track = client.get("/applications/track/", {"code": application.tracking_code}).content.decode()
    assert 'id="due-unverified"' in track and "期限可能调整" in track


def test_a_verified_deadline_carries_no_caveat_anywhere(client, prefecture, monkeypatch):
    # Every year verified (as if the package covered them all): no caveat on the receipt, notices or tracking page.
    monkeypatch.setattr(workdays_calendar, "library_covers", lambda year: True)
    monkeypatch.setattr(workdays_calendar.chinese_calendar, "is_workday", lambda day: day.weekday() < 5)
    # The package raises for a year it does not hold: from mid-December a deadline falls in the next year.
    monkeypatch.setattr(
        workdays_calendar.chinese_calendar, "get_holiday_detail", lambda day: (day.weekday() >= 5, None)
    )
    assert client.post(f"/applications/{prefecture.slug}/apply/", _form()).status_code == 302
    application = Application.objects.get()
    assert application.due_verified
    assert "未经核实" not in client.get("/applications/submitted/").content.decode()
    assert not any(UNVERIFIED_NOTE in n.body for n in Notice.objects.all())
    track = client.get("/applications/track/", {"code": application.tracking_code}).content.decode()
    assert 'id="due-unverified"' not in track


def test_letters_and_notices_of_a_correction_consultation_extension_and_fee_say_the_date_may_move(
    alice, ann, prefecture, unverified
):
    first = make_application(alice, prefecture, D(2024, 3, 1), applicant=person(email="w@example.cn"))
    Application.objects.filter(pk=first.pk).update(notify_email=True)
    first.refresh_from_db()
    services.application_request_correction(actor=alice, application=first, on=D(2024, 3, 4), text="请写明文号")
    second = make_application(alice, prefecture, D(2024, 3, 1))
    services.application_start_consultation(
        actor=alice, application=second, on=D(2024, 3, 4), kind="third_party", party="某公司", text="征求意见"
    )
    third = make_application(alice, prefecture, D(2024, 3, 1))
    extension = services.application_request_extension(
        actor=alice, application=third, on=D(2024, 3, 20), days=10, reason="需要调取档案"
    )
    services.application_approve_extension(actor=ann, extension=extension, on=D(2024, 3, 21))
    fourth = make_application(alice, prefecture, D(2024, 3, 1))
    services.application_notify_fee(actor=alice, application=fourth, on=D(2024, 3, 4), method="per_page", quantity=500)
    for kind in ("correction", "consultation", "extension", "fee"):
        letter = Letter.objects.get(kind=kind)
        assert UNVERIFIED_NOTE in letter.body, kind
    correction = Notice.objects.get(event="application.correction", channel="email")
    assert "2024年3月25日" + UNVERIFIED_NOTE in correction.body


def test_the_deadline_alerts_say_the_deadline_may_move(alice, ann, prefecture, unverified):
    ann.email = "ann@example.cn"
    ann.save()
    late = make_application(alice, prefecture, D(2024, 3, 1))
    assert not late.due_verified
    changed, queued = application_alerts_send(today=D(2024, 6, 3))
    assert changed == 1 and queued == 1
    alert = Notice.objects.get(event="application.overdue")
    assert f"答复期限：{chinese_date(late.due_on)}{UNVERIFIED_NOTE}" in alert.body


def test_the_applicants_correction_reminder_says_the_date_may_move(alice, prefecture, unverified):
    from gongkai.applications.services.reminders import applicant_reminders_send

    case = make_application(alice, prefecture, D(2024, 3, 1))
    Application.objects.filter(pk=case.pk).update(notify_sms=True)
    case.refresh_from_db()
    pause = services.application_request_correction(actor=alice, application=case, on=D(2024, 3, 4), text="文号")
    assert applicant_reminders_send(today=pause.respond_by - dt.timedelta(days=1)) == 1
    reminder = Notice.objects.get(event="application.correction_reminder")
    assert f"{chinese_date(pause.respond_by)}{UNVERIFIED_SMS_NOTE}" in reminder.body


def test_once_the_years_holidays_are_verified_the_alerts_job_moves_the_deadline_and_clears_the_flag(
    alice, prefecture, monkeypatch
):
    # Received 2024-09-20: over plain weekends the 20 working days end on 18 October; the National Day holiday and
    # its two make-up Saturdays/Sundays put the real deadline on 23 October.
    real = workdays_calendar.library_covers
    monkeypatch.setattr(workdays_calendar, "library_covers", lambda year: False)
    case = make_application(alice, prefecture, D(2024, 9, 20))
    assert (case.due_on, case.due_verified) == (D(2024, 10, 18), False)
    assert application_alerts_send(today=D(2024, 9, 24)) == (0, 0)
    case.refresh_from_db()
    assert (case.due_on, case.due_verified) == (D(2024, 10, 18), False)  # still unknown: nothing moves
    monkeypatch.setattr(workdays_calendar, "library_covers", real)  # the year's holidays are now known
    application_alerts_send(today=D(2024, 9, 24))
    case.refresh_from_db()
    assert (case.due_on, case.due_verified) == (D(2024, 10, 23), True)
    event = AuditEvent.objects.get(verb="application.deadline_recheck")
    assert event.object_id == str(case.pk) and "2024年10月23日" in event.note
    application_alerts_send(today=D(2024, 9, 24))
    assert AuditEvent.objects.filter(verb="application.deadline_recheck").count() == 1


def test_the_tracking_page_flags_the_correction_and_payment_deadlines_that_may_move(
    client, alice, prefecture, monkeypatch
):
    first = make_application(alice, prefecture, D(2024, 3, 1))
    services.application_request_correction(actor=alice, application=first, on=D(2024, 3, 4), text="请写明文号")
    second = make_application(alice, prefecture, D(2024, 3, 1))
    services.application_notify_fee(actor=alice, application=second, on=D(2024, 3, 4), method="per_page", quantity=500)

    def page(case):
        return client.get("/applications/track/", {"code": case.tracking_code}).content.decode()

    # 2024 is verified: the correction period and the pay-by date carry no caveat.
    assert 'id="correction-unverified"' not in page(first) and 'id="fee-unverified"' not in page(second)
    monkeypatch.setattr(workdays_calendar, "library_covers", lambda year: False)
    assert 'id="correction-unverified"' in page(first) and 'id="fee-unverified"' in page(second)
