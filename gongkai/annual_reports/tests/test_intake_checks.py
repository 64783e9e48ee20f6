"""The checks on imported reports: no false alarm on real reports, every planted inconsistency found."""

import copy

import pytest

from gongkai.annual_reports.checks import CheckContext, ReportText, run_checks
from gongkai.annual_reports.intake.audit import audit_parsed
from gongkai.annual_reports.intake.parse import parse_text
from gongkai.annual_reports.narrative import draft_section1
from gongkai.annual_reports.narrative_checks import ZERO_ACHIEVEMENT
from gongkai.annual_reports.tests.corpus import SEED, corpus_files, corpus_text
from gongkai.annual_reports.tests.seed import seed_figures, seed_text
from gongkai.core.stats import Cell

# The inconsistencies the corpus README lists that a text check can see, and nothing else.
KNOWN = {
    "008.txt": {"layout.year"},  # a 2023 report printing the 2019 table
    "017.txt": {"narrative.parts"},  # 1271 stated, 581+600+150 = 1331 listed
    "028.txt": {"narrative.parts"},  # 141 stated, then "其中…17条…28条…8条"
}


def _above_info(findings, skip=("completeness",)):
    return {f.rule for f in findings if f.severity != "info" and f.rule not in skip}


def test_the_clean_complete_real_report_raises_nothing_above_info():
    findings = audit_parsed(parse_text(corpus_text("001.txt")))
    assert [f for f in findings if f.severity != "info"] == []
    # Its blank columns are named, as information, and the sums that need them say they cannot be verified.
    assert {"cells.blank", "table2.balance", "table2.row_total"} <= {f.rule for f in findings}


@pytest.mark.parametrize("name", corpus_files())
def test_each_real_report_raises_only_its_known_inconsistencies(name):
    # Fragments miss sections (a completeness warning each); nothing else above info but the known problems.
    assert _above_info(audit_parsed(parse_text(corpus_text(name)))) == KNOWN.get(name, set())


def test_the_seed_report_as_imported_has_only_the_known_received_wording_warning():
    findings = audit_parsed(parse_text(SEED.read_text(encoding="utf-8")))
    assert [(f.rule, f.severity) for f in findings if f.severity != "info"] == [("narrative.received", "warning")]


def test_a_rule_that_needs_a_blank_cell_says_it_cannot_be_verified_not_an_error():
    text = corpus_text("001.txt").replace("（七）总计 | 26 |", "（七）总计 |  |")
    findings = audit_parsed(parse_text(text))
    assert not [f for f in findings if f.severity == "error"]
    outcomes = [f for f in findings if f.rule == "table2.outcomes"]
    assert outcomes and "无法核验" in outcomes[0].message and "3.R3.7.natural" in outcomes[0].cells
    # A blank total whose parts hold numbers is worth a warning.
    blank = [f for f in findings if f.rule == "cells.blank" and f.severity == "warning"]
    assert blank and "3.R3.7.natural" in blank[0].cells


def test_a_table_that_does_not_add_up_in_an_imported_report_is_an_error():
    text = corpus_text("001.txt").replace("（七）总计 | 26 |", "（七）总计 | 25 |")
    findings = audit_parsed(parse_text(text))
    assert {"table2.outcomes", "table2.balance"} <= {f.rule for f in findings if f.severity == "error"}
    # The row's total beside blank organisation cells cannot be verified, but fails even reading blanks as 0.
    row_total = [f for f in findings if f.rule == "table2.row_total" and f.severity == "warning"]
    assert row_total and "不相符" in row_total[0].message


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年度我局共收到依申请信息公开27件",
        "2023年，我局共受理政府信息公开申请27件",
        "2023年新收政府信息公开申请27件",
        "全年接收群众提交的政府信息公开申请27件",
    ],
)
def test_every_wording_for_received_is_checked_against_row_one(sentence):
    text = corpus_text("001.txt").replace("2023年度我局共收到依申请信息公开26件", sentence)
    received = [f for f in audit_parsed(parse_text(text)) if f.rule == "narrative.received"]
    assert len(received) == 1 and received[0].severity == "error" and "26" in received[0].message


def test_a_deputys_suggestion_received_is_not_an_application():
    text = corpus_text("001.txt").replace("及时回复申请人", "另收到人大代表建议1件，及时回复申请人")
    assert not [f for f in audit_parsed(parse_text(text)) if f.rule == "narrative.received"]


def test_none_received_is_checked_as_zero():
    text = corpus_text("001.txt").replace("2023年度我局共收到依申请信息公开26件", "2023年度我局未收到政府信息公开申请")
    received = [f for f in audit_parsed(parse_text(text)) if f.rule == "narrative.received"]
    assert len(received) == 1 and received[0].severity == "error"


def test_narrative_figures_per_applicant_type_and_outcome_are_checked():
    base = corpus_text("001.txt")
    agree = base.replace("及时回复申请人", "其中自然人申请26件，予以公开26件，及时回复申请人")
    assert not {f.rule for f in audit_parsed(parse_text(agree))} & {"narrative.applicants", "narrative.outcomes"}
    wrong = base.replace(
        "及时回复申请人", "其中自然人申请20件，法人或其他组织6件，予以公开24件，不予公开2件，及时回复申请人"
    )
    findings = audit_parsed(parse_text(wrong))
    applicants = [f for f in findings if f.rule == "narrative.applicants"]
    outcomes = [f for f in findings if f.rule == "narrative.outcomes"]
    # 自然人 disagrees; the organisation columns are blank in this report, so 法人 cannot be verified.
    assert [(f.severity, f.cells[0]) for f in applicants] == [("warning", "3.R1.natural"), ("info", "3.R1.business")]
    assert len(outcomes) == 2 and {c for f in outcomes for c in f.cells} >= {"3.R3.1.total", "3.R3.3.1.total"}


def test_a_narrative_total_against_its_own_parts():
    base = corpus_text("001.txt")
    broken = base.replace("政府网站信息185条", "政府网站信息186条")
    parts = [f for f in audit_parsed(parse_text(broken)) if f.rule == "narrative.parts"]
    assert len(parts) == 1 and "249" in parts[0].message and "250" in parts[0].message
    # "其中" naming one subset is not a breakdown.
    subset = base.replace("全年受理网络问政182件。", "全年发布文件30件，其中规范性文件8件。")
    assert not [f for f in audit_parsed(parse_text(subset)) if f.rule == "narrative.parts"]


def test_a_zero_written_as_an_achievement_is_flagged():
    text = corpus_text("001.txt").replace("全年受理网络问政182件。", "全年网站总访问量达到0次。")
    zero = [f for f in audit_parsed(parse_text(text)) if f.rule == "narrative.zero_achievement"]
    assert len(zero) == 1 and zero[0].severity == "warning" and "达到0次" in zero[0].message


def test_the_draft_never_writes_a_zero_as_an_achievement():
    figures = seed_figures()
    for code in ("site_visits", "site_page_views", "daily_visitors", "new_visitors", "wechat_subscribers"):
        figures.section1[code] = Cell(0)
    figures.section1["training_sessions"] = Cell(0)
    drafted = draft_section1(figures, agency_name="某局", year=2024)
    text = "\n".join(drafted.values())
    assert not ZERO_ACHIEVEMENT.search(text) and "访问量" not in text and "培训0期" not in text
    findings = run_checks(CheckContext(figures, ReportText(drafted, "问题", "改进", "其他")))
    assert not [f for f in findings if f.rule == "narrative.zero_achievement"]


def test_a_2020_report_in_the_2021_layout_is_flagged_and_a_2023_one_is_not():
    text = corpus_text("001.txt").replace("2023年政府信息公开年度报告", "2020年政府信息公开年度报告", 1)
    findings = audit_parsed(parse_text(text))
    assert [f.rule for f in findings if f.rule == "layout.year"] == ["layout.year"]
    assert not [f for f in audit_parsed(parse_text(corpus_text("001.txt"))) if f.rule == "layout.year"]


def test_continuity_with_an_imported_previous_year_per_column():
    now = parse_text(corpus_text("001.txt"))
    previous = copy.deepcopy(seed_figures())  # its 结转下年度 total is 7, this year's 上年结转 is 0
    findings = audit_parsed(now, previous=previous)
    continuity = [f for f in findings if f.rule == "table2.continuity"]
    assert any(f.severity == "warning" and f.cells == ("3.R2.total",) for f in continuity)
    # The blank columns of this year cannot be compared: information, not a warning.
    assert any(f.severity == "info" and "3.R2.business" in f.cells for f in continuity)


def test_compiled_report_checks_are_unchanged_for_the_seed():
    findings = run_checks(CheckContext(seed_figures(), seed_text()))
    assert [(f.rule, f.severity) for f in findings if f.severity != "info"] == [("narrative.received", "warning")]
