"""The portal's report column: every published year, and each report in PDF, DOCX, XLSX and JSON under its
Chinese title (RFC 5987 filename*)."""

import datetime as dt
import io
import json
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from gongkai.annual_reports import services
from gongkai.demo.annual_reports import EARLIER_TEXT


def _publish(agency, year, clerk, reviewer, approver):
    report = services.annual_report_create(actor=clerk, agency=agency, year=year)
    services.annual_report_update_text(actor=clerk, report=report, **EARLIER_TEXT)
    services.annual_report_review(actor=reviewer, report=report)
    services.annual_report_approve(actor=approver, report=report)
    at = dt.datetime(year + 1, 1, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    return services.annual_report_publish(actor=approver, report=report, at=at)


@pytest.fixture
def reports(tree, alice, rob, ann):
    return [_publish(tree["prefecture"], year, alice, rob, ann) for year in (2022, 2023, 2024)]


def test_the_report_column_lists_every_published_year(reports, client):
    page = client.get("/agencies/qdn/annual-reports/").content.decode()
    for report in reports:
        assert f'href="/agencies/qdn/annual-reports/{report.year}/"' in page and report.title in page
    assert page.index("2024年") < page.index("2023年") < page.index("2022年")  # newest first


def test_a_report_page_offers_four_downloads(reports, client):
    page = client.get("/agencies/qdn/annual-reports/2024/").content.decode()
    for fmt in ("pdf", "docx", "xlsx", "json"):
        assert f'href="/agencies/qdn/annual-reports/2024/download.{fmt}"' in page


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("json", "application/json; charset=utf-8", b"{"),
    ],
)
def test_each_download_is_named_by_its_chinese_title(reports, client, fmt, content_type, magic):
    report = reports[-1]
    response = client.get(f"/agencies/qdn/annual-reports/2024/download.{fmt}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="annual-report-qdn-2024.{fmt}"' in disposition
    assert f"filename*=UTF-8''{quote(report.title + '.' + fmt, safe='')}" in disposition
    assert response.content.startswith(magic)
    if fmt == "json":
        assert json.loads(response.content)["year"] == 2024


def test_downloads_of_unpublished_or_unknown_reports_are_404(tree, alice, client):
    services.annual_report_create(actor=alice, agency=tree["prefecture"], year=2024)  # a draft
    assert client.get("/agencies/qdn/annual-reports/2024/download.pdf").status_code == 404
    assert client.get("/agencies/qdn/annual-reports/2024/").status_code == 404
    assert client.get("/agencies/qdn/annual-reports/99999/download.pdf").status_code == 404


def test_an_unknown_format_is_404(reports, client):
    assert client.get("/agencies/qdn/annual-reports/2024/download.exe").status_code == 404


def test_the_pdf_is_set_as_an_official_document(reports, client):
    from pypdf import PdfReader

    data = client.get("/agencies/qdn/annual-reports/2024/download.pdf").content
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert {"FandolFangR", "FandolSongBold", "NotoSansCJKSCBold", "FandolKai"} <= fonts
    for number, page in enumerate(reader.pages, start=1):
        assert f"— {number} —" in page.extract_text()  # GB/T 9704 page numbers
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.28, abs=0.5)  # A4
