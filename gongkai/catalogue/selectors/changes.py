"""What changed in an agency's published record, by year of publication: for the open-data bulk files (the
api app), which are written per agency and year and must follow every publication, correction and withdrawal.

"Ever published" means having a publication date: a withdrawn item keeps its date, so a withdrawal counts as
a change of the year it was published in (and the item leaves that year's file).
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max
from django.db.models.functions import ExtractYear

from gongkai.catalogue.models import Item


def publication_years_of(
    *, agency_id: int, item_ids: Iterable[int] = (), id_ranges: Iterable[tuple[int, int]] = ()
) -> set[int]:
    """The years (site time) in which these items of the agency were published, withdrawn ones included.

    `id_ranges`: inclusive (first, last) id ranges, as a bulk import's audit event records them."""
    ids, ranges = list(item_ids), list(id_ranges)
    years: set[int] = set()
    items = Item.objects.filter(agency_id=agency_id, published_at__isnull=False)
    if ids:
        years |= {d.year for d in items.filter(pk__in=ids).dates("published_at", "year")}
    for first, last in ranges:
        years |= {d.year for d in items.filter(pk__gte=first, pk__lte=last).dates("published_at", "year")}
    return years


def publication_years(*, agency_id: int) -> set[int]:
    """Every year (site time) in which the agency published something, withdrawn items included."""
    items = Item.objects.filter(agency_id=agency_id, published_at__isnull=False)
    return {d.year for d in items.dates("published_at", "year")}


def last_changes_by_year(agency) -> dict[int, dt.datetime]:
    """For each year (site time) the agency published something in, the latest change of any item published
    in it (withdrawn ones included): the bulk file of a year written before that moment is out of date."""
    rows = (
        Item.objects.filter(agency=agency, published_at__isnull=False)
        .annotate(year=ExtractYear("published_at"))
        .order_by()
        .values("year")
        .annotate(last=Max("updated_at"))
    )
    return {row["year"]: row["last"] for row in rows}
