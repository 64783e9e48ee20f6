"""A supervisor uploads a zip of reports, confirms one, reads the audit page and opens a finding's cells."""

import io
import os
import zipfile

import pytest

from conftest import PASSWORD
from gongkai.annual_reports.tests.corpus import corpus_files, corpus_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_audits_a_zip_of_reports_and_opens_a_finding(tree, sue, plain_static, page, live_server, tmp_path):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    archive = tmp_path / "reports.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in corpus_files():
            z.writestr(name, corpus_text(name))
    archive.write_bytes(buffer.getvalue())

    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", "sue")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/staff/annual-reports/imports/upload/")
    page.set_input_files("#id_files", str(archive))
    page.select_option("#id_agency", label="黔东南州财政局")
    page.get_by_role("button", name="导入并审查").click()
    assert "已导入30份报告" in page.locator(".messages").inner_text()

    # The 海安 report (parts that do not add up to the stated total) is confirmed for the year it states.
    page.get_by_role("link", name="017.txt").click()
    page.get_by_role("link", name="确认机关和年度").click()
    assert page.input_value("#id_year") == "2022"
    page.get_by_role("button", name="确认").click()
    assert "1331" in page.locator(".findings").inner_text()

    page.goto(live_server.url + "/staff/annual-reports/audit/?year=2022")
    cell = page.locator("table.data tr", has_text="黔东南州财政局")
    assert "有警告" in cell.inner_text()
    assert "合并报告" in page.locator("table.data tr", has_text="黔东南州人民政府办公室").inner_text()
    assert "缺报告" in page.locator("table.data tr", has_text="凯里市教育局").inner_text()
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/audit-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{shots}/audit-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
    cell.get_by_role("link", name="有警告").click()
    assert page.locator("h2#text").is_visible()
    if shots:
        page.screenshot(path=f"{shots}/report-1280.png", full_page=False)
    assert failed == []
