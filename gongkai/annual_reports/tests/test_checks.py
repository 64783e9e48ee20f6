"""The consistency rules on the seed report and on deliberately broken copies of it."""

import copy

from gongkai.annual_reports.checks import CheckContext, ReportText, run_checks
from gongkai.annual_reports.tests.seed import seed_figures, seed_text
from gongkai.core.stats import Cell


def _findings(figures=None, text=None, previous=None):
    return run_checks(CheckContext(figures or seed_figures(), text or seed_text(), previous))


def _rules(findings, severity=None):
    return [f.rule for f in findings if severity is None or f.severity == severity]


def test_the_seed_report_has_no_errors_only_the_known_received_count_warning():
    findings = _findings()
    assert _rules(findings, "error") == []
    warnings = [f for f in findings if f.severity == "warning"]
    assert [f.rule for f in warnings] == ["narrative.received"]
    message = warnings[0].message
    assert "42" in message and "41" in message and "1" in message
    assert warnings[0].cells == ("3.R1.total", "3.R2.total")


def test_every_narrative_number_of_the_seed_is_understood_and_agrees():
    # Each figure of section 一 is checked: changing one makes exactly that claim fail.
    for address, code in [
        ("1.concern_responses", "concern_responses"),
        ("1.site_visits", "site_visits"),
        ("1.wechat_subscribers", "wechat_subscribers"),
        ("1.gazette_copies", "gazette_copies"),
        ("1.items_published", "items_published"),
    ]:
        figures = seed_figures()
        figures.section1[code] = Cell(figures.s1(code).value * 2)
        findings = [f for f in _findings(figures) if f.rule == "narrative.numbers"]
        assert [f.cells for f in findings] == [(address,)], code


def test_a_column_that_does_not_balance_is_an_error_naming_its_cells():
    figures = seed_figures()
    figures.section3["R1"]["natural"] = Cell(39)
    findings = _findings(figures)
    balance = [f for f in findings if f.rule == "table2.balance"]
    assert len(balance) == 1 and balance[0].severity == "error"
    assert "自然人" in balance[0].message
    assert "3.R1.natural" in balance[0].cells
    assert "table2.row_total" in _rules(findings, "error")  # the row's total no longer adds up either


def test_an_outcome_total_that_is_not_the_sum_of_its_rows_is_an_error():
    figures = seed_figures()
    figures.section3["R3.4.1"]["total"] = Cell(11)
    assert "table2.outcomes" in _rules(_findings(figures), "error")


def test_appeal_totals_must_be_the_sum_of_their_four_parts():
    figures = seed_figures()
    figures.section4["C5"] = Cell(3)
    findings = [f for f in _findings(figures) if f.rule == "table3.totals"]
    assert len(findings) == 1 and "行政复议 总计" in findings[0].message


def test_continuity_with_last_years_carry_over():
    previous = seed_figures()
    assert "table2.continuity" not in _rules(_findings(previous=_with_carry_over(previous, 1)), "warning")
    findings = [f for f in _findings(previous=_with_carry_over(previous, 2)) if f.rule == "table2.continuity"]
    assert findings and findings[0].severity == "warning" and "其他" in findings[0].message


def _with_carry_over(figures, other):
    previous = copy.deepcopy(figures)
    previous.section3["R4"] = {col: Cell(0) for col in previous.section3["R4"]}
    previous.section3["R4"]["other"] = Cell(other)
    previous.section3["R4"]["total"] = Cell(other)
    return previous


def test_a_received_count_that_matches_nothing_is_an_error():
    text = seed_text()
    text = ReportText(
        {**text.section1, "on_application": "2024年共收到政府信息公开申请50件。"},
        text.problems,
        text.improvements,
        text.other,
    )
    findings = [f for f in _findings(text=text) if f.rule == "narrative.received"]
    assert findings[0].severity == "error"


def test_empty_sections_make_the_report_incomplete():
    text = ReportText({}, "", "", "")
    errors = [f for f in _findings(text=text) if f.rule == "completeness"]
    assert len(errors) == 7  # five parts of 一, 五 and 六


def test_claiming_no_fees_while_fees_were_charged_is_flagged():
    from decimal import Decimal

    figures = seed_figures()
    figures.fees_charged = Cell(Decimal("300"))
    assert "narrative.fees" in _rules(_findings(figures), "warning")
