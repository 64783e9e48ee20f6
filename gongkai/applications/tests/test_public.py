"""The public side: apply online, get a case number and tracking code, follow the case, download the reply."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.applications.models import Applicant, Application
from gongkai.applications.tests.factories import credit_code, reply, resident_id

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def form_data(**overrides):
    return {
        "kind": "natural",
        "name": "杨晓燕",
        "id_type": "resident_id",
        "id_number": resident_id(42),
        "phone": "13985512345",
        "email": "yang@example.cn",
        "address": "贵州省凯里市宁波路8号",
        "postcode": "556000",
        "title": "2023年凯里经济开发区征地补偿标准",
        "document_number": "黔东南府发〔2023〕3号",
        "description": "请提供全文",
        "form_wanted": "electronic",
        "delivery_method": "email",
        "submission_key": "k-" + overrides.pop("key", "1"),
        "website": "",
        **overrides,
    }


def apply_url(agency):
    return f"/applications/{agency.slug}/apply/"


def test_the_form_offers_a_fresh_submission_key_and_the_honeypot_is_hidden(client, prefecture):
    page = client.get(apply_url(prefecture)).content.decode()
    assert 'name="submission_key"' in page and 'class="hp-field"' in page
    assert "政府信息公开申请" in page and 'style="' not in page


def test_the_form_s_selects_say_what_to_choose(client, prefecture):
    page = client.get("/applications/qdn/apply/").content.decode()
    assert "---------" not in page
    assert '<option value="" selected>请选择</option>' in page  # 证件类型 and 组织类型


def test_the_blank_form_is_rendered_once_and_each_visitor_still_gets_a_fresh_key(client, prefecture):
    first = client.get(apply_url(prefecture))
    second = client.get(apply_url(prefecture))
    assert "applications/_apply_fields.html" in [t.name for t in first.templates]
    assert "applications/_apply_fields.html" not in [t.name for t in second.templates]
    key = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
    assert key.search(first.content.decode())[1] != key.search(second.content.decode())[1]
    blank = re.compile(r'name="(?:csrfmiddlewaretoken|submission_key)" value="[^"]*"')
    assert blank.sub("", first.content.decode()) == blank.sub("", second.content.decode())
    # The English page has its own copy.
    client.cookies["django_language"] = "en"
    english = client.get(apply_url(prefecture)).content.decode()
    assert ">Name" in english and "姓名或名称" not in english
    client.cookies["django_language"] = "zh-hans"
    # A form sent back with errors is rendered with what was typed, never from the blank copy.
    response = client.post(apply_url(prefecture), form_data(title=""))
    assert "applications/_apply_fields.html" in [t.name for t in response.templates]
    assert "yang@example.cn" in response.content.decode()


def test_a_citizen_applies_online_and_gets_a_number_and_tracking_code(client, prefecture):
    response = client.post(apply_url(prefecture), form_data())
    assert response.status_code == 302 and response["Location"] == "/applications/submitted/"
    application = Application.objects.get()
    assert application.agency == prefecture and application.channel == "online"
    assert application.received_on == timezone.localdate()
    assert application.number.startswith(f"QDN-{timezone.localdate().year}-")
    assert len(application.tracking_code) == 16
    assert application.applicant.id_number == resident_id(42)
    page = client.get("/applications/submitted/").content.decode()
    assert application.number in page and application.tracking_code in page


def test_applying_opens_no_session_and_the_receipt_is_found_by_a_signed_cookie_of_its_own(client, prefecture, settings):
    """Issue #15: no session row is written for the receipt, and the applicant's next pages stay cacheable."""
    from django.contrib.sessions.models import Session

    response = client.post(apply_url(prefecture), form_data())
    assert settings.SESSION_COOKIE_NAME not in response.cookies and not Session.objects.exists()
    cookie = response.cookies["gk_receipt"]
    assert cookie["path"] == "/applications/submitted/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # gone when the browser closes
    receipt = client.get("/applications/submitted/")
    application = Application.objects.get()
    assert receipt.status_code == 200 and application.tracking_code in receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"] and "private" in receipt["Cache-Control"]


def test_submitting_twice_with_the_same_key_creates_one_case(client, prefecture):
    client.post(apply_url(prefecture), form_data())
    again = client.post(apply_url(prefecture), form_data())
    assert again.status_code == 302
    assert Application.objects.count() == 1 and Applicant.objects.count() == 1


def test_a_wrong_check_digit_is_named_in_chinese_and_everything_typed_is_kept(client, prefecture):
    bad = resident_id(42)[:-1] + ("0" if resident_id(42)[-1] != "0" else "1")
    response = client.post(apply_url(prefecture), form_data(id_number=bad))
    page = response.content.decode()
    assert response.status_code == 200
    assert "证件号码" in page and "校验码不正确" in page
    assert "2023年凯里经济开发区征地补偿标准" in page and "yang@example.cn" in page and bad in page
    assert Application.objects.count() == 0 and Applicant.objects.count() == 0


def test_an_organisation_needs_a_valid_credit_code_and_its_type(client, prefecture):
    data = form_data(kind="organisation", name="贵州某律师事务所", id_type="", id_number="", credit_code="123")
    page = client.post(apply_url(prefecture), data).content.decode()
    assert "统一社会信用代码无效" in page and "请选择组织类型" in page and "请填写法定代表人" in page
    ok = form_data(
        kind="organisation", name="贵州某律师事务所", id_type="", id_number="", credit_code=credit_code(7),
        organisation_type="legal_service", legal_representative="周律师", contact_person="吴助理", key="2",
    )  # fmt: skip
    assert client.post(apply_url(prefecture), ok).status_code == 302
    applicant = Application.objects.get().applicant
    assert applicant.report_column == "legal_service" and applicant.id_number == ""


def test_a_missing_title_is_named(client, prefecture):
    page = client.post(apply_url(prefecture), form_data(title="")).content.decode()
    assert "所需信息名称" in page and "这个字段是必填项" in page
    assert not Application.objects.exists()


def test_the_honeypot_keeps_robots_out_without_telling_them(client, prefecture):
    response = client.post(apply_url(prefecture), form_data(website="http://spam.example"))
    assert response.status_code == 200 and "申请已提交" in response.content.decode()
    assert not Application.objects.exists()


def test_one_address_is_rate_limited(client, prefecture, settings):
    settings.APPLICATIONS_RATE = "2/h"
    for n in range(2):
        assert client.post(apply_url(prefecture), form_data(key=str(n))).status_code == 302
    limited = client.post(apply_url(prefecture), form_data(key="9"))
    assert limited.status_code == 429 and "操作过于频繁" in limited.content.decode()
    assert Application.objects.count() == 2


def test_attachments_are_limited_by_type_and_kept_when_allowed(client, prefecture, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exe = SimpleUploadedFile("id.exe", b"MZ", content_type="application/octet-stream")
    page = client.post(apply_url(prefecture), {**form_data(), "attachments": [exe]}).content.decode()
    assert "附件只能是PDF、JPG或PNG格式" in page and not Application.objects.exists()
    pdf = SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(apply_url(prefecture), {**form_data(), "attachments": [pdf]}).status_code == 302
    assert Application.objects.get().attachments.get().name == "身份证.pdf"


def test_the_status_page_shows_the_case_but_never_the_applicants_identity(client, prefecture):
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    page = client.get("/applications/track/", {"code": application.tracking_code.lower()}).content.decode()
    assert application.number in page and "办理中" in page
    assert resident_id(42) not in page and "13985512345" not in page and "杨晓燕" not in page


def test_an_unknown_tracking_code_says_so(client, prefecture):
    page = client.get("/applications/track/", {"code": "0000000000000000"}).content.decode()
    assert "没有找到该查询码对应的申请" in page


def test_the_applicant_downloads_the_reply_letter_with_the_tracking_code(client, prefecture, alice):
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    reply(alice, application, "disclosed", timezone.localdate())
    page = client.get("/applications/track/", {"code": application.tracking_code}).content.decode()
    letter = application.letters.get(kind="reply")
    assert "已办结" in page and "予以公开" in page and f"/letters/{letter.pk}.pdf" in page
    pdf = client.get(f"/applications/track/{application.tracking_code}/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/applications/track/{application.tracking_code}/letters/{letter.pk}.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(f"/applications/track/WRONGCODE0000000/letters/{letter.pk}.pdf").status_code == 404


def test_a_correction_request_shows_on_the_status_page(client, prefecture, alice):
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    from gongkai.applications import services

    services.application_request_correction(
        actor=alice, application=application, on=timezone.localdate(), text="请说明文件的年份。"
    )
    page = client.get("/applications/track/", {"code": application.tracking_code}).content.decode()
    assert "需要您补正申请" in page and "请说明文件的年份" in page and "计时中止" in page


def test_the_portal_links_to_the_application_form(client, prefecture):
    page = client.get(f"/agencies/{prefecture.slug}/").content.decode()
    assert apply_url(prefecture) in page and "依申请公开" in page


def test_a_future_receipt_date_cannot_be_registered(tree, alice):
    from django.core.exceptions import ValidationError

    from gongkai.applications.tests.factories import make_application

    with pytest.raises(ValidationError) as error:
        make_application(alice, tree["prefecture"], timezone.localdate() + dt.timedelta(days=1))
    assert "received_on" in error.value.error_dict


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_receipt_page_and_pdf_give_the_facts_the_deadline_working_and_a_qr_code_of_the_tracking_link(
    client, prefecture
):
    import base64
    import io

    import zxingcpp
    from pypdf import PdfReader

    from gongkai.applications.receipt import qr_code

    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    response = client.get("/applications/submitted/")
    receipt = response.context["receipt"]
    link = f"http://testserver/applications/track/?code={application.tracking_code}"
    assert receipt.tracking_url == link
    page = response.content.decode()
    svg = qr_code(link).to_svg(scale=1)
    uri = receipt.qr_svg_data_uri()
    assert uri in page and base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")).decode() == svg
    assert "条例第三十一条" in page and "答复期限如何计算" in page and "接下来会怎样" in page
    assert prefecture.office_phone in page and prefecture.office_name in page
    assert receipt.deadline.date == application.due_on
    pdf_url = f"/applications/track/{application.tracking_code}/receipt.pdf"
    assert pdf_url in page
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = _pdf_text(download.content)
    for fact in (application.number, application.tracking_code, prefecture.name, prefecture.office_phone):
        assert fact.replace(" ", "") in text
    assert "政府信息公开申请回执" in text and "答复期限如何计算" in text and "20个工作日" in text
    assert f"{application.received_on.year}年{application.received_on.month}月{application.received_on.day}日" in text
    (qr,) = PdfReader(io.BytesIO(download.content)).pages[0].images
    scanned = zxingcpp.read_barcode(qr.image)  # the QR code in the PDF scans to the tracking link
    assert scanned.text == link and scanned.format == zxingcpp.BarcodeFormat.QRCode and scanned.ec_level == "M"
    assert client.get("/applications/track/NOSUCHCODE000000/receipt.pdf").status_code == 404


def test_a_receipt_whose_deadline_falls_in_an_unverified_holiday_year_says_so(client, prefecture, alice, monkeypatch):
    from gongkai.applications.tests.factories import make_application
    from gongkai.workdays import calendar

    case = make_application(alice, prefecture, dt.date(2025, 3, 3))
    url = f"/applications/track/{case.tracking_code}/receipt.pdf"
    assert "未经核实" not in _pdf_text(client.get(url).content)
    # As if the holiday package did not yet cover 2025 and no administrator had recorded its notice.
    monkeypatch.setattr(calendar, "library_covers", lambda year: year < 2025)
    text = _pdf_text(client.get(url).content)
    assert "未经核实" in text and "节假日安排尚未经核实" in text


def test_a_case_is_found_by_its_number_and_the_last_six_of_the_phone_or_identity_number(client, prefecture):
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    for suffix in ("512345", resident_id(42)[-6:]):
        page = client.post("/applications/track/", {"number": application.number.lower(), "suffix": suffix})
        assert page.status_code == 200 and page.context["application"] == application
        assert "办理中" in page.content.decode() and "13985512345" not in page.content.decode()
    wrong = client.post("/applications/track/", {"number": application.number, "suffix": "000000"})
    assert wrong.context["application"] is None and "不匹配" in wrong.content.decode()
    short = client.post("/applications/track/", {"number": application.number, "suffix": "2345"})
    assert short.context["by_number"].errors["suffix"] == ["请输入6位。"]
    assert short.context["by_number"]["number"].value() == application.number  # what was typed is kept


def test_failed_look_ups_of_one_case_number_are_refused_after_ten_while_the_tracking_code_still_works(
    client, prefecture, settings
):
    settings.TRACK_FAILURES_PER_ADDRESS = 1000
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    for n in range(10):  # from ten different addresses: the limit is per case number, not per address
        wrong = client.post(
            "/applications/track/", {"number": application.number, "suffix": f"00000{n}"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert wrong.status_code == 200
    eleventh = client.post("/applications/track/", {"number": application.number, "suffix": "999999"})
    assert eleventh.status_code == 429 and "凭查询码" in eleventh.content.decode()
    # Refused unchecked, even with the right suffix: guessing on cannot beat the limit ...
    assert client.post("/applications/track/", {"number": application.number, "suffix": "512345"}).status_code == 429
    # ... while the tracking code still works, and other cases are not affected.
    by_code = client.get("/applications/track/", {"code": application.tracking_code})
    assert by_code.status_code == 200 and by_code.context["application"] == application


def test_successful_look_ups_and_downloads_are_not_counted_but_failures_are_per_address(client, prefecture, settings):
    settings.TRACK_FAILURES_PER_ADDRESS = 3
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    for _n in range(20):  # one office address, many successful look-ups and downloads
        assert client.get("/applications/track/", {"code": application.tracking_code}).status_code == 200
        assert client.get(f"/applications/track/{application.tracking_code}/receipt.pdf").status_code == 200
    for _n in range(3):
        assert client.get("/applications/track/", {"code": "0000000000000000"}).status_code == 200
    assert client.get("/applications/track/", {"code": application.tracking_code}).status_code == 429
    assert client.get("/applications/track/", {"code": "0000000000000000"}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_fields_required_for_the_applicants_kind_say_so(prefecture, client):
    """条例 第二十九条: a person's 证件类型 and 证件号码, an organisation's type, credit code, legal representative and
    contact are required for that kind; each group, shown alone, marks them as the always-required fields."""
    page = client.get(apply_url(prefecture)).content.decode()
    for name in ("id_type", "id_number", "organisation_type", "credit_code", "legal_representative", "contact_person"):
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', page, re.S)
        assert label and "必填" in label.group(1), name
        assert re.search(rf'<(input|select)[^>]*aria-required="true"[^>]*id="id_{name}"', page), name
    # Optional fields stay unmarked.
    assert "必填" not in re.search(r'<label for="id_email">(.*?)</label>', page, re.S).group(1)
