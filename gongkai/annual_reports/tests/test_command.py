import json

import pytest
from django.core.management import CommandError, call_command

from gongkai.annual_reports.tests.test_workflow import figures  # noqa: F401  (the fixture)


def test_compile_prints_every_table(tree, figures, capsys):  # noqa: F811
    call_command("annual_report", "compile", "--agency", "qdn", "--year", "2024")
    out = capsys.readouterr().out
    assert "黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告" in out
    assert "R1      40 0 0 0 0 1 41" in out
    assert "1 0 0 1 2 0 0 0 0 0 0 0 0 1 1" in out


def test_check_passes_on_the_drafted_report_but_names_the_missing_section_five(tree, figures, capsys):  # noqa: F811
    with pytest.raises(CommandError):
        call_command("annual_report", "check", "--agency", "qdn", "--year", "2024")
    assert "第五部分" in capsys.readouterr().out


def test_export_writes_the_file(tree, figures, tmp_path):  # noqa: F811
    out = tmp_path / "r.json"
    call_command("annual_report", "export", "--agency", "qdn", "--year", "2024", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["section3"]["rows"]["R1"]["values"][-1] == 41


def test_an_unknown_agency_is_an_error(db):
    with pytest.raises(CommandError, match="没有网址代码"):
        call_command("annual_report", "compile", "--agency", "nowhere", "--year", "2024")
