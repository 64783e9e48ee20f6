"""Cursor pagination with a stable order: every list is ordered by one key and the id as tie-breaker, and
the cursor carries the last row's (key, id), so a page never repeats or skips a row when rows are added
between requests (unlike page numbers). The cursor is opaque to clients: base64 of a small JSON array."""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Q, QuerySet

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class BadCursor(ValueError):
    pass


def encode_cursor(values: list) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(values, list) or len(values) != size:
        raise BadCursor(cursor)
    return values


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def _parse_key(value, sample_type):
    if value is None:
        raise BadCursor("null key")
    if sample_type == "datetime":
        return dt.datetime.fromisoformat(value)
    if sample_type == "date":
        return dt.date.fromisoformat(value)
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**62:
        raise BadCursor("bad key")
    return value


def keyset_page(
    queryset: QuerySet, *, key: str, key_type: str, cursor: str | None, limit: int, descending: bool
) -> Page:
    """One page of `queryset` ordered by (key, id), after the row the cursor names. `key` must be non-null
    on every row; key_type is "datetime", "date" or "int"."""
    if cursor:
        try:
            value, pk = decode_cursor(cursor, 2)
            value = _parse_key(value, key_type)
            pk = _parse_key(pk, "int")
        except (TypeError, ValueError) as exc:
            raise BadCursor(cursor) from exc
        # "Up to the key, but not the rows of that key already given": a range on the key the database can
        # start reading its index at, rather than an OR it must check row by row from the top.
        if descending:
            queryset = queryset.filter(Q(**{f"{key}__lte": value}) & ~Q(**{key: value, "pk__gte": pk}))
        else:
            queryset = queryset.filter(Q(**{f"{key}__gte": value}) & ~Q(**{key: value, "pk__lte": pk}))
    sign = "-" if descending else ""
    rows = list(queryset.order_by(f"{sign}{key}", f"{sign}pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([getattr(rows[-1], key), rows[-1].pk]) if more else None
    return Page(rows, next_cursor)


def offset_page(cursor: str | None) -> int:
    """The offset a search cursor carries (search results are ranked, so they page by position)."""
    if not cursor:
        return 0
    (offset,) = decode_cursor(cursor, 1)
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= 10_000:
        raise BadCursor(cursor)
    return offset
