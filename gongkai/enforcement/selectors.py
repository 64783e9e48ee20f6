"""Reads of Article 20 records: the portal's published penalty decisions and the annual report's section 二 cells."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Sum

from gongkai.core.stats import Cell, cell_of
from gongkai.enforcement.models import Decision, DecisionKind, FeeRecord

TEN_THOUSAND = Decimal(10_000)


def penalties_published(agency) -> QuerySet[Decision]:
    """条例 第二十条（六）: the penalty decisions the agency judged of social impact and published."""
    return Decision.objects.filter(
        agency=agency, kind=DecisionKind.PENALTY, social_impact=True, published_on__isnull=False
    ).order_by("-decided_on", "-id")


def licensing_results(agency) -> QuerySet[Decision]:
    """条例 第二十条（五） and 行政许可法 第四十条: the results of licensing are public, every decision."""
    return Decision.objects.filter(agency=agency, kind=DecisionKind.LICENSING).order_by("-decided_on", "-id")


@dataclass(frozen=True)
class FeeItem:
    item: str
    basis: str
    year_total: Decimal  # yuan collected under the item in the year shown
    last_collected: object


def fee_items(agency, year: int) -> list[FeeItem]:
    """条例 第二十条（八）: the fee items the agency collects, with their basis and rate, and the year's amounts."""
    rows = (
        FeeRecord.objects.filter(agency=agency)
        .values("item", "basis")
        .annotate(
            year_total=Sum("amount", filter=Q(collected_on__year=year)),
            last_collected=Max("collected_on"),
        )
        .order_by("item", "basis")
    )
    return [FeeItem(r["item"], r["basis"], r["year_total"] or Decimal(0), r["last_collected"]) for r in rows]


def enforcement_article20(*, agencies, year: int) -> dict[str, Cell]:
    """Section 二 blocks (五), (六) and (八): decisions made in the year by kind, and fees collected in 万元.

    `fees_10k_yuan` is the exact sum of the year's fee records in yuan divided by 10,000 (a Decimal; the report
    rounds it for display) and its ids are the fee records summed.
    """
    ids = [getattr(a, "pk", a) for a in agencies]
    decisions = Decision.objects.filter(agency_id__in=ids, decided_on__year=year)
    cells = {
        key: cell_of(
            "enforcement.decision",
            decisions.filter(kind=kind).values_list("pk", flat=True),
            f"第二十条：本年{kind.label}决定数量",
        )
        for key, kind in (
            ("licensing", DecisionKind.LICENSING),
            ("penalty", DecisionKind.PENALTY),
            ("coercive", DecisionKind.COERCIVE),
        )
    }
    fees = FeeRecord.objects.filter(agency_id__in=ids, collected_on__year=year)
    total = fees.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    cells["fees_10k_yuan"] = Cell(
        total / TEN_THOUSAND,
        "enforcement.feerecord",
        tuple(sorted(fees.values_list("pk", flat=True))),
        "第二十条第（八）项：本年收费金额（元）÷10000",
    )
    return cells
