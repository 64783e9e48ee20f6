"""Where each number of the report comes from: the report-cell selectors of the domain apps.

This is the only module of the annual report that knows the other apps, and it reads them only through their
selectors (docs/annual-report.md lists every cell and the selector that counts it).
"""

from decimal import Decimal

from gongkai.annual_reports.figures import ReportFigures
from gongkai.core.stats import Cell


def compile_figures(*, agencies, year: int) -> ReportFigures:
    """Every number of one report, for the records of `agencies` in `year`."""
    from gongkai.analytics.selectors import analytics_site_totals
    from gongkai.appeals.selectors import appeal_report_cells
    from gongkai.applications.selectors import application_fees_charged, application_report_table, application_topics
    from gongkai.catalogue.selectors import catalogue_article20_1, catalogue_items_published
    from gongkai.enforcement.selectors import enforcement_article20
    from gongkai.gazette.selectors import gazette_counts
    from gongkai.participation.selectors import interpretation_count, participation_counts
    from gongkai.supervision.selectors import newmedia_followers, training_count

    agencies = list(agencies)
    section1: dict[str, Cell] = {"items_published": catalogue_items_published(agencies=agencies, year=year)}
    section1 |= participation_counts(agencies=agencies, year=year)
    section1["policy_interpretations"] = interpretation_count(agencies=agencies, year=year)
    section1 |= gazette_counts(agencies=agencies, year=year)
    section1 |= analytics_site_totals(agencies=agencies, year=year)
    section1 |= newmedia_followers(agencies=agencies, year=year)
    section1["training_sessions"] = training_count(agencies=agencies, year=year)
    section2 = catalogue_article20_1(agencies=agencies, year=year) | enforcement_article20(agencies=agencies, year=year)
    fees = application_fees_charged(agencies=agencies, year=year)
    return ReportFigures(
        section1=section1,
        section2=section2,
        section3=application_report_table(agencies=agencies, year=year),
        section4=appeal_report_cells(agencies=agencies, year=year),
        fees_charged=fees if fees is not None else Cell(Decimal("0")),
        topics=application_topics(agencies=agencies, year=year),
    )


def compile_applications_table(*, agencies, year: int) -> ReportFigures:
    """Only table 三, for a year that has no saved report: enough for the carry-over continuity check."""
    from gongkai.applications.selectors import application_report_table

    return ReportFigures(section3=application_report_table(agencies=list(agencies), year=year))
