"""The applicant's loop online (#16): answering a correction on the tracking page, receiving the reply's files.

Dates that the services take from today are frozen (time-machine) around the 2025 National Day holiday, so
the restarted clock is checked against the official calendar: 2025-09-28 and 2025-10-11 are make-up working
days, 2025-10-01 to 2025-10-08 are holidays (docs/deadlines.md, example A1).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import make_user
from gongkai.accounts.models import Role
from gongkai.applications.models import LIVE_DRAFT_STATES, Application, Attachment, ReplyFile
from gongkai.applications.services import application_sign_reply
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.audit.models import AuditEvent
from gongkai.notices.models import Notice

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n% a small test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def at(year: int, month: int, day: int, hour: int = 10):
    """Freeze the clock at this moment in China (the platform's time zone)."""
    return time_machine.travel(dt.datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def _files_and_limits(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


class StaffClient(Client):
    """A logged-in staff member whose session starts afresh on each request, as the frozen clock jumps days
    ahead of the sessions' sliding expiry."""

    def __init__(self, user):
        super().__init__()
        self.user = user

    def request(self, **request):
        self.force_login(self.user)
        return super().request(**request)


@pytest.fixture
def staff(alice):
    return StaffClient(alice)


def apply(client, agency, **fields) -> Application:
    response = client.post(apply_url(agency), form_data(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.order_by("-pk").first()


def act(staff, application, name, files=None, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    for key, value in (files or {}).items():
        data[f"{name}-{key}"] = value
    return staff.post(f"/staff/applications/{application.pk}/do/{name}/", data)


def ask_correction(staff, application, on: D, period_days: int = 15):
    response = act(
        staff, application, "correction_request", on=on.isoformat(), text="请写明文件的年份和发文机关。",
        period_days=period_days,
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    return application.pauses.get(kind="correction")


def track(client, application):
    return client.get("/applications/track/", {"code": application.tracking_code})


def todo_section(page: str, kind: str) -> str:
    """One section of the to-do page (inbox/inbox.html)."""
    start = page.index(f'id="todo-{kind}"')
    return page[start : page.index("</section>", start)]


def answer(client, application, text="文件为2023年黔东南州人民政府印发。", files=()):
    return client.post(
        f"/applications/track/{application.tracking_code}/correction/",
        {"text": text, "attachments": list(files)},
    )


# ------------------------------------------------------------------------------------------ correction
def test_a_correction_answered_on_the_tracking_page_restarts_the_20_working_days_from_that_day(
    client, staff, prefecture, alice
):
    with at(2025, 9, 22):
        application = apply(client, prefecture, notify=["email"])
    assert application.received_on == D(2025, 9, 22) and application.due_on == D(2025, 10, 24)
    with at(2025, 9, 24):
        pause = ask_correction(staff, application, D(2025, 9, 24))
    application.refresh_from_db()
    assert application.status == "awaiting_correction" and application.due_on is None
    assert pause.respond_by == D(2025, 10, 21)  # 15 working days, over the holiday

    with at(2025, 9, 26, 15):
        page = track(client, application).content.decode()
        assert (
            'id="correction-form"' in page
            and "需要您补正申请" in page
            and "请在2025年10月21日之前（含当天）补正" in page
        )
        response = answer(client, application, files=[SimpleUploadedFile("补正说明.pdf", PDF)])
    assert response.status_code == 302
    assert response["Location"] == f"/applications/track/?code={application.tracking_code}#correction"

    # 条例 第三十条: the 20 working days restart from the day the correction arrived (A1: 2025-09-26 → 10-30).
    application.refresh_from_db()
    pause.refresh_from_db()
    assert application.status == "in_progress" and application.due_on == D(2025, 10, 30)
    assert pause.ended_on == D(2025, 9, 26) and pause.result_text == "文件为2023年黔东南州人民政府印发。"
    assert pause.answered_online_at is not None and pause.reviewed_at is None
    (attachment,) = Attachment.objects.filter(correction=pause)
    assert attachment.name == "补正说明.pdf" and attachment.file.read() == PDF
    event = AuditEvent.objects.get(verb="application.correction_submit")
    assert event.actor is None and event.object_id == str(application.pk)

    with at(2025, 9, 26, 16):
        page = track(client, application).content.decode()
    assert 'id="correction-form"' not in page and "您已于2025年9月26日 15:00在网上提交补正" in page
    assert "2025年10月30日" in page

    # The applicant hears of it by the chosen channel, with the new deadline and how it was computed.
    notice = Notice.objects.get(event="application.correction_received")
    assert notice.channel == "email" and notice.recipient == "yang@example.cn"
    assert "2025年10月30日" in notice.body and "条例第三十条" in notice.body and "20个工作日" in notice.body
    assert f"?code={application.tracking_code}" in notice.body

    # The handler's to-do, until the material is marked read on the case page.
    with at(2025, 9, 26, 16):
        inbox = todo_section(staff.get("/staff/inbox/").content.decode(), "corrections")
        assert "补正材料已提交" in inbox and application.number in inbox and "2025年9月26日提交补正材料" in inbox
        detail = staff.get(f"/staff/applications/{application.pk}/").content.decode()
        assert "补正说明.pdf" in detail and "已阅网上补正材料" in detail and "待查阅" in detail
        assert act(staff, application, "correction_review").status_code == 302
        inbox = todo_section(staff.get("/staff/inbox/").content.decode(), "corrections")
    assert "补正材料已提交" in inbox and application.number not in inbox
    pause.refresh_from_db()
    assert pause.reviewed_by == alice and pause.reviewed_at is not None


def test_the_last_day_of_the_correction_period_is_still_open(client, staff, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture)
    with at(2025, 9, 24):
        pause = ask_correction(staff, application, D(2025, 9, 24), period_days=1)
    assert pause.respond_by == D(2025, 9, 25)
    with at(2025, 9, 25, 23):
        assert answer(client, application).status_code == 302
    application.refresh_from_db()
    # 20 working days from 2025-09-25 (the make-up Sunday 09-28 and Saturday 10-11 count, the holiday does not).
    assert application.due_on == D(2025, 10, 29)


def test_after_the_correction_period_the_form_is_gone_and_the_page_says_why(client, staff, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture)
    with at(2025, 9, 24):
        ask_correction(staff, application, D(2025, 9, 24), period_days=1)
    with at(2025, 9, 26):
        page = track(client, application).content.decode()
        assert 'id="correction-form"' not in page
        assert "补正期限已于2025年9月25日届满，网上补正已关闭。" in page and "0855-8227803" in page
        # A stale page posted anyway is refused with the same reason; nothing is kept.
        response = answer(client, application, text="迟到的补正", files=[SimpleUploadedFile("a.pdf", PDF)])
    page = response.content.decode()
    assert response.status_code == 400 and "补正期限已于2025年9月25日届满" in page and "迟到的补正" in page
    application.refresh_from_db()
    assert application.status == "awaiting_correction" and application.due_on is None
    assert application.pauses.get().ended_on is None and not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(verb="application.correction_submit").exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(4)], "附件最多3个"),
        ([SimpleUploadedFile("说明.exe", b"MZ\x90\x00")], "附件只能是PDF、JPG或PNG格式：说明.exe"),
        (
            [SimpleUploadedFile("说明.pdf", b"<html>not a pdf</html>")],
            "附件内容与文件类型不符，请上传真实的PDF文件：说明.pdf",
        ),
        ([SimpleUploadedFile("扫描件.png", PNG + b"0" * (5 * 1024 * 1024))], "附件不能超过5MB：扫描件.png"),
    ],
)
def test_correction_attachments_have_the_application_forms_limits(client, staff, prefecture, files, message):
    application = apply(client, prefecture)
    ask_correction(staff, application, application.received_on)
    response = answer(client, application, text="我补充的说明文字", files=files)
    page = response.content.decode()
    assert response.status_code == 400 and message in page and "我补充的说明文字" in page
    application.refresh_from_db()
    assert application.status == "awaiting_correction" and not Attachment.objects.exists()


def test_an_empty_correction_is_refused_and_names_the_field(client, staff, prefecture):
    application = apply(client, prefecture)
    ask_correction(staff, application, application.received_on)
    response = answer(client, application, text="  ")
    assert response.status_code == 400 and "请填写补正内容或上传补正材料" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "awaiting_correction"


def test_a_correction_needs_the_cases_own_tracking_code(client, staff, prefecture):
    application = apply(client, prefecture)
    ask_correction(staff, application, application.received_on)
    assert client.post("/applications/track/0000000000000000/correction/", {"text": "x"}).status_code == 404
    assert client.get(f"/applications/track/{application.tracking_code}/correction/").status_code == 405
    application.refresh_from_db()
    assert application.status == "awaiting_correction"


def test_a_case_without_a_pending_correction_refuses_an_answer(client, prefecture):
    application = apply(client, prefecture)
    response = answer(client, application)
    assert response.status_code == 400 and "没有等待补正的事项" in response.content.decode()


# ------------------------------------------------------------------------------------------ reply files
def reply_with_files(staff, application, on: D, outcome="partly_disclosed", disclosed=(), redacted=()):
    """Draft the reply with its files, have the approver sign it where the agency's setting requires, then issue
    it (a 400 answer of the draft, a refused file, is returned as it is)."""
    drafted = act(
        staff, application, "draft", outcome=outcome, detail="部分内容涉及个人隐私，已作区分处理。",
        files={"disclosed_files": list(disclosed), "redacted_files": list(redacted)},
    )  # fmt: skip
    if drafted.status_code == 400:
        return drafted
    assert drafted.status_code == 302, drafted.content.decode()[:3000]
    if application.drafts.get(state__in=LIVE_DRAFT_STATES).needs_sign_off:
        approver = get_user_model().objects.filter(username="approver").first() or make_user(
            "approver", (application.agency, Role.APPROVER), full_name="王强"
        )
        application_sign_reply(actor=approver, application=application, comment="同意")
    return act(staff, application, "reply", on=on.isoformat())


def test_the_reply_files_go_to_the_tracker_only_and_the_first_download_is_the_online_delivery(
    client, staff, prefecture
):
    with at(2025, 9, 22):
        application = apply(client, prefecture, delivery_method="online", notify=["email"])
        other = apply(Client(), prefecture, key="2")
    with at(2025, 9, 24):
        response = reply_with_files(
            staff, application, D(2025, 9, 24),
            disclosed=[SimpleUploadedFile("补偿标准.pdf", PDF)],
            redacted=[SimpleUploadedFile("安置名单（区分处理）.pdf", PDF + b"redacted")],
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    disclosed, redacted = ReplyFile.objects.order_by("kind")
    assert (disclosed.kind, redacted.kind) == ("disclosed", "redacted")
    letter = application.letters.get(kind="reply")
    assert disclosed.letter == letter and letter.delivered_on is None

    # The reply notice links the tracking page, where the files are.
    notice = Notice.objects.get(event="application.reply")
    assert f"/applications/track/?code={application.tracking_code}" in notice.body and "信息文件" in notice.body
    with at(2025, 9, 25):
        page = track(client, application).content.decode()
    assert "补偿标准.pdf" in page and "安置名单（区分处理）.pdf" in page and "首次下载之日即为送达之日" in page
    url = f"/applications/track/{application.tracking_code}/files/{redacted.pk}/"
    assert url in page

    # Another case's tracking code does not open this case's file; a wrong code is a failed look-up.
    assert client.get(f"/applications/track/{other.tracking_code}/files/{redacted.pk}/").status_code == 404
    assert client.get(f"/applications/track/0000000000000000/files/{redacted.pk}/").status_code == 404
    letter.refresh_from_db()
    assert letter.delivered_on is None

    with at(2025, 9, 26):
        download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF + b"redacted"
    letter.refresh_from_db()
    redacted.refresh_from_db()
    assert (letter.delivered_on, letter.delivery_method) == (D(2025, 9, 26), "online")
    assert redacted.first_downloaded_at is not None
    # Later downloads (the same file, the other file, the letter itself) leave the delivery date as it was.
    with at(2025, 9, 29):
        assert client.get(url).status_code == 200
        assert client.get(f"/applications/track/{application.tracking_code}/files/{disclosed.pk}/").status_code == 200
        assert client.get(f"/applications/track/{application.tracking_code}/letters/{letter.pk}.pdf").status_code == 200
    letter.refresh_from_db()
    assert letter.delivered_on == D(2025, 9, 26)
    assert AuditEvent.objects.filter(verb="letter.deliver_online").count() == 1
    with at(2025, 9, 29):
        page = track(client, application).content.decode()
    assert "已于2025年9月26日送达（网上获取）" in page


def test_the_first_download_of_the_reply_letter_also_delivers_it_online(client, staff, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture, delivery_method="online")
    with at(2025, 9, 24):
        assert reply_with_files(staff, application, D(2025, 9, 24), outcome="disclosed").status_code == 302
    letter = application.letters.get(kind="reply")
    with at(2025, 9, 25):
        assert client.get(f"/applications/track/{application.tracking_code}/letters/{letter.pk}.pdf").status_code == 200
    letter.refresh_from_db()
    assert (letter.delivered_on, letter.delivery_method) == (D(2025, 9, 25), "online")


def test_other_delivery_methods_are_recorded_by_staff_not_by_a_download(client, staff, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture, delivery_method="post")
    with at(2025, 9, 24):
        response = reply_with_files(
            staff, application, D(2025, 9, 24), outcome="disclosed", disclosed=[SimpleUploadedFile("全文.pdf", PDF)]
        )
        assert response.status_code == 302
    reply_file = ReplyFile.objects.get()
    letter = application.letters.get(kind="reply")
    with at(2025, 9, 25):
        assert client.get(f"/applications/track/{application.tracking_code}/files/{reply_file.pk}/").status_code == 200
    letter.refresh_from_db()
    assert letter.delivered_on is None
    with at(2025, 9, 29):
        response = act(staff, application, "deliver", on="2025-09-28", letter=letter.pk, method="post")
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.delivered_on, letter.delivery_method) == (D(2025, 9, 28), "post")


def test_staff_download_the_reply_files_from_the_case_page_and_other_agencies_cannot(client, staff, prefecture, kim):
    application = apply(client, prefecture)
    response = reply_with_files(
        staff,
        application,
        application.received_on,
        outcome="disclosed",
        disclosed=[SimpleUploadedFile("全文.pdf", PDF)],
    )
    assert response.status_code == 302
    reply_file = ReplyFile.objects.get()
    url = f"/staff/applications/{application.pk}/reply-files/{reply_file.pk}/"
    assert url in staff.get(f"/staff/applications/{application.pk}/").content.decode()
    assert staff.get(url).status_code == 200
    stranger = StaffClient(kim)
    assert stranger.get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("outcome", "files", "message"),
    [
        ("disclosed", {"redacted": [SimpleUploadedFile("a.pdf", PDF)]}, "只有部分公开的答复才附区分处理后的文件"),
        ("unavailable_not_held", {"disclosed": [SimpleUploadedFile("a.pdf", PDF)]}, "只有予以公开或部分公开的答复才附"),
        ("disclosed", {"disclosed": [SimpleUploadedFile("a.exe", b"MZ")]}, "附件只能是PDF、OFD、Word"),
    ],
)
def test_reply_files_that_do_not_fit_the_outcome_or_the_limits_are_refused_and_the_case_stays_open(
    client, staff, prefecture, outcome, files, message
):
    application = apply(client, prefecture)
    response = reply_with_files(staff, application, application.received_on, outcome=outcome, **files)
    assert response.status_code == 400 and message in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_progress" and not ReplyFile.objects.exists()
    assert not application.letters.exists() and not application.drafts.exists()


# ------------------------------------------------------------------------------------------ notices
def _approver(agency):
    User = get_user_model()
    return User.objects.filter(username="approver").first() or make_user(
        "approver", (agency, Role.APPROVER), full_name="王强"
    )


def test_the_approver_signs_the_files_with_the_draft_and_exactly_those_go_out_with_the_reply(client, staff, prefecture):
    """条例 第三十七条: the approver sees the redacted file before signing the 部分公开 reply; until the reply is
    issued the applicant cannot fetch it, and nothing can be added after the signature."""
    with at(2025, 9, 22):
        application = apply(client, prefecture, delivery_method="online")
    with at(2025, 9, 24):
        drafted = act(
            staff, application, "draft", outcome="partly_disclosed", detail="个人信息已作区分处理。",
            files={"redacted_files": [SimpleUploadedFile("名单（区分处理）.pdf", PDF + b"redacted")]},
        )  # fmt: skip
    assert drafted.status_code == 302, drafted.content.decode()[:3000]
    draft = application.drafts.get()
    proposed = ReplyFile.objects.get()
    assert draft.needs_sign_off and proposed.draft == draft and proposed.letter is None

    # Not the applicant's yet: not on the tracking page, not downloadable with the code.
    with at(2025, 9, 24):
        assert "名单（区分处理）.pdf" not in track(client, application).content.decode()
        url = f"/applications/track/{application.tracking_code}/files/{proposed.pk}/"
        assert client.get(url).status_code == 404

    # The approver reads it on the case page, with the draft, and signs.
    approver = StaffClient(_approver(prefecture))
    page = approver.get(f"/staff/applications/{application.pk}/").content.decode()
    files = page[page.index('id="draft-files"') :].split("</dd>")[0]
    staff_url = f"/staff/applications/{application.pk}/reply-files/{proposed.pk}/"
    assert staff_url in files and "区分处理后的政府信息" in files
    assert b"".join(approver.get(staff_url).streaming_content) == PDF + b"redacted"
    with at(2025, 9, 25):
        assert act(approver, application, "sign_off", comment="同意").status_code == 302

    # A file added after the signature is refused by name, and the case stays as it was.
    with at(2025, 9, 25):
        refused = act(
            staff, application, "reply", on="2025-09-25",
            files={"disclosed_files": [SimpleUploadedFile("另一个文件.pdf", PDF)]},
        )  # fmt: skip
    assert refused.status_code == 400 and "应在拟办时上传" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == "in_progress" and ReplyFile.objects.count() == 1

    with at(2025, 9, 25):
        assert act(staff, application, "reply", on="2025-09-25").status_code == 302
    proposed.refresh_from_db()
    assert proposed.letter == application.letters.get(kind="reply")
    with at(2025, 9, 26):
        assert "名单（区分处理）.pdf" in track(client, application).content.decode()
        assert client.get(url).status_code == 200


def test_a_returned_drafts_files_never_go_out(client, staff, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture)
    with at(2025, 9, 24):
        act(
            staff, application, "draft", outcome="partly_disclosed", detail="第一稿。",
            files={"redacted_files": [SimpleUploadedFile("第一稿（区分处理）.pdf", PDF)]},
        )  # fmt: skip
        returned = act(StaffClient(_approver(prefecture)), application, "return_draft", comment="身份证号未遮盖")
        assert returned.status_code == 302
        act(
            staff, application, "draft", outcome="partly_disclosed", detail="第二稿。",
            files={"redacted_files": [SimpleUploadedFile("第二稿（区分处理）.pdf", PDF)]},
        )  # fmt: skip
        assert act(StaffClient(_approver(prefecture)), application, "sign_off").status_code == 302
        assert act(staff, application, "reply", on="2025-09-24").status_code == 302
    first, second = ReplyFile.objects.order_by("pk")
    assert first.letter is None and second.letter == application.letters.get(kind="reply")
    with at(2025, 9, 25):
        page = track(client, application).content.decode()
        assert "第二稿（区分处理）.pdf" in page and "第一稿（区分处理）.pdf" not in page
        assert client.get(f"/applications/track/{application.tracking_code}/files/{first.pk}/").status_code == 404


def test_the_receipt_notice_gives_the_article_31_date_the_deadline_and_how_it_was_computed(client, prefecture):
    with at(2025, 9, 22):
        application = apply(client, prefecture, notify=["email", "sms"])
    email = Notice.objects.get(event="application.receipt", channel="email")
    for fact in (
        application.number, application.tracking_code, prefecture.name, "2025年9月22日（条例第三十一条）",
        "2025年10月24日", "20个工作日", "条例第三十三条", "0855-8227803", f"?code={application.tracking_code}",
    ):  # fmt: skip
        assert fact in email.body, fact
    sms = Notice.objects.get(event="application.receipt", channel="sms")
    assert application.tracking_code in sms.body and "2025年10月24日" in sms.body


def test_the_files_of_one_reply_together_stay_under_the_proxys_body_limit(client, staff, prefecture):
    application = apply(client, prefecture)
    big = [SimpleUploadedFile(f"第{n}册.pdf", PDF + b"0" * (8 * 1024 * 1024)) for n in range(3)]
    response = reply_with_files(staff, application, application.received_on, outcome="disclosed", disclosed=big)
    assert response.status_code == 400 and "随答复上传的文件合计不能超过20MB" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_progress" and not ReplyFile.objects.exists()


def test_downloads_are_not_counted_against_the_look_up_limit_and_a_head_request_delivers_nothing(
    client, staff, prefecture, settings
):
    settings.TRACK_FAILURES_PER_ADDRESS = 2
    application = apply(client, prefecture, delivery_method="online")
    response = reply_with_files(
        staff,
        application,
        application.received_on,
        outcome="disclosed",
        disclosed=[SimpleUploadedFile("全文.pdf", PDF)],
    )
    assert response.status_code == 302
    url = f"/applications/track/{application.tracking_code}/files/{ReplyFile.objects.get().pk}/"
    assert client.head(url).status_code == 200
    assert application.letters.get(kind="reply").delivered_on is None
    assert [client.get(url).status_code for _ in range(5)] == [200] * 5
    assert application.letters.get(kind="reply").delivered_on is not None
    # Failures are what count: two wrong codes, and this address is refused until the window passes.
    for _ in range(2):
        assert client.get("/applications/track/0000000000000000/files/1/").status_code == 404
    assert client.get(url).status_code == 429
