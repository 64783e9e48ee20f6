"""The back office of report intake: upload (files, zip, pasted text), confirm, versions, audit page, comparison."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import make_agency
from gongkai.annual_reports.models import AnnualReport, ImportedReport, ImportedReportVersion
from gongkai.annual_reports.selectors import report_previous_figures
from gongkai.annual_reports.tests.corpus import corpus_files, corpus_text, expected, expected_cells, manifest

UPLOAD = "/staff/annual-reports/imports/upload/"


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(f"corpus/{name}", corpus_text(name))
    return buffer.getvalue()


def _upload(client, name: str, data: bytes, **fields):
    return client.post(UPLOAD, {"files": SimpleUploadedFile(name, data), **fields})


def _confirm(client, report, agency, year):
    return client.post(f"/staff/annual-reports/imports/{report.pk}/confirm/", {"agency": agency.pk, "year": year})


@pytest.fixture
def corpus_agencies(prefecture):
    """One agency per report of the corpus, under the prefecture, named as the manifest names it."""
    agencies = {}
    for serial, (name, row) in enumerate(sorted(manifest().items()), start=10):
        agency_name = row["agency"].split("（")[0]
        agencies[name] = make_agency(
            f"c{name[:3]}", agency_name, prefecture, serial=serial, short_name=agency_name[-6:]
        )
    return agencies


def test_the_dev_corpus_uploaded_as_a_zip_is_imported_confirmed_and_audited(sue, login, corpus_agencies):
    client = login(sue)
    response = _upload(client, "corpus.zip", _zip(corpus_files()))
    assert response.status_code == 302 and response["Location"].endswith("/imports/")
    assert ImportedReport.objects.count() == 30 and ImportedReportVersion.objects.count() == 30
    assert ImportedReport.objects.filter(confirmed=False).count() == 30
    page = client.get("/staff/annual-reports/imports/").content.decode()
    assert "已导入30份报告" in page and "确认机关和年度" in page
    # The agency is guessed from the title or preamble where the report names itself; the year always.
    by_file = {v.file_name.rsplit("/", 1)[1]: v for v in ImportedReportVersion.objects.select_related("report")}
    assert by_file["001.txt"].report.agency == corpus_agencies["001.txt"]
    assert by_file["017.txt"].report.agency == corpus_agencies["017.txt"]
    assert all(v.report.year == int(manifest()[name]["year"]) for name, v in by_file.items())
    for name, version in by_file.items():
        assert _confirm(client, version.report, corpus_agencies[name], int(manifest()[name]["year"])).status_code == 302
    assert ImportedReport.objects.filter(confirmed=True).count() == 30
    # The complete reports' figures match the hand-read ones.
    from gongkai.annual_reports.intake_selectors import version_parsed

    for name in expected():
        parsed = version_parsed(ImportedReportVersion.objects.get(file_name=f"corpus.zip/corpus/{name}"))
        for address, value in expected_cells(expected()[name]).items():
            cell = parsed.cells[address]
            assert (cell.value if cell.state == "number" else ("/" if cell.state == "na" else None)) == value
    # The supervisor's page: every agency × year, with each report's status; filterable; findings as XLSX.
    audit = client.get("/staff/annual-reports/audit/", {"year": 2022})
    text = audit.content.decode()
    assert audit.status_code == 200 and "海安市商务局" in text and "有警告" in text and "缺报告" in text
    warned = client.get("/staff/annual-reports/audit/", {"year": 2022, "status": "warning"}).content.decode()
    assert "海安市商务局" in warned and "沭阳县发展和改革局" not in warned
    xlsx = client.get("/staff/annual-reports/audit/", {"year": 2022, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("机关", "年度", "状态", "规则")
    parts = [r for r in rows if r[3] == "narrative.parts" and r[0] == "海安市商务局"]
    assert parts and "1331" in parts[0][6] and "?finding=" in parts[0][7]


def test_the_same_content_uploaded_twice_is_one_report(alice, login):
    client = login(alice)
    _upload(client, "001.txt", corpus_text("001.txt").encode())
    response = _upload(client, "again.txt", corpus_text("001.txt").encode())
    assert response.status_code == 302
    assert ImportedReportVersion.objects.count() == 1
    page = client.get("/staff/annual-reports/imports/").content.decode()
    assert "另有1份与已导入的内容相同" in page


def test_a_new_file_for_a_confirmed_year_becomes_its_next_version(alice, login, prefecture):
    client = login(alice)
    _upload(client, "v1.txt", corpus_text("001.txt").encode())
    first = ImportedReport.objects.get()
    _confirm(client, first, prefecture, 2023)
    corrected = corpus_text("001.txt").replace("规范性文件 | 8 | 0 | 18", "规范性文件 | 9 | 0 | 19")
    _upload(client, "v2.txt", corrected.encode(), agency=prefecture.pk, year=2023)
    second = ImportedReport.objects.exclude(pk=first.pk).get()
    response = _confirm(client, second, prefecture, 2023)
    assert response.status_code == 302
    assert list(ImportedReport.objects.all()) == [first]
    assert list(first.versions.order_by("number").values_list("number", "file_name")) == [(1, "v1.txt"), (2, "v2.txt")]
    page = client.get(f"/staff/annual-reports/imports/{first.pk}/").content.decode()
    assert "第2版" in page and "v2.txt" in page


def test_pasted_text_is_imported_and_every_finding_opens_the_text_with_its_cells_marked(alice, login, prefecture):
    client = login(alice)
    text = corpus_text("001.txt").replace("（七）总计 | 26 |", "（七）总计 | 25 |")
    response = client.post(UPLOAD, {"text": text, "agency": prefecture.pk, "year": 2023})
    assert response.status_code == 302
    report = ImportedReport.objects.get()
    version = report.versions.get()
    assert version.file_name == "粘贴的文本.txt" and version.errors >= 2
    index = next(i for i, f in enumerate(version.findings) if f["rule"] == "table2.outcomes")
    page = client.get(f"/staff/annual-reports/imports/{report.pk}/", {"finding": index}).content.decode()
    assert '<mark data-cell="3.R3.7.natural">25</mark>' in page
    assert "表三“自然人”列" in page


def test_an_empty_upload_says_what_is_missing_and_a_scan_is_kept_as_unreadable(alice, login):
    client = login(alice)
    response = client.post(UPLOAD, {"text": "  "})
    assert response.status_code == 200 and "请选择报告文件，或粘贴报告文字" in response.content.decode()
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    _upload(client, "scan.pdf", bytes(pdf.output()))
    version = ImportedReportVersion.objects.get()
    assert version.status == "unreadable" and "文字层" in version.unreadable


def test_another_agencys_clerk_cannot_see_or_confirm_into_agencies_outside_their_view(alice, kim, login, client, tree):
    login(kim)
    _upload(client, "001.txt", corpus_text("001.txt").encode())
    report = ImportedReport.objects.get()
    response = _confirm(client, report, tree["prefecture"], 2023)  # kim works in the county only
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not ImportedReport.objects.get().confirmed
    client.logout()
    login(alice)
    assert client.get(f"/staff/annual-reports/imports/{report.pk}/").status_code == 404


def test_an_imported_earlier_year_feeds_the_compiled_reports_continuity_check(alice, login, prefecture):
    client = login(alice)
    last_year = corpus_text("001.txt").replace(
        "四、结转下年度继续办理 | 0 |  |  |  |  |  | 0", "四、结转下年度继续办理 | 0 |  |  |  |  |  | 0"
    )
    _upload(client, "2023.txt", last_year.encode(), agency=prefecture.pk, year=2023)
    _confirm(client, ImportedReport.objects.get(), prefecture, 2023)
    previous = report_previous_figures(AnnualReport(agency=prefecture, year=2024))
    assert previous.t2("R4", "total").value == 0 and previous.t2("R4", "business").value is None
    assert previous.t2("R1", "natural").value == 26  # the imported report, not an empty compile


def test_confirming_a_year_rechecks_the_next_years_continuity(alice, login, prefecture):
    client = login(alice)
    this_year = corpus_text("001.txt")  # 上年结转 0
    _upload(client, "2023.txt", this_year.encode(), agency=prefecture.pk, year=2023)
    _confirm(client, ImportedReport.objects.get(), prefecture, 2023)
    version_2023 = ImportedReportVersion.objects.get()
    assert not [f for f in version_2023.findings if f["rule"] == "table2.continuity" and f["severity"] == "warning"]
    last_year = this_year.replace("四、结转下年度继续办理 | 0 |", "四、结转下年度继续办理 | 3 |")
    _upload(client, "2022.txt", last_year.encode(), agency=prefecture.pk, year=2022)
    _confirm(client, ImportedReport.objects.get(year=2022), prefecture, 2022)
    version_2023.refresh_from_db()
    warnings = [f for f in version_2023.findings if f["rule"] == "table2.continuity" and f["severity"] == "warning"]
    assert warnings and warnings[0]["cells"] == ["3.R2.natural"]


def test_the_comparison_page_shows_key_figures_their_change_and_changed_paragraphs(alice, login, prefecture):
    client = login(alice)
    _upload(client, "2023.txt", corpus_text("001.txt").encode(), agency=prefecture.pk, year=2023)
    _confirm(client, ImportedReport.objects.get(), prefecture, 2023)
    later = (
        corpus_text("001.txt")
        .replace("2023年政府信息公开年度报告", "2024年政府信息公开年度报告", 1)
        .replace(
            "一、本年新收政府信息公开申请数量 | 26 |  |  |  |  |  | 26",
            "一、本年新收政府信息公开申请数量 | 30 |  |  |  |  |  | 30",
        )
        .replace("全年受理网络问政182件。", "全年受理网络问政200件。")
    )
    _upload(client, "2024.txt", later.encode(), agency=prefecture.pk, year=2024)
    _confirm(client, ImportedReport.objects.get(year=2024), prefecture, 2024)
    page = client.get("/staff/annual-reports/compare/", {"a": 2023, "b": 2024}).content.decode()
    assert "本年新收申请" in page and "+4" in page
    assert "<del>" in page and "网络问政200件" in page


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(alice, login, settings):
    settings.ANNUAL_REPORT_INTAKE_MAX_MB = 1
    client = login(alice)
    response = _upload(client, "huge.txt", b"0" * (1024 * 1024 + 1))
    assert response.status_code == 200 and "huge.txt 超过大小上限1 MB" in response.content.decode()
    assert ImportedReportVersion.objects.count() == 0
