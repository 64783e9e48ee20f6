"""Public pages the same for every visitor but for a few values: kept once, answered with each visitor's values.

The portal's page cache (gongkai/portal/pagecache.py) never keeps a page with a CSRF token, since the token is the
visitor's own. Two public pages of this app are otherwise the same for everyone and cost much to render: the
tracking page of a case (tracking.py) and the blank application form (views.Apply). `kept_page` renders such a page
once with a random placeholder in each "hole" (the CSRF token; the form's submission key), keeps it under the
versions of what it shows, and answers each visitor with their own values in the holes: the CSRF token from
`django.middleware.csrf.get_token`, which also sets the CSRF cookie as rendering the tag would.

Only visitors without a session or a message waiting get a kept page (`servable`), as for the page cache.

Before Django (issue #15): once the full stack has answered a request with a kept page, the portal's fast path
(gongkai/portal/fastpath.py) answers the same request again without the middleware chain, through the same
function the view used (`register_answer`, `mark_answered`): it reads the kept page under the current versions
and fills the holes, the CSRF token through Django's own CsrfViewMiddleware. Whatever that function cannot
answer from what is kept (stale versions, a code this process has not looked up, an address over its limit)
goes to Django as before.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control

from gongkai.core.pagecache import EPOCH_KEY, current_tokens, has_visitor_state, token_key, write_values

PAGE_SECONDS = 24 * 3600  # at most a day: the tracking page is kept per day anyway
AGENCIES_KEPT = 10_000  # a province's agencies, at most
_UNREAD = object()


# Set in request.META (the WSGI environ) when a view answered with a kept page that `register_answer`'s function
# can answer again: (its name, its arguments, the language). The fast path remembers it for the same request.
KEPT_MARK = "gongkai.kept_page"
_answers: dict[str, Callable[..., HttpResponse | None]] = {}


def register_answer(name: str, answer: Callable[..., HttpResponse | None]) -> None:
    """`answer(request, *args)`: the kept page for this request, or None when only Django can answer it (what is
    kept is stale or missing, or the view would answer something else). It must never render: the fast path
    calls it with no middleware run but CSRF's, and hands anything it cannot answer to Django."""
    _answers[name] = answer


def registered_answer(name: str) -> Callable[..., HttpResponse | None] | None:
    return _answers.get(name)


def mark_answered(request, name: str, *args) -> None:
    """The view answered this request with what `name`'s function answers for `args`: the fast path may answer
    the same request with it from now on."""
    request.META[KEPT_MARK] = (name, args, request.LANGUAGE_CODE)


def servable(request) -> bool:
    """Whether this visitor may get a kept page: anyone without a session or a message waiting."""
    return settings.GONGKAI_PAGE_CACHE and not has_visitor_state(request.COOKIES)


def agency_versions(agency_id: int) -> tuple[str, ...]:
    """The versions of what the portal shows of an agency (its name, contacts, navigation) and of the site."""
    return tuple(current_tokens([EPOCH_KEY, token_key(str(agency_id), "agency")]).values())


# agency id -> (its versions, the agency), per process: the receipt page's agency (views.ReceiptFacts) and the
# online application's (views.Apply).
_agencies: dict[int, tuple[tuple[str, ...], Any]] = {}


def portal_agency(agency_id: int):
    """The agency, as this process last read it while its versions (`agency_versions`: its name, contacts and
    navigation, as every audited change of it replaces) are the same; else read again. None if it is gone."""
    from gongkai.agencies.models import Agency

    versions = agency_versions(agency_id)
    found = _agencies.get(agency_id)
    if found is not None and found[0] == versions:
        return found[1]
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is not None:
        if len(_agencies) >= AGENCIES_KEPT:
            _agencies.clear()
        _agencies[agency_id] = (versions, agency)
    return agency


def portal_agency_by_slug(slug: str):
    """The active agency with this slug (`agency_by_slug`), as `portal_agency` keeps it: the online application's
    POST read the agency's row each time (issue #15). The copy is used only while it is still active and still
    has this slug; otherwise, and for a slug this process does not know, the row is read."""
    from gongkai.agencies.selectors import agency_by_slug, agency_id_for_slug

    agency_id = agency_id_for_slug(slug)
    agency = portal_agency(agency_id) if agency_id is not None else None
    if agency is not None and agency.slug == slug and agency.is_active:
        return agency
    return agency_by_slug(slug)


def forget_agencies() -> None:
    """Empty this process's copies of agencies (tests: ids are reused from test to test)."""
    _agencies.clear()


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


BLANK_FORM = "applications.apply"


def blank_form_page(
    request, agency_id: int, render: Callable[[dict[str, str]], HttpResponse | None] = lambda _holes: None
) -> HttpResponse | None:
    """The blank online application form of an agency (views.Apply), kept per process, agency and language: the
    same page for everyone but for the CSRF token and the submission key, put in for each visitor. `render`
    renders it when what is kept is stale; by default nothing is rendered (None), as the fast path needs."""
    return kept_page(
        cache=caches["local"], key=f"gk:apply:{request.LANGUAGE_CODE}:{agency_id}",
        versions=agency_versions(agency_id), render=render,
        holes={"csrf": lambda: get_token(request), "submission_key": lambda: uuid.uuid4().hex},
    )  # fmt: skip


def receipt_page(request, agency_id: int, content: str, render: Callable[[dict[str, str]], HttpResponse | None]):
    """The receipt page after submitting (views.submitted) with this case's receipt (`content`, rendered HTML)
    put into the page's frame: its header, navigation and footer, the same for every receipt of an agency in one
    language, kept per process under the agency's versions as the blank form is (issue #15: a third of the
    page's rendering). `render(holes)` renders the frame with a placeholder where the receipt goes."""
    return kept_page(
        cache=caches["local"], key=f"gk:receipt:{request.LANGUAGE_CODE}:{agency_id}",
        versions=agency_versions(agency_id), render=render, holes={"content": lambda: content},
    )  # fmt: skip
