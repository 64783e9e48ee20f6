"""Open-data benchmark: the API's list and search endpoints at scale, and one agency's bulk files.

Run it against a scratch database, never the demo one:

    GONGKAI_VAR_DIR=/tmp/gk-bench-api .venv/bin/python bench/api.py --items 100000 --bulk-items 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench_api .venv/bin/python bench/api.py ...

It imports --items items spread over 10 agencies and 2015-2024 (the generator and import service of
bench/catalogue_search.py), plus --bulk-items items of one more agency all published in 2024, then times
through Django's test client (the whole request: middleware, rate limit, ETag, JSON):

- `GET /api/v1/items` lists: first pages and pages reached by following next_cursor, with the filters none,
  agency, year, document type, agency + year (p50 / p95, ms);
- `GET /api/v1/items?q=...` for the 24 queries of the catalogue benchmark × the same filters, and the same
  search through the portal's page `/catalogue/search/` (past its page cache), with the ratio API ÷ page at
  p50 and p95;
- `bulk_catalogue_write` for the bulk agency's year (JSON Lines and CSV): seconds, file sizes, and the peak
  memory of a child process writing it against a child writing a 1,000-item year (streamed files keep the
  two close).

It prints one line per measurement; copy the lines into docs/benchmarks.md.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("GONGKAI_HTTPS", "0")
os.environ.setdefault("GONGKAI_API_RATE_PER_MINUTE", "0")  # the benchmark is one client asking many times

import catalogue_search as cs  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from gongkai.api.bulk import bulk_catalogue_write  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.catalogue.services.imports import items_import  # noqa: E402


def ms(seconds: float) -> float:
    return seconds * 1000


def timed(client: Client, url: str, params: dict) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, params, response.status_code, response.content[:300])
    return elapsed, response


def summary(values: list[float]) -> str:
    return f"p50 {ms(cs.percentile(values, 50)):.1f} ms, p95 {ms(cs.percentile(values, 95)):.1f} ms, n={len(values)}"


def ensure_items(agencies, total: int, *, rng, year: int | None = None, batch: int = 10_000) -> None:
    have = Item.objects.filter(agency__in=agencies).count()
    while have < total:
        count = min(batch, total - have)
        rows = cs.rows(rng, count, have)
        if year is not None:
            for n, row in enumerate(rows):
                day = dt.date(year, 1, 1) + dt.timedelta(days=n % 365)
                row["published_at"] = day.isoformat()
                row["date_written"] = day.replace(day=1).isoformat()
                if row["document_number"]:
                    row["document_number"] = f"黔东南府发〔{year}〕{have + n + 1}号"
        started = time.perf_counter()
        items_import(actor=None, agency=agencies[have // batch % len(agencies)], rows=rows)
        have += count
        print(f"  {have} items ({count / (time.perf_counter() - started):,.0f}/s)", file=sys.stderr, flush=True)


def _child_write(agency_pk: int, year: int, queue) -> None:
    from gongkai.agencies.models import Agency

    connection.close()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    files = bulk_catalogue_write(agency=Agency.objects.get(pk=agency_pk), year=year)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    queue.put((seconds, cpu, [(f.format, f.rows, f.size) for f in files], usage.ru_maxrss / 1024))


def bulk_in_child(agency, year: int):
    """Write in a fresh child process so its peak memory is the writing's own, not this process's history."""
    connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_write, args=(agency.pk, year, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000, help="items over 10 agencies, 2015-2024")
    parser.add_argument("--bulk-items", type=int, default=100_000, help="items of the bulk agency, all in 2024")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(1)  # noqa: S311
    agencies = cs.bench_agencies(11)
    spread, bulk_agency = agencies[:10], agencies[10]
    ensure_items(spread, args.items, rng=rng)
    ensure_items([bulk_agency], args.bulk_items, rng=rng, year=2024)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Item.objects.count()
    print(
        f"backend={connection.vendor} items={total:,} (10 agencies x 2015-2024, + {args.bulk_items:,} in one agency-year)"
    )

    client = Client(HTTP_HOST="127.0.0.1")
    # The portal's page through its search, not its page cache: a session cookie bypasses the cache
    # (gongkai/portal/pagecache.py), as for the first visitor of a query. The API has no page cache.
    page_client = Client(HTTP_HOST="127.0.0.1")
    page_client.cookies[settings.SESSION_COOKIE_NAME] = "bench-bypasses-the-page-cache"
    one = spread[5]
    filters = [
        {},
        {"agency": one.slug},
        {"year": 2020},
        {"document_type": "normative"},
        {"agency": one.slug, "year": 2018},
    ]

    timed(client, "/api/v1/items", {"limit": 50})  # warm: the first request builds the API's schemas
    # Lists: the first page and the next four pages by cursor.
    first, deeper = [], []
    for params in filters:
        for _ in range(args.rounds):
            elapsed, response = timed(client, "/api/v1/items", {**params, "limit": 50})
            first.append(elapsed)
            cursor = response.json()["next_cursor"]
            for _page in range(4):
                if cursor is None:
                    break
                elapsed, response = timed(client, "/api/v1/items", {**params, "limit": 50, "cursor": cursor})
                deeper.append(elapsed)
                cursor = response.json()["next_cursor"]
    print(f"list, first page of 50: {summary(first)}")
    print(f"list, pages 2-5 by cursor: {summary(deeper)}")
    with override_settings(API_RATE_PER_MINUTE=10**9):  # the same first pages, now counted by the rate limit
        limited = [timed(client, "/api/v1/items", {**params, "limit": 50})[0] for params in filters * args.rounds]
    print(
        f"list, first page of 50, with the rate limit counting ({settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}): {summary(limited)}"
    )
    harvest = []
    for _ in range(args.rounds):
        elapsed, _response = timed(client, "/api/v1/items", {"updated_since": "2000-01-01T00:00:00Z", "limit": 200})
        harvest.append(elapsed)
    print(f"harvest page (updated_since, 200 items): {summary(harvest)}")

    # Search: the API against the portal's search page, same query and filters, 20 hits each.
    api, page, ratios = [], [], []
    for q in cs.QUERIES:
        for params in filters:
            timed(client, "/api/v1/items", {**params, "q": q, "limit": 20})  # warm
            for _ in range(args.rounds):
                a, _r = timed(client, "/api/v1/items", {**params, "q": q, "limit": 20})
                p, _r = timed(page_client, "/catalogue/search/", {**params, "q": q})
                api.append(a)
                page.append(p)
                ratios.append(a / p)
    print(f"search via API (20 hits): {summary(api)}")
    print(f"search via portal page: {summary(page)}")
    print(
        f"API / page: ratio of p50s {cs.percentile(api, 50) / cs.percentile(page, 50):.2f}, of p95s "
        f"{cs.percentile(api, 95) / cs.percentile(page, 95):.2f}; median per-request ratio {cs.percentile(ratios, 50):.2f}"
    )

    # Bulk files.
    small_year = 2019
    small = bulk_in_child(spread[0], small_year)
    big = bulk_in_child(bulk_agency, 2024)
    for label, (seconds, cpu, files, rss) in (("1 agency-year (small)", small), ("bulk agency 2024", big)):
        sizes = ", ".join(f"{fmt} {rows:,} rows {size / 1e6:.1f} MB" for fmt, rows, size in files)
        print(
            f"bulk {label}: {seconds:.1f} s wall, {cpu:.1f} s CPU for JSONL + CSV ({sizes}); child peak RSS {rss:.0f} MB"
        )
    print(f"database size {cs.database_mb():,.0f} MB")


if __name__ == "__main__":
    main()
