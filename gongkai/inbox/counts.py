"""The header's to-do count, kept between changes instead of counted on every staff page.

The counts (`inbox_counts`: a few queries, the case lists' distinct cases in one of them) are stored per user,
agency, roles and day under the work tokens of the agency and of the whole site
(`gongkai.core.pagecache.cached_by_work`), which every audited change of the agency (and the nightly due-date
scan) replaces, so the next page of anyone in that agency counts again. The day is part of the key because due
dates pass with time.

A citizen's new online application replaces only the agency's intake token: the kept counts are then brought up
to date by counting again the one list a new application enters (`selectors.INTAKE_KINDS`: one query) instead of
every kind; the distinct cases grow by as many as that list did.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from gongkai.core.pagecache import cached_by_work
from gongkai.inbox.selectors import CASES, INTAKE_KINDS, inbox_counts, inbox_total


def cached_inbox_count(user, agency, roles: set[str], *, today=None) -> int:
    """The header's count, from the cache while nothing that can change it has changed since it was counted."""
    today = today or timezone.localdate()
    parts = [str(user.pk), str(agency.pk), ",".join(sorted(roles)), today.isoformat()]
    key = "gk:inbox:c2:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    counts = cached_by_work(
        agency.pk,
        key,
        lambda: inbox_counts(user, agency, roles),
        catch_up=lambda kept: _caught_up(kept, inbox_counts(user, agency, roles, INTAKE_KINDS)),
    )
    return inbox_total(counts)


def _caught_up(kept: dict[str, int], fresh: dict[str, int]) -> dict[str, int]:
    """The kept counts after new online applications: each new case is in 新收到的申请 and in no other list."""
    grown = sum(fresh.values()) - sum(kept.get(kind, 0) for kind in fresh)
    return {**kept, **fresh, CASES: kept.get(CASES, 0) + grown}
