"""Page views are written in batches, not one INSERT per view, and none is lost on the way: every view, served
from the page cache or rendered, is in the raw table once its batch is written, and the roll-up counts it."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from gongkai.analytics import services
from gongkai.analytics.models import DailyCount, Hit
from gongkai.analytics.services import analytics_rollup, hit_buffer, hits_flush

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def batches(settings, monkeypatch):
    """Batches of 10. The background thread is not started: it would write outside the test's transaction, so
    the test writes the batch itself (`hits_flush`, what the thread runs) when the buffer says it is due."""
    hits_flush()
    settings.ANALYTICS_HIT_BATCH = 10
    settings.ANALYTICS_HIT_FLUSH_SECONDS = 3600
    monkeypatch.setattr(hit_buffer, "_start_thread", lambda: None)
    yield settings
    hit_buffer._hits.clear()
    hit_buffer.due.clear()


def test_views_wait_for_their_batch_and_every_one_is_written(client, tree, batches):
    pages = ["/", "/agencies/", "/agencies/kaili/", "/agencies/qdn-czj/"]
    for n in range(9):  # the same pages again and again: most are served from the page cache
        response = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"203.0.113.{n}").get(pages[n % 4], secure=True)
        assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    # No request wrote anything; the batch is not full yet.
    assert Hit.objects.count() == 0 and len(hit_buffer) == 9 and not hit_buffer.due.is_set()
    for n in range(9, 25):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"203.0.113.{n}").get(pages[n % 4], secure=True)
    assert hit_buffer.due.is_set() and Hit.objects.count() == 0
    assert hits_flush() == 25
    assert Hit.objects.count() == 25 and len(hit_buffer) == 0 and not hit_buffer.due.is_set()
    assert sorted(Hit.objects.values_list("path", flat=True)) == sorted(pages[n % 4] for n in range(25))


def test_a_batch_older_than_the_flush_interval_is_due(client, tree, batches, monkeypatch):
    batches.ANALYTICS_HIT_FLUSH_SECONDS = 2
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    visit = Client(HTTP_USER_AGENT=BROWSER)
    visit.get("/", secure=True)
    visit.get("/agencies/", secure=True)
    assert not hit_buffer.due.is_set()
    clock[0] += 2.5
    visit.get("/agencies/kaili/", secure=True)
    assert hit_buffer.due.is_set()
    assert hits_flush() == 3 and Hit.objects.count() == 3


def test_views_counted_from_many_threads_at_once_are_all_written(tree, batches):
    batches.ANALYTICS_HIT_BATCH = 10**9  # the threads only count; this thread writes, while they count
    agency_id = tree["prefecture"].pk
    threads_n, per_thread = 8, 250
    start = threading.Barrier(threads_n + 1)

    def count_views(n):
        start.wait()
        for i in range(per_thread):
            services.hit_buffer.add(
                services.hit_new(
                    agency_id=agency_id,
                    path=f"/t/{n}/{i}",
                    client_address=f"198.51.100.{n}",
                    user_agent=BROWSER,
                    is_new_visitor=False,
                )  # fmt: skip
            )

    # The day's salt is created here, in the test's transaction, before the threads hash with it.
    services.daily_salt(timezone.localdate())
    threads = [threading.Thread(target=count_views, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    start.wait()
    written = 0
    while any(thread.is_alive() for thread in threads):
        written += hits_flush()
    written += hits_flush()
    for thread in threads:
        thread.join()
    assert written == threads_n * per_thread
    assert Hit.objects.count() == threads_n * per_thread
    assert Hit.objects.values("path").distinct().count() == threads_n * per_thread


def test_the_thread_writes_a_due_batch_without_any_request(tree, batches, monkeypatch):
    written = []
    monkeypatch.setattr(services, "hits_write", written.extend)  # the thread's own connection is not the test's
    buffer = services.HitBuffer()
    for n in range(10):
        buffer.add(services.HitRow(timezone.now(), timezone.localdate(), tree["prefecture"].pk, f"/{n}", "", "", False))
    assert buffer.due.wait(timeout=5)
    thread = threading.Thread(target=buffer._run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(written) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(hit.path for hit in written) == [f"/{n}" for n in range(10)] and len(buffer) == 0


@pytest.mark.django_db(transaction=True)
def test_the_thread_keeps_its_connection_from_one_batch_to_the_next(tree, settings):
    """Under load a batch is written several times a second in each process: a new connection each time was a
    new PostgreSQL server process each time. The writer keeps its connection as request threads keep theirs."""
    from django.db import connections

    settings.ANALYTICS_HIT_BATCH = 2
    buffer = services.HitBuffer()
    buffer._start_thread = lambda: None
    seen = []

    def writer():
        try:
            for n in range(2):
                for path in (f"/{n}/a", f"/{n}/b"):
                    buffer.add(services.HitRow(timezone.now(), timezone.localdate(), tree["prefecture"].pk, path,
                                               "", "", False))  # fmt: skip
                buffer.write_if_due()
                seen.append(connections["default"].connection)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(timeout=30)
    assert Hit.objects.filter(path__in=["/0/a", "/0/b", "/1/a", "/1/b"]).count() == 4
    assert seen[0] is not None and seen[1] is seen[0]


def test_a_batch_the_database_refuses_is_kept_and_written_later(client, tree, batches, monkeypatch):
    visit = Client(HTTP_USER_AGENT=BROWSER)
    for _ in range(3):
        visit.get("/agencies/", secure=True)
    real_write = services.hits_write

    def refuse(hits):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(services, "hits_write", refuse)
    assert hits_flush() == 0 and len(hit_buffer) == 3  # the page views are still there
    visit.get("/", secure=True)
    monkeypatch.setattr(services, "hits_write", real_write)
    assert hits_flush() == 4
    assert Hit.objects.count() == 4


def test_the_roll_up_counts_the_views_still_waiting_in_this_process(tree, batches):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(23, 59)))
    for n in range(3):
        hit_buffer.add(services.HitRow(moment, yesterday, tree["prefecture"].pk, "/", "", f"{n:032x}", False))
    assert Hit.objects.count() == 0
    assert analytics_rollup() == {yesterday: 3}
    assert DailyCount.objects.get(day=yesterday, agency=tree["prefecture"]).page_views == 3


def test_with_a_batch_of_one_each_view_is_written_at_once(client, tree, settings):
    settings.ANALYTICS_HIT_BATCH = 1
    Client(HTTP_USER_AGENT=BROWSER).get("/agencies/", secure=True)
    assert Hit.objects.count() == 1 and len(hit_buffer) == 0


def test_a_written_view_reads_back_as_it_was_counted(tree):
    """hits_write passes the values to the database itself (no ORM): each field must read back unchanged."""
    # 00:30 in China on 1 March is 16:30 UTC on 28 February.
    late = dt.datetime(2025, 3, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [
        services.HitRow(late, dt.date(2025, 3, 1), tree["prefecture"].pk, "/搜索/?q=低保", "低保", "a" * 32, True),
        services.HitRow(timezone.now(), timezone.localdate(), tree["county"].pk, "/", "", "b" * 32, False),
    ]
    services.hits_write(rows)
    got = list(Hit.objects.order_by("pk").values_list(*services.HIT_FIELDS))
    assert got == [tuple(row) for row in rows]
    assert Hit.objects.filter(created_at__date=dt.date(2025, 3, 1)).count() == 1  # the instant, in China's time
    assert Hit.objects.filter(is_new_visitor=True).count() == 1


def test_a_view_counted_after_midnight_in_china_is_of_that_day(tree, batches):
    with time_machine.travel(dt.datetime(2025, 2, 28, 16, 30, tzinfo=dt.UTC), tick=False):  # 00:30 in China
        row = services.hit_new(
            agency_id=tree["prefecture"].pk, path="/", client_address="198.51.100.1", user_agent=BROWSER,
            is_new_visitor=False,
        )  # fmt: skip
    assert row.day == dt.date(2025, 3, 1)


def test_every_field_of_a_written_view_reads_back_as_it_was_counted(tree, batches):
    """Written as one prepared INSERT a row on SQLite and as one COPY on PostgreSQL (#15): each value as the
    database's own adapters give it, the time zone, the day, a search term and the flag included."""
    from gongkai.analytics.services import hit_record

    moment = dt.datetime(2026, 3, 2, 23, 59, 30, 123456, tzinfo=dt.UTC)  # 3 March in Beijing
    with time_machine.travel(moment, tick=False):
        counted = [
            hit_record(agency_id=tree["prefecture"].pk, path="/catalogue/?q=低保", client_address="203.0.113.9",
                       user_agent=BROWSER, is_new_visitor=True, search_term="最低 生活保障\t标准"),
            hit_record(agency_id=tree["county"].pk, path="/", client_address="203.0.113.10", user_agent=BROWSER,
                       is_new_visitor=False),
        ]  # fmt: skip
    assert hits_flush() == 2
    fields = ["created_at", "day", "agency_id", "path", "search_term", "visitor", "is_new_visitor"]
    written = sorted(Hit.objects.values_list(*fields), key=lambda row: row[3])
    assert written == sorted([tuple(getattr(hit, name) for name in fields) for hit in counted], key=lambda row: row[3])
    assert written[1][0] == moment and written[1][1] == dt.date(2026, 3, 3) and written[1][6] is True
