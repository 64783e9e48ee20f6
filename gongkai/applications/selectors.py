"""Reads: the work queue, the public status page, and the annual report's section 三 (the contract below).

The annual report calls exactly these three:
- application_report_table(*, agencies, year) -> dict[row code, dict[column, Cell]]
- application_topics(*, agencies, year) -> list[(topic, count)]
- application_fees_charged(*, agencies, year) -> Cell (yuan)
"""

import datetime as dt
import hmac
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When

from gongkai.applications.models import OUTCOME_TABLE, Applicant, ApplicantKind, Application, Fee, Status, Topic
from gongkai.core.stats import Cell, NotIndexed, cell_where

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
_ORGANISATION_KINDS = [kind for kind in ApplicantKind.values if kind != ApplicantKind.NATURAL]
# Which applicants each column counts: the applicant's kind, then an organisation's type (untyped is 其他).
COLUMN_FILTERS = {
    "natural": Q(applicant__kind=ApplicantKind.NATURAL),
    **{
        column: Q(applicant__kind__in=_ORGANISATION_KINDS, applicant__organisation_type=column)
        for column in COLUMNS[1:5]
    },
    "other": Q(applicant__kind__in=_ORGANISATION_KINDS, applicant__organisation_type__in=["other", ""]),
    "total": Q(),
}


def _applicant_column(prefix: str) -> Case:
    """The column an applicant is counted in (see `Applicant.report_column`), as SQL over `prefix` + fields."""
    return Case(
        When(**{f"{prefix}kind": ApplicantKind.NATURAL}, then=Value("natural")),
        When(**{f"{prefix}organisation_type": ""}, then=Value("other")),
        default=F(f"{prefix}organisation_type"),
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

    Every case that touches the year lands in R1 or R2 (how it entered the year) and in exactly one of R3.* or
    R4 (how it left it), so R1 + R2 = R3.7 + R4 holds per column by construction. One grouped count reads
    them; each cell carries the filter that selects exactly the cases it counts (its drill-down), since a
    province's roll-up counts over a million cases and listing their ids would cost more than counting them.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # 条例 第三十一条: the receipt date decides the year a case enters; the closing date the year it leaves.
    touches_year = Q(received_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gte=first))
    still_open = Q(closed_on__isnull=True) | Q(closed_on__gt=last)
    cases = (
        Application.objects.filter(agency_id__in=_agency_ids(agencies))
        .alias(received=NotIndexed("received_on"), closed=NotIndexed("closed_on"))
        .filter(Q(received__lte=last) & (Q(closed__isnull=True) | Q(closed__gte=first)))
        .order_by()  # the cells need no order; the default newest-first sort would cost a sort of every row
    )
    column_expr: Subquery | Case
    if connection.vendor == "sqlite":
        # SQLite would read the applicants in order and each one's cases at random; asking each case for its
        # applicant's column keeps the read on the cases, in order (4 s instead of 8 s for a province).
        column_expr = Subquery(
            Applicant.objects.filter(pk=OuterRef("applicant_id")).values(column=_applicant_column(""))
        )
    else:
        column_expr = _applicant_column("applicant__")
    groups = (
        cases.annotate(
            column=column_expr,
            new=Case(When(received_on__gte=first, then=Value(True)), default=Value(False)),
            left=Case(When(still_open, then=Value("R4")), default=F("outcome")),
        )
        .values_list("column", "new", "left")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    for column, new, left, n in groups:
        outcome_row = None if left == "R4" else OUTCOME_TABLE[left][0]
        for row in ["R1" if new else "R2", *(["R4"] if outcome_row is None else [outcome_row, "R3.7"])]:
            counts[row][column] += n
            counts[row]["total"] += n

    # The same partition as filters, one per row: what each cell's drill-down lists.
    closed_in_year = Q(received_on__lte=last, closed_on__gte=first, closed_on__lte=last)
    outcomes_of: dict[str, list[str]] = {}
    for outcome, (row, _basis) in OUTCOME_TABLE.items():
        outcomes_of.setdefault(row, []).append(outcome)
    row_filters = {
        "R1": Q(received_on__gte=first, received_on__lte=last),
        "R2": Q(received_on__lt=first) & touches_year,
        **{row: closed_in_year & Q(outcome__in=outcomes) for row, outcomes in outcomes_of.items()},
        "R3.7": closed_in_year,
        "R4": Q(received_on__lte=last) & still_open,
    }
    mine = Q(agency_id__in=_agency_ids(agencies))
    return {
        row: {
            col: cell_where(
                MODEL,
                counts[row][col],
                mine,
                row_filters[row],
                COLUMN_FILTERS[col],
                source=ROW_SOURCES.get(row, "closed in the year with this outcome"),
            )
            for col in COLUMNS
        }
        for row in ROWS
    }


def application_topics(*, agencies, year: int) -> list[tuple[str, int]]:
    """What the year's new applications (R1) were about: (topic, count), most frequent first."""
    counts = (
        Topic.objects.filter(applications__agency_id__in=_agency_ids(agencies))
        .alias(received=NotIndexed("applications__received_on"))
        .filter(received__year=year)  # not through the date's index: see NotIndexed
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


def application_suggestions_pending(applications: QuerySet[Application]) -> QuerySet[Application]:
    """条例 第四十四条第二款: cases whose applicant suggested proactive disclosure and that no catalogue draft
    answers yet (the work queue counts and lists them)."""
    return applications.filter(suggests_proactive=True, proactive_item__isnull=True)


def application_by_number_and_suffix(number: str, suffix: str) -> Application | None:
    """The case with this number whose applicant's phone or identity number (or credit code) ends in `suffix`.

    Every candidate is compared in constant time; a suffix shorter than six characters never matches.
    """
    number, suffix = (number or "").strip().upper(), (suffix or "").strip().upper()
    if not number or len(suffix) != 6:
        return None
    application = Application.objects.select_related("agency", "applicant").filter(number=number).first()
    if application is None:
        return None
    person = application.applicant
    candidates = [person.phone, person.id_number, person.credit_code]
    matched = False
    for value in candidates:
        value = (value or "").replace(" ", "").upper()
        if len(value) >= 6 and hmac.compare_digest(value[-6:].encode(), suffix.encode()):
            matched = True
    return application if matched else None


def application_by_tracking_code(code: str) -> Application | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Application.objects.select_related("agency").filter(tracking_code=code).first()
