"""The numbers the annual report and the dashboards count (条例 第二十条第（一）项, the report format's
section 二): each a `Cell` carrying the filter that lists its documents."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from gongkai.catalogue.models import DocumentType, Item, ItemStatus, Validity
from gongkai.catalogue.selectors.browse import agency_ids
from gongkai.core.stats import Cell, NotIndexed, cell_of, cell_where

ITEM_MODEL = "catalogue.item"


def catalogue_article20_1(*, agencies, year: int) -> dict[str, Cell]:
    """规章 and 行政规范性文件: issued in the year (date written), repealed in the year, in force on 31 December.

    条例 第二十条第（一）项 and the report format's section 二 first block. Only published documents count.
    One grouped count; each cell carries the filter that lists its documents (`Item.in_force_on` as a query).
    """
    year_end = dt.date(year, 12, 31)
    conditions = {
        "issued": (Q(date_written__year=year), "成文日期在本年"),
        "repealed": (Q(repealed_on__year=year), "废止日期在本年"),
        "in_force": (_in_force_on(year_end), "12月31日现行有效"),
    }
    base = Q(agency_id__in=agency_ids(agencies), status=ItemStatus.PUBLISHED)
    counts: dict[str, Any] = {
        row["document_type"]: row
        for row in Item.objects.filter(base, document_type__in=[DocumentType.RULES, DocumentType.NORMATIVE])
        .order_by()  # no sort: the model's newest-first ordering would force a scan of the date index
        .values("document_type")
        .annotate(**{name: Count("pk", filter=condition) for name, (condition, _source) in conditions.items()})
    }
    cells: dict[str, Cell] = {}
    for key, kind in (("rules", DocumentType.RULES), ("normative", DocumentType.NORMATIVE)):
        for name, (condition, source) in conditions.items():
            value = counts.get(kind, {}).get(name, 0)
            cells[f"{key}.{name}"] = cell_where(
                ITEM_MODEL, value, base, Q(document_type=kind), condition, source=source
            )
    return cells


def _in_force_on(day: dt.date) -> Q:
    """`Item.in_force_on(day)` for a document written by `day`, as a filter (the same rules, in the same order)."""
    return (
        Q(date_written__lte=day)
        & (Q(effective_from__isnull=True) | Q(effective_from__lte=day))
        & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=day))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & ~Q(validity=Validity.REPEALED, repealed_on__isnull=True)
    )


def catalogue_items_published(*, agencies, year: int) -> Cell:
    """Items first published in the year (the portal's count for section 一), with the filter that lists them."""
    ids = agency_ids(agencies)
    # Counted through the agencies' (agency, status, published_at) index alone: the publication date's own
    # index would cost a table read per item, millions in a province. Counting needs no order either.
    count = (
        Item.objects.filter(agency_id__in=ids)
        .alias(published=NotIndexed("published_at"))
        .filter(published__year=year)
        .order_by()
        .count()
    )
    return cell_where(ITEM_MODEL, count, Q(agency_id__in=ids, published_at__year=year), source="发布日期在本年")


def catalogue_review_backlog(*, agencies) -> Cell:
    ids = Item.objects.filter(agency_id__in=agency_ids(agencies), status=ItemStatus.IN_REVIEW).values_list(
        "pk", flat=True
    )
    return cell_of(ITEM_MODEL, ids, "审核中")


def catalogue_published_with_personal_data(*, agencies) -> Cell:
    ids = Item.objects.filter(
        agency_id__in=agency_ids(agencies), status=ItemStatus.PUBLISHED, personal_data_found=True
    ).values_list("pk", flat=True)
    return cell_of(ITEM_MODEL, ids, "最近一次检查发现未遮盖的个人信息")
