"""New-media accounts: registering, recording and importing follower counts, and the two-week flag."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from gongkai.audit.models import AuditEvent
from gongkai.supervision.models import FollowerCount, NewMediaAccount
from gongkai.supervision.services import follower_count_record, new_media_account_create

TODAY = timezone.localdate()


@pytest.fixture
def wechat(tree):
    return new_media_account_create(actor=None, agency=tree["prefecture"], platform="wechat", name="黔东南州人民政府")


@pytest.fixture
def county_account(tree):
    return new_media_account_create(actor=None, agency=tree["county"], platform="weibo", name="凯里发布")


def test_a_clerk_registers_an_account_and_records_a_count(login, alice, tree):
    client = login(alice)
    response = client.post("/staff/supervision/accounts/new/", {"platform": "wechat", "name": "黔东南州人民政府"})
    account = NewMediaAccount.objects.get()
    assert response.status_code == 302 and account.agency == tree["prefecture"]
    response = client.post(
        f"/staff/supervision/accounts/{account.pk}/",
        {"recorded_on": TODAY.isoformat(), "followers": "77000", "last_post_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert list(FollowerCount.objects.values_list("followers", flat=True)) == [77000]
    account.refresh_from_db()
    assert account.last_updated_on == TODAY
    assert AuditEvent.objects.filter(verb="follower_count.record", object_id=str(account.follower_counts.get().pk))


def test_a_count_with_a_post_after_the_count_date_is_refused_and_the_input_kept(login, alice, wechat):
    client = login(alice)
    response = client.post(
        f"/staff/supervision/accounts/{wechat.pk}/",
        {"recorded_on": "2024-12-01", "followers": "77000", "last_post_on": "2024-12-05"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "最近发布日期不能晚于统计日期" in page and 'value="77000"' in page
    assert not FollowerCount.objects.exists()


@pytest.mark.parametrize(
    ("updated_days_ago", "stale"),
    [(None, True), (0, False), (14, False), (15, True), (40, True)],
)
def test_an_account_not_updated_for_two_weeks_is_flagged(login, sue, wechat, updated_days_ago, stale):
    if updated_days_ago is not None:
        day = TODAY - dt.timedelta(days=updated_days_ago)
        follower_count_record(actor=None, account=wechat, recorded_on=TODAY, followers=100, last_post_on=day)
    wechat.refresh_from_db()
    assert wechat.is_stale(TODAY) is stale
    page = login(sue).get("/staff/supervision/accounts/").content.decode()
    assert ("两周未更新</span>" in page) is stale
    stale_list = login(sue).get("/staff/supervision/accounts/?stale=1").content.decode()
    assert ("黔东南州人民政府</a>" in stale_list) is stale


def test_a_supervisor_sees_the_subtrees_accounts_but_cannot_register_one(login, sue, county_account):
    client = login(sue)
    assert "凯里发布" in client.get("/staff/supervision/accounts/").content.decode()
    assert client.get(f"/staff/supervision/accounts/{county_account.pk}/").status_code == 200
    assert client.post("/staff/supervision/accounts/new/", {"platform": "wechat", "name": "x"}).status_code == 403
    response = client.post(
        f"/staff/supervision/accounts/{county_account.pk}/", {"recorded_on": "2024-01-01", "followers": "1"}
    )
    assert response.status_code == 403 and not FollowerCount.objects.exists()


def test_a_clerk_of_another_agency_cannot_see_the_prefectures_account(login, kim, wechat):
    assert login(kim).get(f"/staff/supervision/accounts/{wechat.pk}/").status_code == 404


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("counts.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_a_csv_import_records_every_row(login, alice, wechat, tree):
    new_media_account_create(actor=None, agency=tree["prefecture"], platform="weibo", name="黔东南州人民政府发布")
    data = '平台,账号名称,统计日期,关注数,最近发布日期\n微信,黔东南州人民政府,2024-12-31,"77,000",2024-12-31\n政务微博,黔东南州人民政府发布,2024/12/31,38000,\n'
    response = login(alice).post("/staff/supervision/accounts/import/", {"file": _csv(data)})
    assert response.status_code == 302
    assert sorted(FollowerCount.objects.values_list("account__platform", "followers")) == [
        ("wechat", 77000),
        ("weibo", 38000),
    ]


def test_an_xlsx_import_records_every_row(login, alice, wechat):
    book = Workbook()
    sheet = book.active
    sheet.append(["平台", "账号名称", "统计日期", "关注数", "最近发布日期"])
    sheet.append(["微信公众号", "黔东南州人民政府", dt.datetime(2024, 6, 30), 73100, dt.datetime(2024, 6, 28)])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("counts.xlsx", buffer.getvalue())
    assert login(alice).post("/staff/supervision/accounts/import/", {"file": upload}).status_code == 302
    count = FollowerCount.objects.get()
    assert (count.recorded_on, count.followers, count.last_post_on) == (
        dt.date(2024, 6, 30),
        73100,
        dt.date(2024, 6, 28),
    )


def test_a_bad_import_names_each_bad_line_and_saves_nothing(login, alice, wechat):
    data = (
        "平台,账号名称,统计日期,关注数,最近发布日期\n"
        "微信,黔东南州人民政府,2024-12-31,77000,\n"
        "微信,黔东南州人民政府,2024-13-45,77000,\n"
        "脸书,某账号,2024-12-31,5,\n"
        "微信,黔东南州人民政府,2024-11-30,很多,\n"
    )
    response = login(alice).post("/staff/supervision/accounts/import/", {"file": _csv(data)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "第3行" in page and "第4行" in page and "第5行" in page and "第2行" not in page
    assert not FollowerCount.objects.exists()


def test_an_import_naming_an_unregistered_account_saves_nothing(login, alice, wechat):
    data = "平台,账号名称,统计日期,关注数,最近发布日期\n微信,黔东南州人民政府,2024-12-31,77000,\n抖音,黔东南发布,2024-12-31,100,\n"
    page = login(alice).post("/staff/supervision/accounts/import/", {"file": _csv(data)}).content.decode()
    assert "第3行" in page and "请先登记该账号" in page
    assert not FollowerCount.objects.exists()


def test_an_import_with_the_wrong_header_is_refused(login, alice, wechat):
    page = (
        login(alice).post("/staff/supervision/accounts/import/", {"file": _csv("a,b,c,d\n1,2,3,4\n")}).content.decode()
    )
    assert "首行标题应为" in page and not FollowerCount.objects.exists()


def test_an_account_taken_out_of_operation_is_no_longer_flagged(login, alice, wechat):
    assert wechat.is_stale(TODAY)
    response = login(alice).post(
        f"/staff/supervision/accounts/{wechat.pk}/edit/", {"platform": "wechat", "name": "黔东南州人民政府"}
    )
    assert response.status_code == 302
    wechat.refresh_from_db()
    assert not wechat.is_active and not wechat.is_stale(TODAY)
    assert AuditEvent.objects.filter(verb="new_media_account.update", object_id=str(wechat.pk)).exists()


def test_renaming_an_account_to_an_existing_name_is_refused_with_the_input_kept(login, alice, wechat, tree):
    other = new_media_account_create(actor=None, agency=tree["prefecture"], platform="wechat", name="州政府办")
    page = (
        login(alice)
        .post(
            f"/staff/supervision/accounts/{other.pk}/edit/",
            {"platform": "wechat", "name": "黔东南州人民政府", "is_active": "on"},
        )
        .content.decode()
    )
    assert "form-errors" in page and 'value="黔东南州人民政府"' in page
    other.refresh_from_db()
    assert other.name == "州政府办"


def test_a_supervisor_cannot_edit_an_account(login, sue, county_account):
    assert login(sue).get(f"/staff/supervision/accounts/{county_account.pk}/edit/").status_code == 403
