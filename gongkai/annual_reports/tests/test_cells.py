"""Each cell's records are exactly the ones it counts: counted in SQL, listed by the cell's filter, frozen as such.

The demo's records, compiled for 黔东南州 and for its whole subtree; table 三 is checked against the models' own
rules (`Application.report_row`, `Applicant.report_column`), one case at a time.
"""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from gongkai.agencies.models import Agency
from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.models import AnnualReport, ReportScope
from gongkai.annual_reports.selectors import report_agencies, report_figures_compile
from gongkai.annual_reports.structure import TABLE2_COLUMN_CODES, TABLE2_ROW_CODES
from gongkai.applications.models import Application
from gongkai.catalogue.models import DocumentType, Item, ItemStatus


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_load", "--quiet-logins")
        yield
        transaction.set_rollback(True)


def _expected_table_three(agencies, year: int) -> dict[tuple[str, str], set[int]]:
    """Where each case of these agencies falls in `year`, by the models' rules (条例 第三十一条 for receipt)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    expected: dict[tuple[str, str], set[int]] = {}
    for case in Application.objects.filter(agency__in=agencies).select_related("applicant"):
        if case.received_on > last or (case.closed_on is not None and case.closed_on < first):
            continue
        rows = ["R1" if case.received_on >= first else "R2"]
        rows += ["R4"] if case.closed_on is None or case.closed_on > last else [case.report_row, "R3.7"]
        for row in rows:
            for column in (case.applicant.report_column, "total"):
                expected.setdefault((row, column), set()).add(case.pk)
    return expected


def _filter_cells(figures: ReportFigures):
    """The cells counted by a filter rather than listed by id (the large counts)."""
    cells = [*figures.section1.values(), *figures.section2.values(), *figures.section4.values()]
    cells += [cell for row in figures.section3.values() for cell in row.values()]
    return [cell for cell in cells if cell.where is not None]


@pytest.mark.parametrize("scope", [ReportScope.AGENCY, ReportScope.ROLLUP])
def test_every_table_three_cell_lists_the_cases_the_models_rules_put_there(demo, db, scope):
    agency = Agency.objects.get(slug="qdn")
    figures = report_figures_compile(agency=agency, year=2024, scope=scope)
    expected = _expected_table_three(report_agencies(agency, scope), 2024)
    assert expected, "the demo has cases in 2024"
    for row in TABLE2_ROW_CODES:
        for column in TABLE2_COLUMN_CODES:
            cell = figures.t2(row, column)
            assert cell.where is not None and cell.model == "applications.application"
            assert set(cell.ids) == expected.get((row, column), set()), (row, column)
            assert cell.value == len(cell.ids), (row, column)


@pytest.mark.parametrize("scope", [ReportScope.AGENCY, ReportScope.ROLLUP])
def test_the_article_20_cells_list_the_documents_item_in_force_on_counts(demo, db, scope):
    agency = Agency.objects.get(slug="qdn")
    figures = report_figures_compile(agency=agency, year=2024, scope=scope)
    year_end = dt.date(2024, 12, 31)
    published = Item.objects.filter(agency__in=report_agencies(agency, scope), status=ItemStatus.PUBLISHED)
    for key, kind in (("rules", DocumentType.RULES), ("normative", DocumentType.NORMATIVE)):
        documents = list(published.filter(document_type=kind))
        expected = {
            "issued": {d.pk for d in documents if d.date_written and d.date_written.year == 2024},
            "repealed": {d.pk for d in documents if d.repealed_on and d.repealed_on.year == 2024},
            "in_force": {d.pk for d in documents if d.date_written and d.date_written <= year_end and d.in_force_on(year_end)},
        }  # fmt: skip
        for name, pks in expected.items():
            assert set(figures.s2(f"{key}.{name}").ids) == pks, (key, name)
    assert figures.s2("normative.in_force").value > 0


@pytest.mark.parametrize("scope", [ReportScope.AGENCY, ReportScope.ROLLUP])
def test_every_cell_counted_by_a_filter_lists_as_many_records_as_its_number(demo, db, scope):
    figures = report_figures_compile(agency=Agency.objects.get(slug="qdn"), year=2024, scope=scope)
    cells = _filter_cells(figures)
    assert len(cells) == 175 + 6 + 1  # table 三, 规章 and 规范性文件 (第二十条第（一）项), items published
    for cell in cells:
        assert cell.records().count() == cell.value == len(cell.ids), cell


def test_a_frozen_roll_up_keeps_each_cells_filter_and_lists_the_same_records(demo, db):
    agency = Agency.objects.get(slug="qdn")
    figures = report_figures_compile(agency=agency, year=2024, scope=ReportScope.ROLLUP)
    text = json.dumps(figures.to_json())
    snapshot = json.loads(text)  # as the JSON field stores it
    assert "where" in snapshot["section3"]["R1"]["total"] and "ids" not in snapshot["section3"]["R1"]["total"]
    members = sorted(a.pk for a in report_agencies(agency, ReportScope.ROLLUP))
    assert len(members) > 20 and [sorted(ids) for ids in snapshot["lists"]] == [members]  # once, not per cell
    assert "where" in snapshot["section1"]["items_published"]
    frozen = ReportFigures.from_json(snapshot)
    assert frozen.values() == figures.values()
    for live, kept in zip(_filter_cells(figures), _filter_cells(frozen), strict=True):
        assert kept.ids == live.ids


def test_the_drill_down_of_a_frozen_cell_says_it_lists_todays_records(demo, db, client):
    from gongkai.accounts.models import User

    report = AnnualReport.objects.get(agency__slug="qdn", year=2024)  # published, so frozen
    client.force_login(User.objects.get(username="clerk"))
    page = client.get(f"/staff/annual-reports/{report.pk}/cells/3.R1.total/").content.decode()
    assert "数字已在批准时冻结" in page
    frozen = report.snapshot["section3"]["R1"]["total"]["value"]
    assert page.count("/staff/history/applications.application/") == frozen
    page = client.get(f"/staff/annual-reports/{report.pk}/cells/4.C15/").content.decode()
    assert "数字已在批准时冻结" not in page and page.count("/staff/history/appeals.lawsuit/") == 1
