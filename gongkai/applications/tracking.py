"""The tracking page of a case, kept between changes of the case (issue #15: the look-up cost 6 ms of CPU).

A citizen follows a case by its tracking code (条例 第二十九条 online application; the page shows the deadline of
第三十三条, a correction of 第三十条, a fee of 第四十二条 and the letters). The page of one case is the same for
everyone who holds its code, on one day, in one language, except for the CSRF token of its forms (the look-up by
case number, and the correction form of 第三十条), which differs per visitor. So the page is rendered once with a
random placeholder where the token goes, stored in the page cache, and served with the visitor's own token put in
its place (`django.middleware.csrf.get_token`, which also sets the CSRF cookie as rendering the tag would).

A stored page is served only while all of these are unchanged (core/pagecache.py's version tokens):
- the case's own version, replaced when any row the page shows is saved or deleted (the case, its pauses,
  fees, extensions, letters and reply files: signals below) and by the one update that bypasses `save()` (the
  letter's online delivery, `services.online.reply_record_download`);
- the site's epoch and the agency's "agency" version (its name and office contacts, the portal's header);
- the working-day calendar and which years the holiday library covers (whether a period may still move);
- the day (whether the correction period of 第三十条 is still open) and the language.

Never served from here: a look-up that fails (it must count against the address, lookups.py), a POST, and any
visitor with a session or a message waiting (staff, or someone who just applied: the page could show a message).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control

from gongkai.core.pagecache import EPOCH_KEY, current_tokens, new_token, page_cache, token_key
from gongkai.workdays import calendar as workdays_calendar
from gongkai.workdays.selectors import CALENDAR_KEY

PAGE_SECONDS = 24 * 3600  # a page is for one day anyway
CODE_MEMO_SIZE = 50_000

# tracking code → (case id, agency id), per process: a code is given once, at intake, and never changes.
_codes: dict[str, tuple[int, int]] = {}
_codes_lock = threading.Lock()


def case_token_key(application_id: Any) -> str:
    return f"gk:case:{application_id}"


def _bump_case(application_id: Any) -> None:
    page_cache().set(case_token_key(application_id), new_token(), timeout=None)


def case_changed(application_id: Any) -> None:
    """A row the case's tracking page shows changed: a new version now (the writer's own next request, in its
    transaction) and again once the transaction commits (a page rendered in between shows the old rows)."""
    if application_id is None:
        return
    _bump_case(application_id)
    transaction.on_commit(lambda: _bump_case(application_id))


def row_changed(sender, instance, **_signal) -> None:
    """post_save / post_delete of the case or of a row that belongs to it (connected in apps.py)."""
    case_changed(instance.pk if sender.__name__ == "Application" else instance.application_id)


def remembered_case(code: str) -> tuple[int, int] | None:
    return _codes.get(code)


def remember_case(code: str, application_id: int, agency_id: int) -> None:
    with _codes_lock:
        if len(_codes) >= CODE_MEMO_SIZE:
            _codes.clear()
        _codes[code] = (application_id, agency_id)


def forget_cases() -> None:
    """Empty this process's memo of codes (tests: ids are reused from test to test)."""
    _codes.clear()


def servable(request) -> bool:
    """Whether this visitor may get a kept page: anyone without a session or a message waiting."""
    from django.conf import settings

    return settings.GONGKAI_PAGE_CACHE and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _page_key(request, application_id: int) -> str:
    return f"gk:track:{request.LANGUAGE_CODE}:{application_id}"


def _shared_token_keys(agency_id: int) -> list[str]:
    return [EPOCH_KEY, token_key(str(agency_id), "agency"), CALENDAR_KEY]


def agency_versions(agency_id: int) -> tuple[str, ...]:
    """The versions of what the portal shows of an agency (its name, contacts, navigation) and of the site."""
    return tuple(current_tokens([EPOCH_KEY, token_key(str(agency_id), "agency")]).values())


_UNREAD = object()


def kept_page(
    request,
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
    under `key`, when the caller read it already (with other keys, in one read).
    """
    if stored is _UNREAD:
        stored = cache.get(key)
    if stored is not None and stored[0] == versions:
        return _answer(stored[2], {name: (stored[1][name], fill) for name, fill in holes.items()}, private)
    placeholders = {name: secrets.token_hex(16) for name in holes}
    response = render(placeholders)
    if response is None or response.status_code != 200:
        return response
    if hasattr(response, "render"):
        response.render()
    cache.set(key, (versions, placeholders, response.content), timeout=PAGE_SECONDS)
    return _answer(response.content, {name: (placeholders[name], fill) for name, fill in holes.items()}, private)


def _answer(content: bytes, holes: dict[str, tuple[str, Callable[[], str]]], private: bool) -> HttpResponse:
    for placeholder, fill in holes.values():
        content = content.replace(placeholder.encode(), fill().encode())
    response = HttpResponse(content)
    if private:  # a browser may keep it, a shared proxy may not
        patch_cache_control(response, private=True, no_cache=True)
    return response


def tracking_page(
    request, application_id: int, agency_id: int, render: Callable[[str], HttpResponse | None]
) -> HttpResponse | None:
    """The tracking page of this case: kept, or `render(placeholder)` (a response whose CSRF token is that
    placeholder) stored under the versions read before rendering and answered with the visitor's token; None
    when `render` finds the case gone."""
    page_key = _page_key(request, application_id)
    case_key = case_token_key(application_id)
    cache = page_cache()
    found = cache.get_many([case_key, page_key])
    case_token = found.get(case_key)
    if case_token is None:
        case_token = new_token()
        if not cache.add(case_key, case_token, timeout=None):
            case_token = cache.get(case_key) or case_token
    shared = current_tokens(_shared_token_keys(agency_id))
    today = timezone.localdate()
    # Which years the holiday library covers decides "该年度节假日安排尚未核实" (it changes with an upgrade).
    covered = tuple(workdays_calendar.library_covers(year) for year in range(today.year - 2, today.year + 2))
    return kept_page(
        request, cache=cache, key=page_key, versions=(case_token, *shared.values(), today.isoformat(), covered),
        render=lambda holes: render(holes["csrf"]), holes={"csrf": lambda: get_token(request)},
        stored=found.get(page_key), private=True,
    )  # fmt: skip
