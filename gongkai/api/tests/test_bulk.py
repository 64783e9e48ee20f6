"""Bulk files: written streamed with size and checksum, read back with Chinese intact, listed on 数据下载."""

import csv
import hashlib
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.api.models import BulkFile

pytestmark = pytest.mark.django_db


def _year():
    return timezone.localdate().year


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_command_writes_the_catalogue_as_csv_with_bom_and_json_lines(world, client):
    call_command("opendata_bulk", stdout=io.StringIO())
    csv_file = BulkFile.objects.get(agency=world["tree"]["prefecture"], kind="catalogue", format="csv")
    data = default_storage.open(csv_file.path).read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    assert csv_file.size == len(data) and csv_file.sha256 == hashlib.sha256(data).hexdigest()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    titles = {row["标题"] for row in rows}
    assert "黔东南州森林防火规定" in titles and csv_file.rows == len(rows)
    assert not any("绝密" in t for t in titles)  # drafts and withdrawn items are not in the file
    assert rows[0]["网址"].startswith("https://gk.example.gov.cn/catalogue/items/")

    jsonl = BulkFile.objects.get(agency=world["tree"]["prefecture"], kind="catalogue", format="jsonl")
    lines = default_storage.open(jsonl.path).read().decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["title"] for r in records} == titles and "body_text" in records[0]


def test_the_subtrees_annual_reports_are_one_xlsx_read_back_in_chinese(world):
    call_command("opendata_bulk", stdout=io.StringIO())
    xlsx = BulkFile.objects.get(agency=world["tree"]["prefecture"], kind="annual_reports", year=2024)
    sheet = load_workbook(default_storage.open(xlsx.path)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("机关", "年度", "统计范围", "标题")
    assert rows[2][0] == "黔东南州人民政府" and rows[2][1] == 2024
    r1_total = rows[0].index("3.R1.total")
    assert rows[2][r1_total] == 41 and rows[1][r1_total].startswith("一、本年新收政府信息公开申请数量")


def test_the_downloads_page_lists_size_and_checksum_and_serves_the_file(world, client):
    call_command("opendata_bulk", "--agency", "qdn", "--year", str(_year()), stdout=io.StringIO())
    csv_file = BulkFile.objects.get(agency=world["tree"]["prefecture"], format="csv")
    page = client.get("/data/").content.decode()
    assert "数据下载" in page and csv_file.sha256 in page and "/api/v1/docs/" in page
    response = client.get(f"/data/qdn/{csv_file.filename}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert hashlib.sha256(_content(response)).hexdigest() == csv_file.sha256
    assert client.get("/data/qdn/../../settings.py").status_code == 404
    assert client.get("/data/kaili/" + csv_file.filename).status_code == 404


def test_an_unknown_agency_stops_the_command_with_a_message(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有网址代码"):
        call_command("opendata_bulk", "--agency", "nowhere", stdout=io.StringIO())
