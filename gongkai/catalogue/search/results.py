"""What a search asks and answers, the same for both backends: the filters, one page of ids with its capped
total, and the order of a page (title hits first, then the rest, each newest first).

A search never needs every match to show a page: a backend reads the matches in sort-key order and stops when
the page is full, so a query found in every item costs about as much as a rare one. Totals are exact up to
COUNT_CAP and reported as "more than COUNT_CAP" beyond (the page then offers the first COUNT_CAP results and
the filters to narrow them).
"""

import datetime as dt
from dataclasses import dataclass, field

from gongkai.catalogue.search.keys import day_key

COUNT_CAP = 1000  # totals above this are shown as "more than"; the pages stop there


@dataclass(frozen=True)
class SearchFilters:
    agency_ids: list[int] | None = None  # None: every active agency
    excluded_agency_ids: list[int] = field(default_factory=list)  # inactive agencies
    category_ids: list[int] | None = None
    published_from: dt.date | None = None  # publication days, inclusive
    published_before: dt.date | None = None  # exclusive
    document_type: str | None = None
    validity: str | None = None

    def key_range(self) -> tuple[int, int]:
        low = day_key(self.published_from) if self.published_from else 0
        high = day_key(self.published_before) if self.published_before else 1 << 62
        return low, high

    def is_empty(self) -> bool:
        return (self.agency_ids is not None and not self.agency_ids) or (
            self.category_ids is not None and not self.category_ids
        )


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    total: int  # exact when not `more`
    more: bool = False  # more than COUNT_CAP matches; `total` is then COUNT_CAP


def title_hits_first(titles: list[int], matches: list[int], limit: int, offset: int) -> list[int]:
    """One page of the title hits (newest first) followed by the other matches (newest first).

    `titles` holds at least offset + limit title hits, or all of them; `matches` the first COUNT_CAP + 1
    matches, which always reach far enough: the n-th non-title match on the page stands at most at position
    offset + limit in the matches.
    """
    ids = titles[offset : offset + limit]
    if len(ids) < limit:
        seen = set(titles)
        rest = [pk for pk in matches if pk not in seen]
        skip = max(0, offset - len(titles))
        ids += rest[skip : skip + limit - len(ids)]
    return ids
