"""`manage.py annual_report audit PATH... [--agency] [--year] [--json]`: audit files without storing them."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from gongkai.annual_reports.models import ImportedReport
from gongkai.annual_reports.tests.corpus import corpus_text

RECORD_KEYS = {
    "schema", "path", "status", "reason", "kind", "format", "year", "year_detected", "agency", "agency_detected",
    "title", "sections", "report", "cells", "findings",
}  # fmt: skip


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_audit_json_prints_one_documented_record_per_file_and_stores_nothing(db, tmp_path, capsys):
    for name in ("001.txt", "023.txt"):
        (tmp_path / name).write_text(corpus_text(name), encoding="utf-8")
    call_command("annual_report", "audit", str(tmp_path / "001.txt"), str(tmp_path / "023.txt"), "--json")
    first, second = _lines(capsys)
    assert set(first) == RECORD_KEYS and first["schema"] == "gongkai.annual-report-audit/1"
    assert first["path"].endswith("001.txt") and first["status"] == "read"
    assert (first["format"], first["year"], first["agency"]) == ("2021", 2023, "沭阳县发展和改革局")
    report = first["report"]
    assert report["schema"] == "gongkai.annual-report/1"
    assert report["section3"]["rows"]["R1"]["values"] == [26, None, None, None, None, None, 26]
    assert report["section4"]["C4"]["value"] == 1 and report["section2"]["normative.in_force"] == 18
    assert all(f["severity"] == "info" for f in first["findings"])
    assert {"rule", "severity", "cells", "message"} == set(first["findings"][0])
    assert first["cells"]["3.R1.business"] == {
        "state": "blank",
        "value": None,
        "span": first["cells"]["3.R1.business"]["span"],
    }
    # A section the text does not hold is null, never 0.
    assert second["report"]["section3"]["rows"]["R3.7"]["values"] == [None] * 7
    assert second["cells"]["3.R3.7.total"]["state"] == "unreadable"
    assert ImportedReport.objects.count() == 0


def test_audit_reads_every_file_of_a_zip_and_takes_the_year_given(db, tmp_path, capsys):
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("001.txt", corpus_text("001.txt"))
        z.writestr("008.txt", corpus_text("008.txt"))
    call_command("annual_report", "audit", str(archive), "--json", "--year", "2020")
    records = _lines(capsys)
    assert [r["path"].rsplit("/", 1)[1] for r in records] == ["001.txt", "008.txt"]
    assert all(r["year"] == 2020 for r in records) and records[1]["year_detected"] == 2023
    # 2020 is a year of the 2019 trial format: 001's 2021 layout is now the finding, 008's old layout is not.
    assert "layout.year" in {f["rule"] for f in records[0]["findings"]}
    assert "layout.year" not in {f["rule"] for f in records[1]["findings"]}


def test_audit_without_json_prints_findings_for_people(db, tmp_path, capsys):
    path = tmp_path / "017.txt"
    path.write_text(corpus_text("017.txt"), encoding="utf-8")
    call_command("annual_report", "audit", str(path))
    out = capsys.readouterr().out
    assert "海安市商务局 2022年" in out and "narrative.parts" in out and "1331" in out


def test_an_unreadable_file_is_a_record_with_its_reason(db, tmp_path, capsys):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))
    call_command("annual_report", "audit", str(path), "--json")
    (record,) = _lines(capsys)
    assert record["status"] == "unreadable" and "文字层" in record["reason"] and record["report"] is None
    assert record["findings"][0]["rule"] == "intake.unreadable"


def test_audit_with_an_agency_checks_continuity_against_its_imported_previous_year(tree, alice, tmp_path, capsys):
    from gongkai.agencies.models import Agency
    from gongkai.annual_reports.intake_services import imported_report_confirm, imported_report_upload

    agency = Agency.objects.get(slug="qdn")
    last_year = corpus_text("001.txt").replace("结转下年度继续办理 | 0 |", "结转下年度继续办理 | 2 |")
    (result,) = imported_report_upload(actor=alice, name="2022.txt", data=last_year.encode())
    imported_report_confirm(actor=alice, report=result.version.report, agency=agency, year=2022)
    path = tmp_path / "001.txt"
    path.write_text(corpus_text("001.txt"), encoding="utf-8")
    call_command("annual_report", "audit", str(path), "--json", "--agency", "qdn")
    (record,) = _lines(capsys)
    continuity = [f for f in record["findings"] if f["rule"] == "table2.continuity" and f["severity"] == "warning"]
    assert continuity and continuity[0]["cells"] == ["3.R2.natural"]


def test_audit_refuses_a_missing_file_and_an_unknown_agency(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("annual_report", "audit", str(tmp_path / "nothing.txt"))
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(CommandError, match="没有网址代码"):
        call_command("annual_report", "audit", str(tmp_path / "a.txt"), "--agency", "nowhere")


def test_compile_still_needs_agency_and_year(db):
    with pytest.raises(CommandError, match="--agency"):
        call_command("annual_report", "compile")


def test_reading_from_standard_input(db, capsys, monkeypatch):
    class Stdin:
        buffer = io.BytesIO(corpus_text("019.txt").encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    call_command("annual_report", "audit", "-", "--json")
    (record,) = _lines(capsys)
    assert record["report"]["section4"]["C15"]["value"] == 0 and record["year"] == 2020


def test_a_2019_layout_report_keeps_its_own_rows_in_the_json(db, tmp_path, capsys):
    import random

    from gongkai.annual_reports.tests.generator import generate

    sample = generate(random.Random(2019), "pipe", None)
    while sample.format != "2019":
        sample = generate(random.Random(sample.year + len(sample.text)), "pipe", None)
    path = tmp_path / "old.txt"
    path.write_text(sample.text, encoding="utf-8")
    call_command("annual_report", "audit", str(path), "--json")
    (record,) = _lines(capsys)
    assert record["format"] == "2019"
    rows = record["report"]["section3"]["rows"]
    assert "R3.6" in rows and "R3.6.1" not in rows and list(rows).index("R3.6") == list(rows).index("R3.7") - 1
    assert rows["R3.6"]["values"][-1] == sample.cells["3.R3.6.total"]
    assert record["report"]["section2_2019"]["procurement.amount"] == str(sample.cells["2.2019.procurement.amount"])
    assert all(f["severity"] == "info" for f in record["findings"])
    # The record's report is our export schema: it reads back as a report of its own.
    json_path = tmp_path / "old.json"
    json_path.write_text(json.dumps(record["report"], ensure_ascii=False), encoding="utf-8")
    call_command("annual_report", "audit", str(json_path), "--json")
    (again,) = _lines(capsys)
    assert again["kind"] == "json" and again["format"] == "2019"
    assert again["report"]["section3"]["rows"]["R3.6"] == rows["R3.6"]
