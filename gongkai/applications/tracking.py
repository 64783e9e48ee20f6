"""The tracking page of a case, kept between changes of the case (issue #15: the look-up cost 6 ms of CPU).

A citizen follows a case by its tracking code (条例 第二十九条 online application; the page shows the deadline of
第三十三条, a correction of 第三十条, a fee of 第四十二条 and the letters). The page of one case is the same for
everyone who holds its code, on one day, in one language, except for the CSRF token of its forms (the look-up by
case number, and the correction form of 第三十条), which differs per visitor. So it is kept in the page cache with
a placeholder where the token goes and answered with the visitor's own (kept.py).

A stored page is served only while all of these are unchanged (core/pagecache.py's version tokens):
- the case's own version, replaced when any row the page shows is saved or deleted (the case, its pauses,
  fees, extensions, letters and reply files: signals connected in apps.py) and by the one update that
  bypasses `save()` (the letter's online delivery, `services.online.reply_record_download`);
- the site's epoch and the agency's "agency" version (its name and office contacts, the portal's header);
- the working-day calendar and which years the holiday library covers (whether a period may still move);
- the day (whether the correction period of 第三十条 is still open) and the language.

Never served from here: a look-up that fails (it must count against the address, lookups.py), a POST, and any
visitor with a session or a message waiting (staff, or someone who just applied: the page could show a message).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from gongkai.applications import lookups
from gongkai.applications.kept import kept_page
from gongkai.applications.models import Application
from gongkai.core.pagecache import EPOCH_KEY, current_tokens, page_cache, renew_tokens, token_key
from gongkai.workdays import calendar as workdays_calendar
from gongkai.workdays.selectors import CALENDAR_KEY

CODE_MEMO_SIZE = 50_000

# tracking code → (case id, agency id), per process: a code is given once, at intake, and never changes.
_codes: dict[str, tuple[int, int]] = {}
_codes_lock = threading.Lock()


def case_token_key(application_id: Any) -> str:
    return f"gk:case:{application_id}"


def case_version(application_id: Any) -> str:
    """The case's current version (a fresh one if none is stored), read from the cache: a case's version is
    replaced without a new mark (`renew_tokens`), so this process's kept tokens may hold an old one."""
    key = case_token_key(application_id)
    return current_tokens([key], fetched=page_cache().get_many([key]))[key]


def case_changed(application_id: Any) -> None:
    """A row the case's tracking page shows changed: the case gets a new version."""
    if application_id is not None:
        renew_tokens([case_token_key(application_id)])


def row_changed(sender, instance, **_signal) -> None:
    """post_save / post_delete of the case or of a row that belongs to it (connected in apps.py)."""
    case_changed(instance.pk if isinstance(instance, Application) else instance.application_id)


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


def tracking_page(
    request, application_id: int, agency_id: int, render: Callable[[str], HttpResponse | None]
) -> HttpResponse | None:
    """The tracking page of this case: kept, or `render(placeholder)` (a response whose CSRF token is that
    placeholder) stored under the versions read before rendering and answered with the visitor's token; None
    when `render` finds the case gone."""
    page_key = f"gk:track:{request.LANGUAGE_CODE}:{application_id}"
    case_key = case_token_key(application_id)
    cache = page_cache()
    found = cache.get_many([case_key, page_key])  # the case's version and its page in one read
    case_token = current_tokens([case_key], fetched={k: v for k, v in found.items() if k == case_key})[case_key]
    shared = current_tokens([EPOCH_KEY, token_key(str(agency_id), "agency"), CALENDAR_KEY])
    today = timezone.localdate()
    # Which years the holiday library covers decides "该年度节假日安排尚未核实" (it changes with an upgrade).
    covered = tuple(workdays_calendar.library_covers(year) for year in range(today.year - 2, today.year + 2))
    return kept_page(
        cache=cache, key=page_key, versions=(case_token, *shared.values(), today.isoformat(), covered),
        render=lambda holes: render(holes["csrf"]), holes={"csrf": lambda: get_token(request)},
        stored=found.get(page_key), private=True,
    )  # fmt: skip


ANSWER = "applications.track"


def kept_answer(request, code: str) -> HttpResponse | None:
    """The fast path's answer (kept.py) to a look-up by this tracking code that the view answered before: the
    kept page of the case, or None for Django to answer (an address over its limit of failed look-ups, which the
    view refuses; a code this process has not looked up; a page not kept under the current versions)."""
    if lookups.address_limited(request):
        return None
    known = remembered_case(code)
    if known is None:
        return None
    return tracking_page(request, *known, render=lambda _token: None)
