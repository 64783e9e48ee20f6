"""The header's to-do count, kept between changes instead of counted on every staff page.

The counts (`inbox_counts`: about ten queries) are stored per user, agency, roles and day under the work tokens of
the agency and of the whole site (`gongkai.core.pagecache.cached_by_work`), which every audited change of the
agency (and the nightly due-date scan) replaces, so the next page of anyone in that agency counts again. The day
is part of the key because due dates pass with time.

A citizen's new online application replaces only the agency's intake token: the kept counts are then brought up
to date by counting again the kinds a new application can change (`selectors.INTAKE_KINDS`: one query) instead
of all of them.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from gongkai.core.pagecache import cached_by_work
from gongkai.inbox.selectors import INTAKE_KINDS, inbox_counts


def cached_inbox_count(user, agency, roles: set[str], *, today=None) -> int:
    """The header's count, from the cache while nothing that can change it has changed since it was counted."""
    today = today or timezone.localdate()
    parts = [str(user.pk), str(agency.pk), ",".join(sorted(roles)), today.isoformat()]
    key = "gk:inbox:c:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    counts = cached_by_work(
        agency.pk,
        key,
        lambda: inbox_counts(user, agency, roles),
        catch_up=lambda kept: {**kept, **inbox_counts(user, agency, roles, INTAKE_KINDS)},
    )
    return sum(counts.values())
