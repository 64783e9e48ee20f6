"""The header's to-do count, kept between changes instead of counted on every staff page.

The count (`inbox_count`: about ten queries) is stored per user, agency, roles and day under the version tokens
of the agency and of the whole site (`gongkai.core.pagecache`: random tokens in the `pages` cache). Every audited
change reports here (`inbox_changed`, registered in `InboxConfig.ready()`) and replaces its agency's token (the
site's, for a change without an agency or one that can alter any agency's to-dos: roles, users, agencies, the
calendar), so the next page of anyone in that agency counts again; the nightly due-date scan reports its changes
the same way. The day is part of the key because due dates pass with time.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core.pagecache import current_tokens, new_token, page_cache
from gongkai.inbox.selectors import inbox_count

ALL = "all"
COUNT_SECONDS = 24 * 3600
# Changes that can alter the to-dos of any agency (who holds which role, an agency's settings, the calendar).
SITE_WIDE_PREFIXES = {"role", "user", "agency", "workday_override", "holiday_notice", "site"}


def token_key(scope: Any) -> str:
    return f"gk:inbox:gen:{scope}"


def _bump(keys: list[str]) -> None:
    page_cache().set_many({key: new_token() for key in keys}, timeout=None)


def inbox_changed(agency_id: Any, verb: str) -> None:
    """Every audited change: the counts of its agency (or of everyone) are counted again on the next page."""
    site_wide = agency_id is None or verb.split(".", 1)[0] in SITE_WIDE_PREFIXES
    keys = [token_key(ALL if site_wide else agency_id)]
    # Now, for the writer's own next request; again after the commit, since a count another request makes in
    # between still reads the old rows and would be stored under the first new token.
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def cached_inbox_count(user, agency, roles: set[str], *, today=None) -> int:
    """`inbox_count`, from the cache while nothing that can change it has changed since it was counted.

    One read: the two tokens and the stored count, which carries the tokens it was counted under.
    """
    today = today or timezone.localdate()
    token_keys = [token_key(agency.pk), token_key(ALL)]
    parts = [str(user.pk), str(agency.pk), ",".join(sorted(roles)), today.isoformat()]
    key = "gk:inbox:n:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    cache = page_cache()
    found = cache.get_many([*token_keys, key])
    tokens = list(current_tokens(token_keys, fetched={k: v for k, v in found.items() if k != key}).values())
    stored = found.get(key)
    if stored is not None and list(stored[0]) == tokens:
        return stored[1]
    count = inbox_count(user, agency, roles)
    cache.set(key, (tokens, count), timeout=COUNT_SECONDS)
    return count
