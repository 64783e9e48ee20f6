"""Public pages the same for every visitor but for a few values: kept once, answered with each visitor's values.

The portal's page cache (gongkai/portal/pagecache.py) never keeps a page with a CSRF token, since the token is the
visitor's own. Two public pages of this app are otherwise the same for everyone and cost much to render: the
tracking page of a case (tracking.py) and the blank application form (views.Apply). `kept_page` renders such a page
once with a random placeholder in each "hole" (the CSRF token; the form's submission key), keeps it under the
versions of what it shows, and answers each visitor with their own values in the holes: the CSRF token from
`django.middleware.csrf.get_token`, which also sets the CSRF cookie as rendering the tag would.

Only visitors without a session or a message waiting get a kept page (`servable`), as for the page cache.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from gongkai.core.pagecache import EPOCH_KEY, current_tokens, has_visitor_state, token_key, write_values

PAGE_SECONDS = 24 * 3600  # at most a day: the tracking page is kept per day anyway
_UNREAD = object()


def servable(request) -> bool:
    """Whether this visitor may get a kept page: anyone without a session or a message waiting."""
    return settings.GONGKAI_PAGE_CACHE and not has_visitor_state(request.COOKIES)


def agency_versions(agency_id: int) -> tuple[str, ...]:
    """The versions of what the portal shows of an agency (its name, contacts, navigation) and of the site."""
    return tuple(current_tokens([EPOCH_KEY, token_key(str(agency_id), "agency")]).values())


def kept_page(
    *,
    cache,
    key: str,
    versions: tuple,
    render: Callable[[dict[str, str]], HttpResponse | None],
    holes: dict[str, Callable[[], str]],
    stored: Any = _UNREAD,
    private: bool = False,
) -> HttpResponse | None:
    """A page the same for every visitor but for a few values (`holes`: name → what to put there for this
    visitor), kept in `cache` under `key` with the `versions` read before rendering.

    `render(placeholders)` renders it with a random placeholder in each hole (None: nothing to show); the page
    is stored once and every answer puts this visitor's values where the placeholders are. `stored`: what is
    under `key`, when the caller read it already (with other keys, in one read). `private`: the page shows one
    person's affairs, so a browser may keep it and a shared proxy may not.
    """
    if stored is _UNREAD:
        stored = cache.get(key)
    if stored is None or stored[0] != versions:
        placeholders = {name: secrets.token_hex(16) for name in holes}
        response = render(placeholders)
        if response is None or response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        stored = (versions, placeholders, response.content)
        write_values({key: stored}, timeout=PAGE_SECONDS, cache=cache)
    _versions, placeholders, content = stored
    for name, fill in holes.items():
        content = content.replace(placeholders[name].encode(), fill().encode())
    response = HttpResponse(content)
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    return response
