"""Article 49: reports not on the portal by 31 January (departments) or 31 March (governments) are flagged."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from gongkai.accounts.models import Role
from gongkai.catalogue.models import Item
from gongkai.catalogue.services.configuration import category_tree_ensure_default
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.supervision.annual_reports import (
    annual_reports_not_published_in_time,
    latest_year_due,
    report_deadline,
)

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("kind", "today", "year", "deadline"),
    [
        ("department", dt.date(2025, 1, 31), 2023, dt.date(2024, 1, 31)),  # on the deadline day, not yet late
        ("department", dt.date(2025, 2, 1), 2024, dt.date(2025, 1, 31)),
        ("department", dt.date(2025, 12, 31), 2024, dt.date(2025, 1, 31)),
        ("government", dt.date(2025, 3, 31), 2023, dt.date(2024, 3, 31)),
        ("government", dt.date(2025, 4, 1), 2024, dt.date(2025, 3, 31)),
        ("township", dt.date(2025, 4, 1), 2024, dt.date(2025, 3, 31)),
        ("government", dt.date(2025, 2, 15), 2023, dt.date(2024, 3, 31)),
    ],
)
def test_the_article_49_deadline_and_the_year_due(kind, today, year, deadline):
    agency = type("A", (), {"kind": kind})()
    assert latest_year_due(agency, today) == year
    assert report_deadline(agency, year) == deadline


@pytest.fixture
def reports(tree, alice, rob, ann, adam):
    for agency in (tree["prefecture"], tree["finance"], tree["county"]):
        category_tree_ensure_default(actor=None, agency=agency)
    qdn, finance = tree["prefecture"], tree["finance"]
    reviewers = [rob, second_reviewer(qdn), ann]
    year = latest_year_due(qdn, TODAY)
    on_time = publish(
        alice, qdn, reviewers, title=f"黔东南州人民政府{year}年政府信息公开工作年度报告", category_code="reports"
    )
    Item.objects.filter(pk=on_time.pk).update(
        published_at=timezone.make_aware(dt.datetime.combine(report_deadline(qdn, year), dt.time(9)))
    )
    return {"year": year, "finance_year": latest_year_due(finance, TODAY)}


def test_missing_reports_are_flagged_and_a_report_on_time_is_not(reports, tree):
    checks = annual_reports_not_published_in_time(agencies=list(tree.values()), today=TODAY)
    assert [(c.agency.slug, c.item) for c in checks] == [("qdn-czj", None), ("kaili", None)]
    assert {c.agency.slug: c.deadline for c in checks}["kaili"].month == 3


def test_a_report_published_after_the_deadline_is_flagged_as_late(reports, tree, alice, login, sue):
    finance = tree["finance"]
    year = reports["finance_year"]
    clerk = make_user("fclerk", (finance, Role.CLERK))
    reviewers = [make_user("fr1", (finance, Role.REVIEWER)), make_user("fr2", (finance, Role.REVIEWER)),
                 make_user("fa", (finance, Role.APPROVER))]  # fmt: skip
    late = publish(
        clerk, finance, reviewers, title=f"州财政局{year}年政府信息公开工作年度报告", category_code="reports"
    )
    Item.objects.filter(pk=late.pk).update(
        published_at=timezone.make_aware(
            dt.datetime.combine(report_deadline(finance, year) + dt.timedelta(1), dt.time(9))
        )
    )
    checks = {c.agency.slug: c for c in annual_reports_not_published_in_time(agencies=list(tree.values()), today=TODAY)}
    assert checks["qdn-czj"].is_late and checks["qdn-czj"].item.pk == late.pk
    page = login(sue).get("/staff/supervision/annual-reports/").content.decode()
    assert "逾期公开" in page and "凯里市人民政府" in page and "未公开" in page
    assert login(sue).get("/staff/supervision/").context["reports_not_in_time"] == 2
