"""Search orders and counts: the bare index query in each order (title hits then newest; relevance; newest
alone), interleaved on the same queries and filters, and the count past the pages' cap (exact to 10,000, an
estimate above).

Run it after bench/catalogue_search.py has built a catalogue in the same database (it imports nothing):

    GONGKAI_VAR_DIR=/tmp/gk-bench .venv/bin/python bench/search_orders.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench .venv/bin/python bench/search_orders.py

Prints p50 / p95 / max (ms) per order over the 24 queries × 6 filters of catalogue_search.py, with and without
the count, the relevance/title ratios, and how many cases were counted exactly or estimated (each estimate
beside the true count and the items its filters' span holds; with --no-true-counts, alone: a true count of a
common word at 1,000,000 items on PostgreSQL takes minutes).

--rounds sets the timed runs of each case (3). --cold-texts empties SQLite's cache of decompressed texts
(`search.sqlite._decompressed`, emptied by `forget_texts`) before each relevance search, to time relevance as a process that has not
scored those items lately would.

--pages FILE keeps relevance's pages 1, 2, 3 and 5 of every case (their item ids, in order): written to FILE
when it does not exist, else compared with it, printing how many pages (and first pages) differ. Run it once
before a change to the ranking code and once after, on the same catalogue:

    GONGKAI_VAR_DIR=/tmp/gk-bench .venv/bin/python bench/search_orders.py --pages /tmp/pages-before.json

--against DIR times this checkout's backend module (`gongkai/catalogue/search/sqlite.py` or `postgres.py`)
against the one in DIR (another checkout, e.g. `git archive <commit> | tar -x -C DIR`) in one process: each
case runs both, alternating (the order swapped every round), in the title order and with the count, and it
prints p50 / p95 of each, the with-count ÷ title ratio, and how many cases' pages or counts differ between
the two. The rest of the search package comes from this checkout. Runs one after the other on a shared
machine moved with its load by more than the changes measured here (issue 20: 2–8 on two cores);
interleaved in one process both see the same load.

--counts FILE does the same for the count of every case (`count`, `count_exact`, `total`, `more`): written when
FILE does not exist, else compared, printing every case whose exact count changed and how far each estimate
moved. Each run also prints the cases whose count took longest.
"""

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue_search import QUERIES, bench_agencies, percentile  # noqa: E402 (sets Django up)
from django.db import connection  # noqa: E402

from gongkai.catalogue import search  # noqa: E402
from gongkai.catalogue.models import Item, SearchEntry  # noqa: E402
from gongkai.catalogue.selectors.search import _search_filters  # noqa: E402


def _cases(filters):
    """Every case of the benchmark: (query, parsed query, filter, the index's filters), in a fixed order."""
    for q in QUERIES:
        parsed = search.parse(q)
        for f in filters:
            yield q, parsed, f, _search_filters(
                agencies=f.get("agencies"), category=None, year=f.get("year"),
                document_type=f.get("document_type"), validity=None,
            )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query/filter combination")
    parser.add_argument("--cold-texts", action="store_true", help="SQLite: no decompressed text kept between searches")
    parser.add_argument(
        "--warm-each-order", action="store_true", help="warm each case in every order (else in the title order only)"
    )
    parser.add_argument("--pages", type=Path, help="relevance's pages of every case: written here, or compared")
    parser.add_argument("--counts", type=Path, help="the count of every case: written here, or compared")
    parser.add_argument("--against", type=Path, help="a checkout whose backend module is timed against this one's")
    parser.add_argument(
        "--no-true-counts",
        action="store_true",
        help="print the estimates without counting their matches (at 1,000,000 items on PostgreSQL a true count of a"
        " common word takes minutes)",
    )
    args = parser.parse_args()
    cold = args.cold_texts and connection.vendor == "sqlite"
    agencies = bench_agencies(10)
    one = agencies[len(agencies) // 2]
    filters = [{}, {"agencies": [one]}, {"year": 2020}, {"document_type": "normative"},
               {"year": 2023, "document_type": "information"}, {"agencies": [one], "year": 2018}]  # fmt: skip
    if args.against:
        compare_backends(args.against, filters, args.rounds)
        return
    orders = search.results.ORDERS
    times: dict[str, list[float]] = {order: [] for order in orders}
    counted: list[float] = []
    estimates: list[str] = []
    counts = {"exact to the cap": 0, "exact past the cap": 0, "estimated": 0}
    pages: dict[str, list[int]] = {}
    case_counts: dict[str, list] = {}
    slowest: list[tuple[float, float, str]] = []  # (count's slowest run, title order's slowest run, case)
    for q, parsed, f, index_filters in _cases(filters):
        for order in orders if args.warm_each_order else orders[:1]:  # warm
            search.search_page(parsed, index_filters, limit=20, offset=0, order=order)
        case_title, case_counted = [], []
        for _round in range(args.rounds):
            for order in orders:  # interleaved
                if cold and order == search.results.ORDER_RELEVANCE:
                    search.sqlite.forget_texts()
                started = time.perf_counter()
                search.search_page(parsed, index_filters, limit=20, offset=0, order=order)
                times[order].append((time.perf_counter() - started) * 1000)
                if order == search.results.ORDER_TITLE:
                    case_title.append(times[order][-1])
            # The title order with the count past the cap (exact to 10,000, else an estimate).
            started = time.perf_counter()
            result = search.search_page(parsed, index_filters, limit=20, offset=0, count=True)
            counted.append((time.perf_counter() - started) * 1000)
            case_counted.append(counted[-1])
        slowest.append((max(case_counted), max(case_title), f"{q} {f}"))
        case_counts[f"{q} {f}"] = [result.count, result.count_exact, result.total, result.more]
        if args.pages:
            for page in (0, 1, 2, 4):
                ranked = search.search_page(
                    parsed, index_filters, limit=20, offset=20 * page, order=search.results.ORDER_RELEVANCE
                )
                pages[f"{q} {f} page {page + 1}"] = ranked.ids
        key = "exact to the cap" if not result.more else "exact past the cap" if result.count_exact else "estimated"
        counts[key] += 1
        if key == "estimated" and args.no_true_counts:
            estimates.append(f"{q} {f}: 约 {result.count:,}")
        elif key == "estimated":
            sql, params = search.match_subquery(parsed, index_filters)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The true count reads every match: with the default 4 MB of work_mem the bitmap of
                    # 300,000 matches turns lossy and each row of a lossy page has its lexemes recomputed
                    # (minutes at 1,000,000 items); exact, it takes a second or two.
                    cursor.execute("SET work_mem = '256MB'")
                cursor.execute(f"SELECT count(*) FROM ({sql}) AS m", params)  # noqa: S608 - the index's own SQL
                (true,) = cursor.fetchone()
                if connection.vendor == "postgresql":
                    cursor.execute("RESET work_mem")
            low, high = index_filters.key_range()
            span = SearchEntry.objects.filter(sort_key__gte=low, sort_key__lt=high).count()
            estimates.append(f"{q} {f}: 约 {result.count:,} for {true:,} (of {span:,} items in its span)")
    items = Item.objects.filter(agency__in=agencies).count()
    print(f"backend={connection.vendor} items={items}: bare index query, first page of 20, {len(counted)} runs each")
    for order in orders:
        values = times[order]
        print(
            f"  order={order}: p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} ms,"
            f" max {max(values):.1f} ms"
        )
    print(
        f"  title order with the count past the cap (count=True): p50 {percentile(counted, 50):.1f} ms,"
        f" p95 {percentile(counted, 95):.1f} ms"
    )
    title, relevance = times[search.results.ORDER_TITLE], times[search.results.ORDER_RELEVANCE]
    print(
        f"  relevance / title: p50 {percentile(relevance, 50) / percentile(title, 50):.2f},"
        f" p95 {percentile(relevance, 95) / percentile(title, 95):.2f}"
    )
    print("  cases: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    print("  estimates: " + "; ".join(estimates))
    print(
        "  slowest counts (count / title order, ms): "
        + "; ".join(f"{case} {c:.0f} / {t:.0f}" for c, t, case in sorted(slowest, reverse=True)[:10])
    )
    if args.pages:
        compare_pages(args.pages, pages)
    if args.counts:
        compare_counts(args.counts, case_counts)


def compare_backends(other: Path, filters: list[dict], rounds: int) -> None:
    """This checkout's backend module and the one in `other`, interleaved case by case (`--against`)."""
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    spec = importlib.util.spec_from_file_location(f"against_{name}", other / f"gongkai/catalogue/search/{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no {name}.py under {other}")
    theirs = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = theirs
    spec.loader.exec_module(theirs)
    modules = {"against": theirs, "this": search.index.backend()}
    chosen = {"module": modules["this"]}
    search.index.backend = lambda vendor=None: chosen["module"]  # type: ignore[assignment]  # this process only
    times = {label: {"title": [], "count": []} for label in modules}
    differ = 0
    for _q, parsed, _f, index_filters in _cases(filters):
        answers = {}
        for label in modules:  # warm
            chosen["module"] = modules[label]
            search.search_page(parsed, index_filters, limit=20, offset=0)
        for n in range(rounds):
            for label in list(modules)[:: 1 if n % 2 == 0 else -1]:
                chosen["module"] = modules[label]
                started = time.perf_counter()
                search.search_page(parsed, index_filters, limit=20, offset=0)
                paged = time.perf_counter()
                result = search.search_page(parsed, index_filters, limit=20, offset=0, count=True)
                times[label]["title"].append((paged - started) * 1000)
                times[label]["count"].append((time.perf_counter() - paged) * 1000)
                answers[label] = (result.ids, result.total, result.more, result.count, result.count_exact)
        differ += answers["this"] != answers["against"]
    print(f"backend={connection.vendor}: this checkout against {other}, interleaved, {rounds} rounds of each case")
    for label, values in times.items():
        title, counted = values["title"], values["count"]
        print(
            f"  {label}: title order p50 {percentile(title, 50):.1f} / p95 {percentile(title, 95):.1f} ms;"
            f" with the count p50 {percentile(counted, 50):.1f} / p95 {percentile(counted, 95):.1f} ms;"
            f" with the count ÷ title, p95 {percentile(counted, 95) / percentile(title, 95):.2f}"
        )
    print(f"  cases whose page or count differ: {differ} of {len(QUERIES) * len(filters)}")


def compare_counts(path: Path, counts: dict[str, list]) -> None:
    """Write every case's count to `path`, or, when it holds counts already, print the exact counts that changed
    and how far the estimates moved."""
    if not path.exists():
        path.write_text(json.dumps(counts, ensure_ascii=False))
        print(f"  counts: {len(counts)} written to {path}")
        return
    before = json.loads(path.read_text())
    exact = [key for key in counts if before[key][1] or counts[key][1]]
    changed = [key for key in exact if before[key] != counts[key]]
    moved = [(counts[key][0] / before[key][0] - 1, key) for key in counts if not (before[key][1] or counts[key][1])]
    print(f"  counts: {len(changed)} of {len(exact)} exact counts differ from {path}")
    for key in changed:
        print(f"    {key}: {before[key]} -> {counts[key]}")
    if moved:
        print(
            f"  estimates: {sum(1 for m, _k in moved if m)} of {len(moved)} moved, by at most"
            f" {max(abs(m) for m, _k in moved):.1%}: "
            + "; ".join(f"{key} {before[key][0]:,} -> {counts[key][0]:,}" for m, key in moved if m)
        )


def compare_pages(path: Path, pages: dict[str, list[int]]) -> None:
    """Write relevance's pages to `path`, or, when it holds pages already, say how many differ."""
    if not path.exists():
        path.write_text(json.dumps(pages, ensure_ascii=False))
        print(f"  relevance pages: {len(pages)} written to {path}")
        return
    before = json.loads(path.read_text())
    differ = [key for key in pages if before.get(key) != pages[key]]
    firsts = [key for key in pages if key.endswith(" page 1")]
    print(
        f"  relevance pages: {len(differ)} of {len(pages)} differ from {path}; first pages:"
        f" {sum(1 for key in differ if key.endswith(' page 1'))} of {len(firsts)}"
        f" ({sum(1 for key in firsts if pages[key])} list something)"
    )
    for key in differ[:10]:
        print(f"    {key}: {before.get(key)} -> {pages[key]}")


if __name__ == "__main__":
    main()
