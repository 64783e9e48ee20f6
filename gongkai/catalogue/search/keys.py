"""Sort keys and filter lexemes: what orders and narrows the index without reading the items.

An item's *sort key* is its publication day (local time) in the high 32 bits and its id in the low 32
(later-created first within a day), so one integer orders the whole catalogue newest first and a year is a
range of it. The filters (agency, category, document type, validity; on PostgreSQL also the year, month and day
of publication) are lexemes stored with the text, never two characters long, so never a bigram.
"""

import datetime as dt
import re

from django.utils import timezone

ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1


def day_key(day: dt.date) -> int:
    """The smallest sort key of a publication day."""
    return day.toordinal() << ID_BITS


def publication_day(published_at: dt.datetime | dt.date) -> dt.date:
    """The local (active time zone) day of a publication time."""
    if isinstance(published_at, dt.datetime):
        return timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at.date()
    return published_at


def sort_key(published_at: dt.datetime | dt.date, item_id: int) -> int:
    """Newest first = largest first: the publication day (local time), then the item id."""
    return day_key(publication_day(published_at)) | (item_id & ID_MASK)


def token(value) -> str:
    return re.sub(r"[^0-9a-z]", "", str(value).lower())


def facet_tokens(agency_id: int, category_id: int | None, document_type: str, validity: str) -> str:
    """The filter lexemes of an item: never two characters long, so never a bigram."""
    tokens = [f"ag{agency_id}", f"dt{token(document_type)}", f"vl{token(validity)}"]
    if category_id is not None:
        tokens.append(f"ct{category_id}")
    return " ".join(tokens)


def time_tokens(key: int) -> list[str]:
    """The year, month and day lexemes of a sort key (PostgreSQL reads the newest matches a window at a time)."""
    day = dt.date.fromordinal(key >> ID_BITS)
    return [f"yr{day.year}", f"mo{day:%Y%m}", f"dy{day:%Y%m%d}"]


def entries(item_ids: list[int]) -> list[tuple[int, int]]:
    """(item id, sort key) of indexed items."""
    from gongkai.catalogue.models import SearchEntry

    out = []
    for start in range(0, len(item_ids), 500):
        out += SearchEntry.objects.filter(item_id__in=item_ids[start : start + 500]).values_list("item_id", "sort_key")
    return out
