"""Reads: the work queue, the public status page, and the annual report's section 三 (the contract below).

The annual report calls exactly these three:
- application_report_table(*, agencies, year) -> dict[row code, dict[column, Cell]]
- application_topics(*, agencies, year) -> list[(topic, count)]
- application_fees_charged(*, agencies, year) -> Cell (yuan)
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from gongkai.applications.models import OUTCOME_TABLE, ApplicantKind, Application, Fee, Status, Topic
from gongkai.core.stats import Cell, cell_of

MODEL = "applications.application"
COLUMNS = ["natural", "business", "research", "public_interest", "legal_service", "other", "total"]
ROWS = (
    ["R1", "R2", "R3.1", "R3.2"]
    + [f"R3.3.{i}" for i in range(1, 9)]
    + [f"R3.4.{i}" for i in range(1, 4)]
    + [f"R3.5.{i}" for i in range(1, 6)]
    + [f"R3.6.{i}" for i in range(1, 4)]
    + ["R3.7", "R4"]
)
ROW_SOURCES = {
    "R1": "Art 31 receipt date in the year",
    "R2": "received before the year, not closed before 1 January",
    "R3.7": "closed in the year, any outcome",
    "R4": "received by 31 December, not closed by 31 December",
}


def _agency_ids(agencies):
    """Agencies as ids; a QuerySet (a whole subtree) stays a subquery rather than thousands of parameters."""
    if isinstance(agencies, QuerySet):
        return agencies.values("pk")
    return [getattr(a, "pk", a) for a in agencies]


def application_report_table(*, agencies, year: int) -> dict[str, dict[str, Cell]]:
    """Section 三 of the annual report (国办公开办函〔2021〕30号): 25 rows × 7 columns, each cell with its cases.

    One query reads every case that touches the year; each case lands in R1 or R2 (how it entered the year) and
    in exactly one of R3.* or R4 (how it left it), so R1 + R2 = R3.7 + R4 holds per column by construction.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Application.objects.filter(agency_id__in=_agency_ids(agencies), received_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .order_by()  # the cells need no order; the default newest-first sort would cost a sort of every row
        .values_list("pk", "received_on", "closed_on", "outcome", "applicant__kind", "applicant__organisation_type")
    )
    ids: dict[str, dict[str, list[int]]] = {row: {col: [] for col in COLUMNS} for row in ROWS}
    for pk, received_on, closed_on, outcome, kind, organisation_type in rows.iterator():
        column = "natural" if kind == ApplicantKind.NATURAL else (organisation_type or "other")
        entered = "R1" if received_on >= first else "R2"
        left = "R4" if closed_on is None or closed_on > last else OUTCOME_TABLE[outcome][0]
        targets = [entered, left] + (["R3.7"] if left != "R4" else [])
        for row in targets:
            ids[row][column].append(pk)
            ids[row]["total"].append(pk)
    return {
        row: {
            col: cell_of(MODEL, ids[row][col], ROW_SOURCES.get(row, "closed in the year with this outcome"))
            for col in COLUMNS
        }
        for row in ROWS
    }


def application_topics(*, agencies, year: int) -> list[tuple[str, int]]:
    """What the year's new applications (R1) were about: (topic, count), most frequent first."""
    counts = (
        Topic.objects.filter(applications__agency_id__in=_agency_ids(agencies), applications__received_on__year=year)
        .annotate(n=Count("applications", distinct=True))
        .order_by("-n", "name")
        .values_list("name", "n")
    )
    return [(name, n) for name, n in counts]


def application_fees_charged(*, agencies, year: int) -> Cell:
    """信息处理费 paid in the year, in yuan (section 六); the cell lists the Fee records."""
    paid = Fee.objects.filter(application__agency_id__in=_agency_ids(agencies), paid_on__year=year)
    pairs = list(paid.values_list("pk", "amount"))
    total = sum((amount for _pk, amount in pairs), Decimal("0"))
    return Cell(total, "applications.fee", tuple(sorted(pk for pk, _a in pairs)), "fees paid in the year (yuan)")


# ------------------------------------------------------------------------------------------ pages
def application_queue(applications: QuerySet[Application], *, state: str = "") -> QuerySet[Application]:
    """Open cases by deadline (cases whose clock is stopped last); `state` filters due_soon / overdue."""
    queue = applications.exclude(status=Status.CLOSED).select_related("applicant", "handler", "agency")
    if state:
        queue = queue.filter(alert_state=state)
    return queue.order_by(F("due_on").asc(nulls_last=True), "received_on", "pk")


def application_by_tracking_code(code: str) -> Application | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Application.objects.select_related("agency").filter(tracking_code=code).first()
