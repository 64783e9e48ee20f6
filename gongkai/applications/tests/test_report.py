"""Section 三 of the annual report, computed from the cases: rows, columns, carry-over and the consistency rule."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from gongkai.agencies.models import Agency
from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.selectors import (
    COLUMNS,
    ROWS,
    application_fees_charged,
    application_report_table,
    application_topics,
)
from gongkai.applications.services import application_deadline
from gongkai.applications.tests.factories import make_application, organisation, person, reply
from gongkai.audit.models import AuditEvent
from gongkai.workdays.selectors import workday_calendar

D = dt.date


def values(table, row):
    return [table[row][c].value for c in COLUMNS]


def assert_consistent(table):
    for column in COLUMNS:
        assert table["R1"][column].value + table["R2"][column].value == (
            table["R3.7"][column].value + table["R4"][column].value
        ), column
        outcome_rows = [r for r in ROWS if r.startswith("R3.") and r != "R3.7"]
        assert sum(table[r][column].value for r in outcome_rows) == table["R3.7"][column].value
    for row in ROWS:
        assert sum(table[row][c].value for c in COLUMNS[:-1]) == table[row]["total"].value


def test_the_table_has_the_25_rows_and_7_columns_of_the_2021_format(tree):
    table = application_report_table(agencies=[tree["prefecture"]], year=2024)
    assert list(table) == ROWS and len(ROWS) == 25
    assert all(list(cells) == COLUMNS for cells in table.values())
    assert all(
        cell.value == 0 and cell.model == "applications.application" for c in table.values() for cell in c.values()
    )


def test_cases_land_in_their_rows_and_columns_and_the_corner_rule_holds(tree, alice):
    gov = tree["prefecture"]
    a = make_application(alice, gov, D(2024, 3, 4))
    reply(alice, a, "disclosed", D(2024, 3, 20))
    b = make_application(alice, gov, D(2024, 5, 6), organisation("research"))
    reply(alice, b, "partly_disclosed", D(2024, 5, 20))
    c = make_application(alice, gov, D(2024, 12, 23), organisation("legal_service"))  # open at year end
    old = make_application(alice, gov, D(2023, 12, 20), person())  # carried over, closed in 2024
    reply(alice, old, "not_processed_repeat", D(2024, 1, 5))
    closed_2023 = make_application(alice, gov, D(2023, 6, 1))
    reply(alice, closed_2023, "disclosed", D(2023, 6, 5))
    table = application_report_table(agencies=[gov], year=2024)
    assert table["R1"]["natural"].ids == (a.pk,)
    assert table["R1"]["total"].value == 3
    assert table["R2"]["natural"].ids == (old.pk,)
    assert table["R3.1"]["natural"].ids == (a.pk,)
    assert table["R3.2"]["research"].ids == (b.pk,)
    assert table["R3.5.2"]["natural"].ids == (old.pk,)
    assert table["R4"]["legal_service"].ids == (c.pk,)
    assert closed_2023.pk not in table["R3.7"]["total"].ids
    assert_consistent(table)


def test_a_case_open_on_31_december_is_next_years_carry_over_without_any_step(tree, alice):
    gov = tree["prefecture"]
    case = make_application(alice, gov, D(2024, 12, 27), organisation("public_interest"))
    assert application_report_table(agencies=[gov], year=2024)["R4"]["public_interest"].ids == (case.pk,)
    assert application_report_table(agencies=[gov], year=2025)["R2"]["public_interest"].ids == (case.pk,)
    reply(alice, case, "unavailable_not_held", D(2025, 1, 10))
    table_2025 = application_report_table(agencies=[gov], year=2025)
    assert table_2025["R3.4.1"]["public_interest"].ids == (case.pk,)
    assert table_2025["R4"]["total"].value == 0
    assert_consistent(table_2025)


def test_the_table_covers_exactly_the_agencies_given(tree, alice, kim):
    gov, office, county = tree["prefecture"], tree["office"], tree["county"]
    mine = make_application(alice, gov, D(2024, 4, 1))
    other = make_application(kim, county, D(2024, 4, 1))
    assert application_report_table(agencies=[gov, office], year=2024)["R1"]["total"].ids == (mine.pk,)
    rollup = application_report_table(agencies=list(Agency.objects.all()), year=2024)
    assert rollup["R1"]["total"].ids == tuple(sorted([mine.pk, other.pk]))
    subtree = Agency.objects.filter(path__startswith=county.path)  # a roll-up passes a QuerySet
    assert application_report_table(agencies=subtree, year=2024)["R1"]["total"].ids == (other.pk,)
    assert application_topics(agencies=subtree, year=2024) == []


def test_topics_are_counted_most_frequent_first(tree, alice):
    gov = tree["prefecture"]
    make_application(alice, gov, D(2024, 4, 1), topics=["征地拆迁", "项目建设"])
    make_application(alice, gov, D(2024, 4, 2), topics=["征地拆迁"])
    make_application(alice, gov, D(2023, 4, 2), topics=["统计数据"])
    assert application_topics(agencies=[gov], year=2024) == [("征地拆迁", 2), ("项目建设", 1)]


def test_fees_charged_are_the_payments_of_the_year(tree, alice):
    gov = tree["prefecture"]
    case = make_application(alice, gov, D(2024, 4, 1))
    fee = services.application_notify_fee(
        actor=alice, application=case, on=D(2024, 4, 3), method="per_page", quantity=120
    )
    services.application_record_payment(actor=alice, application=case, on=D(2024, 4, 10), receipt_number="NO.1")
    cell = application_fees_charged(agencies=[gov], year=2024)
    assert cell.value == Decimal("1100") and cell.ids == (fee.pk,) and cell.model == "applications.fee"
    assert application_fees_charged(agencies=[gov], year=2025).value == 0


def test_the_demo_reproduces_the_seed_reports_section_three_cell_for_cell(db):
    call_command("demo_load", "--quiet-logins")
    seed = json.loads((Path(settings.BASE_DIR) / "tests" / "data" / "seed_2024.json").read_text())
    agencies = list(Agency.objects.filter(slug__in=["qdn", "qdn-office"]))
    table = application_report_table(agencies=agencies, year=2024)
    assert len(seed["section3"]) == 25
    for row, expected in seed["section3"].items():
        assert values(table, row) == expected, row
    assert_consistent(table)
    topics = dict(application_topics(agencies=agencies, year=2024))
    assert {"征地拆迁", "项目建设", "统计数据", "政策文件"} <= set(topics)
    # Every case arrived on a working day, was answered within its deadline and has a reply letter.
    calendar = workday_calendar()
    for case in Application.objects.filter(agency__in=agencies, received_on__year__lte=2024):
        assert calendar.is_workday(case.received_on), case.number
        assert case.closed_on <= application_deadline(case, calendar).date, case.number
        assert case.letters.filter(kind="reply").exists()
    assert application_fees_charged(agencies=agencies, year=2024).value == 0  # the seed: 未收取信息处理费


def test_loading_the_demo_twice_adds_no_applications(db):
    call_command("demo_load", "--quiet-logins")
    counts = (Application.objects.count(), AuditEvent.objects.count())
    call_command("demo_load", "--quiet-logins")
    assert (Application.objects.count(), AuditEvent.objects.count()) == counts
    assert Application.objects.filter(received_on__year__gte=2026, status="in_progress").exists()
