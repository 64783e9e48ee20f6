"""The header's to-do count, kept between changes instead of counted on every staff page.

The count (`inbox_count`: about ten queries) is stored per user, agency, roles and day under the work tokens of
the agency and of the whole site (`gongkai.core.pagecache.cached_by_work`), which every audited change of the
agency (and the nightly due-date scan) replaces, so the next page of anyone in that agency counts again. The day
is part of the key because due dates pass with time.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from gongkai.core.pagecache import cached_by_work
from gongkai.inbox.selectors import inbox_count


def cached_inbox_count(user, agency, roles: set[str], *, today=None) -> int:
    """`inbox_count`, from the cache while nothing that can change it has changed since it was counted."""
    today = today or timezone.localdate()
    parts = [str(user.pk), str(agency.pk), ",".join(sorted(roles)), today.isoformat()]
    key = "gk:inbox:n:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return cached_by_work(agency.pk, key, lambda: inbox_count(user, agency, roles))
