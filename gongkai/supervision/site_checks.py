"""Site checks: walk the portal's own pages in-process (no network) for broken links, and look for columns
not updated within the periods of 国办秘函〔2019〕19号 (disclosure-spec §4.3).

Apps that own a portal column register a `ColumnSource` (how to find the newest date of that column for an
agency); the check reports columns past their period and columns with nothing in them.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.audit.services import audit_record
from gongkai.supervision.models import FindingKind, SiteCheckFinding, SiteCheckRun

# 国办秘函〔2019〕19号: 栏目不更新 — news and updates within 2 weeks; notices and policy within 6 months.
NEWS_PERIOD = dt.timedelta(days=14)
NOTICE_PERIOD = dt.timedelta(days=183)
POLICY_PERIOD = dt.timedelta(days=183)
USER_AGENT = "gongkai-site-check"  # matched by the analytics bot filter, so the walk is not counted as visits


@dataclass(frozen=True)
class ColumnSource:
    key: str
    label: str
    period: dt.timedelta
    # (agency) -> date of the column's newest entry for that agency, or None when the column is empty.
    latest: Callable
    # Agencies that must keep this column (default: every active agency).
    applies_to: Callable = field(default=lambda: Agency.objects.filter(is_active=True))


_columns: dict[str, ColumnSource] = {}


def register_column_source(source: ColumnSource) -> None:
    _columns[source.key] = source


def unregister_column_source(key: str) -> None:
    _columns.pop(key, None)


def column_sources() -> list[ColumnSource]:
    return sorted(_columns.values(), key=lambda c: c.key)


class _LinkParser(HTMLParser):
    ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "form": "action"}

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = self.ATTRS.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value)


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host not in ("*",) and not host.startswith("["):
            return host.lstrip(".")
    return "localhost"


def _internal(url: str, host: str) -> str | None:
    """The path of a link into this site, or None for external, mail and in-page links."""
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != host:
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


_HASHED = re.compile(r"\.[0-9a-f]{12}(\.[A-Za-z0-9]+)$")


def _static_exists(name: str) -> bool:
    """A static file exists collected (under its hashed name) or in an app's static folder (unhashed)."""
    if staticfiles_storage.exists(name):
        return True
    return bool(finders.find(_HASHED.sub(r"\1", name)))


@dataclass
class WalkResult:
    pages: int = 0
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # (url, found on, status)


def portal_walk(*, start: str = "/", limit: int = 5000) -> WalkResult:
    """Follow every internal link from `start` through the portal (not /staff/), in-process."""
    host = _host()
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT=USER_AGENT)
    result = WalkResult()
    queue: list[tuple[str, str]] = [(start, "")]
    seen = {start}
    while queue and result.pages < limit:
        url, found_on = queue.pop(0)
        if url.startswith(settings.STATIC_URL):
            if not _static_exists(urlsplit(url).path.removeprefix(settings.STATIC_URL)):
                result.broken.append((url, found_on, 404))
            continue
        response = client.get(url, secure=True, follow=True)
        result.pages += 1
        if response.status_code >= 400:
            result.broken.append((url, found_on, response.status_code))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _LinkParser()
        parser.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
        for link in parser.links:
            path = _internal(link, host)
            if path is None or path.startswith(("/staff/", "/i18n/")) or path in seen:
                continue
            seen.add(path)
            queue.append((path, url))
    return result


def stale_columns(today: dt.date) -> list[tuple[ColumnSource, Agency, dt.date | None]]:
    """(column, agency, newest date or None when empty) for every registered column past its period."""
    found = []
    for column in column_sources():
        for agency in column.applies_to():
            latest = column.latest(agency)
            if latest is None or today - latest > column.period:
                found.append((column, agency, latest))
    return found


def site_check_run(*, actor=None, start: str = "/", today: dt.date | None = None) -> SiteCheckRun:
    """Walk the portal and check the columns; store and audit the findings of this run."""
    today = today or timezone.localdate()
    run = SiteCheckRun.objects.create(started_at=timezone.now())
    walk = portal_walk(start=start)
    findings = [
        SiteCheckFinding(
            run=run, kind=FindingKind.BROKEN_LINK, url=url[:500], found_on=found_on[:500], detail=f"HTTP {status}"
        )
        for url, found_on, status in walk.broken
    ]
    for column, agency, latest in stale_columns(today):
        if latest is None:
            kind, detail = FindingKind.EMPTY_COLUMN, f"{column.label}：空白栏目"
        else:
            kind = FindingKind.STALE_COLUMN
            detail = f"{column.label}：最近更新 {latest}，超过 {column.period.days} 天未更新"
        findings.append(SiteCheckFinding(run=run, kind=kind, agency=agency, url=column.key, detail=detail[:300]))
    with transaction.atomic():
        SiteCheckFinding.objects.bulk_create(findings)
        run.pages = walk.pages
        run.finished_at = timezone.now()
        run.save(update_fields=["pages", "finished_at"])
        audit_record(
            actor=actor,
            verb="site_check.run",
            obj=run,
            object_repr=f"site check {run.started_at:%Y-%m-%d %H:%M}",
            after={"pages": walk.pages, "findings": len(findings)},
        )
    return run
