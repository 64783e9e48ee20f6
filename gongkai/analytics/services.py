"""Recording portal hits without identifying anyone, rolling them up into daily counts, and pruning them.

Recording a hit is deliberately not an audited state change: it is a measurement, and an audit event per
page view would swamp the legal history. The roll-up and the pruning are audited, one event per run.
"""

import atexit
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from gongkai.analytics.models import (
    VISIT_GAP,
    DailyCount,
    DailyPageCount,
    DailySalt,
    DailySearchCount,
    Hit,
    RolledUpDay,
)
from gongkai.audit.services import audit_record

logger = logging.getLogger(__name__)

# The salt of the current day, per process, so recording a hit costs one INSERT and no lookup.
_salt_cache: dict[dt.date, str] = {}


def daily_salt(day: dt.date) -> str:
    """The random salt of `day`, created by whichever process needs it first."""
    salt = _salt_cache.get(day)
    if salt is not None:
        return salt
    row = DailySalt.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DailySalt.objects.create(day=day, salt=secrets.token_hex(32))
        except IntegrityError:  # another process created it a moment ago
            row = DailySalt.objects.get(day=day)
    _salt_cache.clear()  # keep only today's salt in memory: yesterday's must be forgettable
    _salt_cache[day] = row.salt
    return row.salt


def visitor_digest(*, salt: str, client_address: str, user_agent: str) -> str:
    """A 128-bit keyed hash: the same visitor gives the same digest within a day and an unrelated one the next."""
    return hashlib.blake2b(
        f"{client_address}\n{user_agent}".encode(), key=salt.encode()[:64], digest_size=16
    ).hexdigest()


class HitRow(NamedTuple):
    """One page view as the values of its row (`Hit`), not yet written."""

    created_at: dt.datetime
    day: dt.date
    agency_id: int
    path: str
    search_term: str
    visitor: str
    is_new_visitor: bool


def hit_new(
    *, agency_id: int, path: str, client_address: str, user_agent: str, is_new_visitor: bool, search_term: str = ""
) -> HitRow:
    """One page view, not yet written. The client address and browser string are hashed here.

    Counted on every portal page, the cached ones included: a tuple, not a model instance (a third of the cost),
    and the day in the site's time zone, as `timezone.localdate` gives it without a per-request time zone.
    """
    now = timezone.now()
    day = now.astimezone(timezone.get_default_timezone()).date()
    visitor = visitor_digest(salt=daily_salt(day), client_address=client_address, user_agent=user_agent)
    return HitRow(now, day, agency_id, path[:300], search_term_clean(search_term), visitor, is_new_visitor)


HIT_FIELDS = HitRow._fields  # the row's values, in the order of the INSERT's columns
HIT_COLUMNS = {field.attname: field.column or field.attname for field in Hit._meta.concrete_fields}


def hits_write(rows: list[HitRow]) -> None:
    """Write page views in one transaction: on SQLite one prepared INSERT run for each row, on PostgreSQL one COPY.

    The values go to the database as they are, through the backend's own adapters for dates and times: the
    ORM's `bulk_create` spent 37 µs of CPU per view preparing each field of each instance, more than serving a
    cached page (docs/benchmarks.md); this costs a few.
    """
    ops = connection.ops
    columns = ", ".join(ops.quote_name(HIT_COLUMNS[name]) for name in HIT_FIELDS)
    placeholders = ", ".join(["%s"] * len(HIT_FIELDS))
    table = ops.quote_name(Hit._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    values = [
        (ops.adapt_datetimefield_value(r.created_at), ops.adapt_datefield_value(r.day), r.agency_id, r.path,
         r.search_term, r.visitor, r.is_new_visitor)
        for r in rows
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite prepares the statement once and runs it for each row.
            cursor.executemany(sql, values)
            return
        # A hit is a measurement: losing the last few on a server crash is acceptable, waiting for the
        # write-ahead log to reach the disk on every batch is not (docs/benchmarks.md).
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # PostgreSQL parses and plans each statement a driver sends: executemany sent one INSERT a row (31 µs of
        # the server's CPU a view, a third of the database's work under the portal's load, issue #15). COPY
        # streams the rows into the table with no statement per row.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - names from the model
            for row in values:
                copy.write_row(row)


class HitBuffer:
    """The page views of this process not yet written: one INSERT per batch instead of one per view.

    A view is appended in memory; no request ever writes or waits for the database's write lock to count a
    view (on SQLite a request that did waited seconds behind an application being submitted, measured in
    docs/benchmarks.md). A background thread of the process writes the waiting views as one batch once
    ANALYTICS_HIT_BATCH views wait or the oldest is ANALYTICS_HIT_FLUSH_SECONDS old (so the nightly roll-up at
    00:10 finds the day complete), and the process writes what it holds when it stops (atexit, and gunicorn's
    worker_exit hook). A batch the database refuses is kept and retried. What a killed process (SIGKILL, a
    power cut) had not yet written is lost: at most a few seconds of views, the same order as PostgreSQL's
    `synchronous_commit off` already accepted for single hits.
    """

    # Beyond this many views waiting (the database refusing writes for a long time) the oldest are dropped,
    # so a broken database cannot exhaust the process's memory.
    MAX_WAITING = 100_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._hits: list[HitRow] = []
        self._oldest = 0.0
        self._pid = os.getpid()
        self._thread: threading.Thread | None = None
        self.due = threading.Event()  # set when a batch is full or old: the thread writes it now

    def __len__(self) -> int:
        return len(self._hits)

    def add(self, hit: HitRow) -> None:
        if settings.ANALYTICS_HIT_BATCH <= 1:
            hits_write([hit])
            return
        with self._lock:
            if self._pid != os.getpid():  # a forked child: the parent's views are the parent's to write
                self._hits, self._pid, self._thread = [], os.getpid(), None
            if not self._hits:
                self._oldest = time.monotonic()
            self._hits.append(hit)
            if self._is_due():
                self.due.set()
            self._start_thread()

    def _is_due(self) -> bool:
        return bool(self._hits) and (
            len(self._hits) >= settings.ANALYTICS_HIT_BATCH
            or time.monotonic() - self._oldest >= settings.ANALYTICS_HIT_FLUSH_SECONDS
        )

    def flush(self) -> int:
        """Write every waiting view now; the number written (0 if the database refused them: kept for later)."""
        with self._flush_lock:
            with self._lock:
                hits, self._hits = self._hits, []
                self.due.clear()
            if not hits:
                return 0
            try:
                hits_write(hits)
            except DatabaseError:
                with self._lock:
                    self._hits = (hits + self._hits)[-self.MAX_WAITING :]
                    self._oldest = time.monotonic()
                logger.exception("could not write %d portal hits; kept for the next attempt", len(hits))
                return 0
            return len(hits)

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="gongkai-hit-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self.due.wait(timeout=max(settings.ANALYTICS_HIT_FLUSH_SECONDS, 0.1))
            self.write_if_due()

    def write_if_due(self) -> None:
        """One round of the writer thread: write the waiting views if a batch is due."""
        with self._lock:
            due = self._is_due()
        if not due:
            self.due.clear()
            return
        try:
            self.flush()
        finally:
            # The thread keeps its connection for the next batch, as a request thread keeps its own, until it
            # is older than CONN_MAX_AGE or broken: under load a batch is written several times a second, and
            # each new PostgreSQL connection is a new server process (SQLite: a file opened, its PRAGMAs run).
            for connection in connections.all(initialized_only=True):
                connection.close_if_unusable_or_obsolete()


hit_buffer = HitBuffer()
atexit.register(hit_buffer.flush)


def hit_record(
    *, agency_id: int, path: str, client_address: str, user_agent: str, is_new_visitor: bool, search_term: str = ""
) -> HitRow:
    """Count one page view: hashed at once, written with the next batch (`HitBuffer`)."""
    hit = hit_new(
        agency_id=agency_id, path=path, client_address=client_address, user_agent=user_agent,
        is_new_visitor=is_new_visitor, search_term=search_term,
    )  # fmt: skip
    hit_buffer.add(hit)
    return hit


def hits_flush() -> int:
    """Write this process's waiting page views now (tests, the roll-up command, a worker shutting down)."""
    return hit_buffer.flush()


# Visitors sometimes type their own identity or phone number into the search box; a search term is kept for
# the top-searches list, so any run of six or more digits is masked before it is stored.
_LONG_NUMBER = re.compile(r"\d{6,}[\dXx]?")


def search_term_clean(term: str) -> str:
    return _LONG_NUMBER.sub(lambda m: "*" * len(m.group()), " ".join(term.split()))[:100]


def _visits(times_by_visitor: list[tuple[str, dt.datetime]]) -> int:
    """Number of visits: runs of one visitor's page views with no gap longer than VISIT_GAP."""
    visits, last_visitor, last_time = 0, None, None
    for visitor, created_at in times_by_visitor:
        if visitor != last_visitor or last_time is None or created_at - last_time > VISIT_GAP:
            visits += 1
        last_visitor, last_time = visitor, created_at
    return visits


def day_rollup(*, day: dt.date) -> int | None:
    """Roll up one finished day's raw hits into the daily counts; None when the day was already done.

    One transaction per day, recording the day as done in the same transaction: an interrupted run leaves
    each day either fully rolled up or untouched, and the next run resumes with the days left.
    """
    try:
        with transaction.atomic():
            if RolledUpDay.objects.filter(day=day).exists():
                return None
            hits = Hit.objects.filter(day=day)
            # A section whose day was imported from the previous counter keeps the imported figures: the two
            # counters' definitions differ, and adding one to the other would count some visitors twice.
            imported = set(DailyCount.objects.filter(day=day, imported=True).values_list("agency_id", flat=True))
            agency_ids = sorted(set(hits.values_list("agency_id", flat=True)) - imported)
            DailyCount.objects.filter(day=day, agency_id__in=agency_ids, imported=False).delete()
            DailyPageCount.objects.filter(day=day, agency_id__in=agency_ids).delete()
            DailySearchCount.objects.filter(day=day, agency_id__in=agency_ids).delete()
            total = 0
            for agency_id in agency_ids:
                mine = hits.filter(agency_id=agency_id)
                rows = list(
                    mine.order_by("visitor", "created_at").values_list("visitor", "created_at", "is_new_visitor")
                )
                total += len(rows)
                DailyCount.objects.create(
                    day=day,
                    agency_id=agency_id,
                    visits=_visits([(v, t) for v, t, _new in rows]),
                    page_views=len(rows),
                    visitors=len({v for v, _t, _new in rows}),
                    new_visitors=len({v for v, _t, new in rows if new}),
                )
                pages = Counter(dict(mine.values_list("path").annotate(n=Count("id")).values_list("path", "n")))
                DailyPageCount.objects.bulk_create(
                    DailyPageCount(day=day, agency_id=agency_id, path=path, page_views=n) for path, n in pages.items()
                )
                terms = mine.exclude(search_term="").values_list("search_term").annotate(n=Count("id"))
                DailySearchCount.objects.bulk_create(
                    DailySearchCount(day=day, agency_id=agency_id, term=term, searches=n)
                    for term, n in terms.values_list("search_term", "n")
                )
            RolledUpDay.objects.create(day=day, rolled_up_at=timezone.now(), hits=total)
            return total
    except IntegrityError:
        # A second run working at the same moment finished this day first; its result stands.
        return None


def analytics_rollup(*, actor=None, until: dt.date | None = None) -> dict[dt.date, int]:
    """Roll up every finished day (before `until`, default today) not yet rolled up. Safe to run twice."""
    until = until or timezone.localdate()
    hits_flush()  # this process's own waiting views (a worker's are written within seconds by its thread)
    done_days = set(RolledUpDay.objects.values_list("day", flat=True))
    pending = sorted(
        d for d in Hit.objects.filter(day__lt=until).values_list("day", flat=True).distinct() if d not in done_days
    )
    result = {}
    for day in pending:
        count = day_rollup(day=day)
        if count is not None:
            result[day] = count
    # Yesterday's salts are no longer needed by anyone; deleting them makes their hashes unlinkable for good.
    DailySalt.objects.filter(day__lt=timezone.localdate()).delete()
    if result:
        with transaction.atomic():
            audit_record(
                actor=actor,
                verb="analytics.rollup",
                object_type="analytics.rolledupday",
                object_repr=f"{min(result)} – {max(result)}",
                after={"days": len(result), "hits": sum(result.values())},
            )
    return result


def hits_prune(*, actor=None, keep_days: int = 7, today: dt.date | None = None) -> int:
    """Delete raw hits of rolled-up days older than `keep_days`. Hits not yet rolled up are never deleted."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=keep_days)
    with transaction.atomic():
        days = list(RolledUpDay.objects.filter(day__lt=cutoff, pruned_at__isnull=True).values_list("day", flat=True))
        deleted, _ = Hit.objects.filter(day__in=days).delete()
        RolledUpDay.objects.filter(day__in=days).update(pruned_at=timezone.now())
        if days:
            audit_record(
                actor=actor,
                verb="analytics.prune",
                object_type="analytics.rolledupday",
                object_repr=f"{min(days)} – {max(days)}",
                after={"days": len(days), "hits": deleted},
            )
    return deleted


def search_counts_prune(*, actor=None, keep_days: int | None = None, today: dt.date | None = None) -> int:
    """Delete the daily search-term counts (热门检索) of days older than `keep_days`.

    The counts hold a term, a day and a section, never an address or a visitor (issue 20); they are kept for the
    top-searches lists of the portal (the past month) and of the back office (any range within the kept days),
    then deleted by the nightly roll-up job. `keep_days` defaults to `GONGKAI_SEARCH_TERMS_KEEP_DAYS` (400: a
    whole year can still be looked back on when the annual report is written in the January after).
    """
    keep_days = settings.ANALYTICS_SEARCH_TERMS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=keep_days)
    with transaction.atomic():
        old = DailySearchCount.objects.filter(day__lt=cutoff)
        first = old.order_by("day").values_list("day", flat=True).first()
        deleted, _ = old.delete()
        if deleted:
            audit_record(
                actor=actor,
                verb="analytics.prune_search_terms",
                object_type="analytics.dailysearchcount",
                object_repr=f"{first} – {cutoff - dt.timedelta(days=1)}",
                after={"rows": deleted, "keep_days": keep_days},
            )
    return deleted
