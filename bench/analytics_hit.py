"""How much time recording a portal hit adds to a page, and how fast the roll-up runs.

Serves the same agency page many times through the whole middleware stack with a browser's User-Agent
(recorded) and with a crawler's (the same code path, minus the recording), interleaved in blocks, and prints
the median times and their ratio. Then rolls up a day of raw hits and prints hits per second.

    .venv/bin/python bench/analytics_hit.py            # SQLite (WAL), a throwaway database under var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_issue7 .venv/bin/python bench/analytics_hit.py
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
CRAWLER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
BLOCKS, PER_BLOCK = 20, 50
ROLLUP_HITS = 50_000


def make_agencies():
    from gongkai.agencies.services import agency_create
    from gongkai.demo.agencies import demo_credit_code

    common = {"office_address": "贵州省凯里市", "office_postcode": "556000", "office_phone": "0855-8227803"}
    root = agency_create(actor=None, parent=None, slug="qdn", name="黔东南州人民政府", short_name="州政府",
                         kind="government", credit_code=demo_credit_code("522600", 1), office_name="州政府办公室",
                         **common)  # fmt: skip
    dept = agency_create(actor=None, parent=root, slug="qdn-czj", name="黔东南州财政局", short_name="州财政局",
                         kind="department", credit_code=demo_credit_code("522600", 2), office_name="州财政局办公室",
                         **common)  # fmt: skip
    return root, dept


def timed(client, url, agent, n):
    out = []
    for i in range(n):
        start = time.perf_counter()
        response = client.get(url, secure=True, HTTP_USER_AGENT=agent, REMOTE_ADDR=f"10.0.{i % 250}.{i % 200}")
        out.append(time.perf_counter() - start)
        assert response.status_code == 200
    return out


def bench_page(dept):
    from gongkai.analytics.models import Hit

    url = f"/agencies/{dept.slug}/"
    client = Client()
    timed(client, url, BROWSER, 50)  # warm up templates, the salt and connections
    timed(client, url, CRAWLER, 50)
    recorded, skipped = [], []
    for _ in range(BLOCKS):
        recorded += timed(client, url, BROWSER, PER_BLOCK)
        skipped += timed(client, url, CRAWLER, PER_BLOCK)
    assert Hit.objects.count() == 50 + BLOCKS * PER_BLOCK
    med_r, med_s = statistics.median(recorded), statistics.median(skipped)
    p95 = lambda xs: statistics.quantiles(xs, n=20)[-1]  # noqa: E731
    print(f"page with hit recorded:  median {med_r * 1000:.2f} ms, p95 {p95(recorded) * 1000:.2f} ms")
    print(f"page without recording:  median {med_s * 1000:.2f} ms, p95 {p95(skipped) * 1000:.2f} ms")
    print(f"recording adds {(med_r - med_s) * 1000:.2f} ms per page; ratio recorded/unrecorded = {med_r / med_s:.3f}")


def bench_rollup(root, dept):
    from gongkai.analytics.models import DailyCount, Hit
    from gongkai.analytics.services import analytics_rollup

    day = timezone.localdate() - dt.timedelta(days=3)
    base = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    Hit.objects.bulk_create(
        (
            Hit(created_at=base + dt.timedelta(seconds=i), day=day, agency=root if i % 3 else dept,
                path=f"/p/{i % 40}/", visitor=f"{i % 9000:032x}", is_new_visitor=i % 7 == 0,
                search_term="预算" if i % 50 == 0 else "")
            for i in range(ROLLUP_HITS)
        ),
        batch_size=5000,
    )  # fmt: skip
    start = time.perf_counter()
    analytics_rollup()
    took = time.perf_counter() - start
    start = time.perf_counter()
    analytics_rollup()
    again = time.perf_counter() - start
    total = sum(DailyCount.objects.filter(day=day).values_list("page_views", flat=True))
    assert total == ROLLUP_HITS
    print(
        f"roll-up of {ROLLUP_HITS} hits: {took:.2f} s ({ROLLUP_HITS / took:,.0f} hits/s); second run {again * 1000:.1f} ms"
    )


def main():
    setup_test_environment()
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(__file__).resolve().parent.parent / "var" / "bench-analytics.sqlite3")
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_bench"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        root, dept = make_agencies()
        bench_page(dept)
        bench_rollup(root, dept)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
