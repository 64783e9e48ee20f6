"""What the back office reviews: items near or past the Article 26 limit, and what changed between two
versions of an item."""

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db.models import QuerySet

from gongkai.catalogue.models import AT_RISK_WORKING_DAYS, Item, ItemStatus, ItemVersion
from gongkai.workdays.selectors import add_working_days


def items_at_risk(*, items: QuerySet[Item], today: dt.date) -> list[Item]:
    """条例 第二十六条: unpublished items whose 20-working-day limit is within AT_RISK_WORKING_DAYS or passed."""
    threshold = add_working_days(today, AT_RISK_WORKING_DAYS).date
    return list(
        items.filter(
            status__in=[ItemStatus.DRAFT, ItemStatus.IN_REVIEW, ItemStatus.SCHEDULED],
            publish_due__isnull=False,
            publish_due__lte=threshold,
        )
        .select_related("agency")
        .order_by("publish_due", "pk")
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same", "head"
    text: str


def version_diff(older: ItemVersion, newer: ItemVersion) -> list[DiffLine]:
    """A line diff of title, summary, plain body and metadata between two versions of an item."""
    from gongkai.catalogue.extract import html_to_text

    def lines(version: ItemVersion) -> list[str]:
        out = [f"标题：{version.title}", f"内容概述：{version.summary}"]
        out += [f"{k}：{v}" for k, v in sorted(version.metadata.items())]
        out += html_to_text(version.body).splitlines()
        return out

    result = []
    for line in difflib.unified_diff(lines(older), lines(newer), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            result.append(DiffLine("head", "…"))
        elif line.startswith("+"):
            result.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("del", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result
