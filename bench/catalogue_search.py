"""Catalogue benchmark: bulk import (with checks and indexing), search latency, page overhead, substring scan.

Run it against a scratch database, never the demo one:

    GONGKAI_VAR_DIR=/tmp/gk-bench .venv/bin/python bench/catalogue_search.py --items 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench .venv/bin/python bench/catalogue_search.py --items 100000

It migrates the database, imports N items of realistic Chinese government text (about 1,000 characters each,
built from a fixed vocabulary of real phrases) through the same all-or-nothing import service staff use, in
files of 10,000 rows spread over --agencies agencies, then times:

- import rate (items/s, including validation, the text checks, index numbers, versions and the index), per
  file and, with --more N, for N more items imported into the full-size catalogue;
- the bare index query (`search.search_page`: the page's ids and the capped total), the search selector (plus
  items, highlighted titles and snippets) and the whole search page through Django's test client (bypassing
  the page cache), for 24 queries of 2–8 characters × 6 filter combinations (none, agency, year, document
  type, year + type, agency + year) (p50 / p95 / max, ms), and the page's ratio to the bare index query;
- a plain substring scan over what the index holds (title, summary, body, document number, keywords) for some
  of the queries (the faster of two runs), as a ratio to the search selector (median of three), and a check
  that the index (uncapped) misses none of the items the scan finds;
- the search index's bytes per item (its tables, with their indexes);
- peak memory of this process and the database size.

A second run against the same database reuses the items. It prints one line per measurement; copy the lines
into docs/benchmarks.md.
"""

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("GONGKAI_HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from gongkai.agencies.models import Agency  # noqa: E402
from gongkai.catalogue import search  # noqa: E402
from gongkai.catalogue.access import items_published  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.catalogue.selectors import catalogue_search, catalogue_search_queryset  # noqa: E402
from gongkai.catalogue.selectors.search import _search_filters  # noqa: E402
from gongkai.catalogue.services import category_tree_ensure_default  # noqa: E402
from gongkai.catalogue.services.imports import items_import  # noqa: E402

# Boilerplate shared by most documents, and subject phrases each document draws a few of: so a query for a
# subject finds a realistic few per cent of the items, and a boilerplate word most of them.
BOILERPLATE = (
    "为深入贯彻落实党中央国务院决策部署", "按照州委州政府工作安排", "结合我州实际", "现将有关事项通知如下",
    "各县市人民政府", "州直各有关部门", "要切实提高思想认识", "加强组织领导", "进一步压实工作责任",
    "细化工作措施", "确保各项任务落地见效", "加强统筹协调", "形成工作合力", "严格落实信息公开要求",
    "主动接受社会监督", "本通知自印发之日起施行", "认真组织实施", "定期报送工作进展情况",
)  # fmt: skip
SUBJECTS = (
    "乡村振兴", "营商环境", "森林防火", "河长制", "稳岗就业", "医疗保险", "耕地保护", "安全生产", "防汛抗旱",
    "脱贫攻坚成果", "高质量发展", "放管服改革", "政务服务一网通办", "生态环境保护", "特色农业产业",
    "文化旅游融合", "民族团结进步", "基层治理", "法治政府建设", "行政效能", "重大项目建设", "交通基础设施",
    "义务教育均衡", "学生资助", "家庭医生签约", "城乡低保", "特困人员救助", "残疾人两项补贴", "养老保险待遇",
    "公益性岗位", "创业担保贷款", "技能培训补贴", "农村危房改造", "易地扶贫搬迁", "饮用水水源地",
    "大气污染防治", "土壤污染防治", "危险化学品", "道路交通安全", "消防安全", "食品安全", "药品监管",
    "疫苗接种", "传染病防控", "市场监管", "价格监测", "粮食安全", "高标准农田", "茶产业", "中药材种植",
    "林下经济", "生猪养殖", "稻渔综合种养", "电商进农村", "物流配送", "数字政府", "政务数据共享",
    "政府采购", "国有资产管理", "预算绩效管理", "政府债务", "税费优惠", "减税降费", "招商引资",
    "园区建设", "工业经济运行", "规上工业", "新型城镇化", "棚户区改造", "保障性住房", "物业管理",
    "城市管理", "垃圾分类", "污水处理", "住房公积金", "不动产登记", "土地征收", "房屋征收补偿",
    "地质灾害防治", "气象灾害预警", "应急预案", "突发事件", "信访工作", "网民留言", "人大代表建议",
    "政协委员提案", "公务员招考", "事业单位招聘", "人才引进", "干部任免", "统计公报", "居民消费价格",
    "国民经济运行", "固定资产投资", "社会消费品零售", "农民人均可支配收入", "非物质文化遗产", "苗族侗族",
    "古村落保护", "体育赛事", "全民健身", "乡村旅游", "民宿发展", "退役军人服务", "双拥工作", "妇女儿童",
    "未成年人保护", "老龄工作", "殡葬改革", "婚姻登记", "社会组织", "慈善捐赠", "志愿服务",
)  # fmt: skip
PLACES = ("黔东南州", "凯里市", "黄平县", "施秉县", "三穗县", "镇远县", "岑巩县", "天柱县", "锦屏县", "剑河县",
          "台江县", "黎平县", "榕江县", "从江县", "雷山县", "麻江县", "丹寨县")  # fmt: skip
ACTIONS = ("工作方案", "实施意见", "管理办法", "推进情况", "专项资金", "检查通报", "考核结果", "年度计划",
           "政策措施", "补贴标准", "申报指南", "公示名单", "实施细则", "工作要点", "整改情况")  # fmt: skip
QUERIES = [
    "乡村", "营商", "防火", "河长", "稳岗", "保险", "耕地", "黎平", "2021", "旅游", "通知", "工作",
    "乡村振兴", "安全生产", "一网通办", "脱贫攻坚成果", "高质量发展", "基层治理", "茶产业", "地质灾害",
    "森林防火工作", "政务服务一网通办", "民族团结进步", "家庭医生签约",
]  # fmt: skip


def text(rng: random.Random, chars: int, subjects: list[str]) -> str:
    parts, size = [], 0
    while size < chars:
        if rng.random() < 0.45:
            phrase = rng.choice(BOILERPLATE)
        else:
            phrase = f"{rng.choice(PLACES)}{rng.choice(subjects)}{rng.choice(ACTIONS)}"
        parts.append(phrase + rng.choice("，，，。；"))
        size += len(phrase) + 1
    return "".join(parts)


def rows(rng: random.Random, count: int, offset: int) -> list[dict]:
    out = []
    for n in range(count):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3653))  # 2015–2024, evenly
        year = day.year
        kind = ("其他信息", "其他文件", "行政规范性文件")[(offset + n) % 3]
        subjects = rng.sample(SUBJECTS, 3)
        title = f"关于{rng.choice(PLACES)}{subjects[0]}{rng.choice(ACTIONS)}的通知"
        out.append(
            {
                "title": title,
                "summary": text(rng, 40, subjects),
                "body": text(rng, 1000, subjects),
                "category": ("统计信息", "财政预决算", "行政规范性文件", "乡村振兴")[(offset + n) % 4],
                "document_type": kind,
                "published_at": day.isoformat(),
                "date_written": day.replace(day=1).isoformat(),
                "document_number": f"黔东南府发〔{year}〕{offset + n + 1}号" if kind == "行政规范性文件" else "",
            }
        )
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database_mb() -> float:
    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / 1e6


# The search index's tables: every table named catalogue_search… but the synonym list (with their indexes, FTS5's
# shadow tables and TOAST); bench/search_peers.py measures ours with it too.
INDEX_TABLES = "LIKE 'catalogue\\_search%' ESCAPE '\\' AND {column} NOT LIKE '%synonym%'"


def index_bytes() -> dict[str, int]:
    """Bytes of each table of the search index (SQLite: dbstat, tables with their indexes; PostgreSQL:
    pg_total_relation_size, with indexes and TOAST)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT m.tbl_name, sum(pgsize) FROM dbstat JOIN sqlite_master m ON m.name = dbstat.name "
                "WHERE m.tbl_name " + INDEX_TABLES.format(column="m.tbl_name") + " GROUP BY m.tbl_name"
            )
        else:
            cursor.execute(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind IN ('r', 'm') AND relname "
                + INDEX_TABLES.format(column="relname")
            )
        return {name: int(size or 0) for name, size in cursor.fetchall()}


def print_index_size(items: int) -> None:
    sizes = index_bytes()
    parts = ", ".join(f"{name} {size / items:,.0f}" for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]))
    print(f"search index: {sum(sizes.values()) / items:,.0f} bytes per item over {items:,} items ({parts})")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_agencies(count: int) -> list[Agency]:
    from gongkai.agencies.services import agency_create
    from gongkai.demo.agencies import demo_credit_code

    agencies = []
    for n in range(count):
        agency = Agency.objects.filter(slug=f"bench{n}").first() or agency_create(
            actor=None, parent=None, slug=f"bench{n}", name=f"基准测试机关{n}", short_name=f"基准{n}",
            kind="government", credit_code=demo_credit_code("522600", 999_001 + n), office_name="办公室",
            office_address="凯里市", office_postcode="556000", office_phone="0855-8227803",
        )  # fmt: skip
        category_tree_ensure_default(actor=None, agency=agency)
        agencies.append(agency)
    return agencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--agencies", type=int, default=10, help="the items are spread evenly over them")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query/filter combination")
    parser.add_argument("--scan-queries", type=int, default=6, help="queries timed against a substring scan (0: none)")
    parser.add_argument(
        "--more", type=int, default=0, help="then import this many more items into the full-size catalogue, timed"
    )
    parser.add_argument("--no-queries", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    agencies = bench_agencies(args.agencies)
    rng = random.Random(1)  # noqa: S311
    have = Item.objects.filter(agency__in=agencies).count()
    imported, import_seconds, rates = 0, 0.0, []
    while have + imported < args.items:
        count = min(args.batch, args.items - have - imported)
        batch = rows(rng, count, have + imported)
        agency = agencies[(have + imported) // args.batch % len(agencies)]
        started = time.perf_counter()
        items_import(actor=None, agency=agency, rows=batch)
        seconds = time.perf_counter() - started
        import_seconds += seconds
        imported += count
        rates.append(count / seconds)
        print(f"  imported {have + imported} items ({count / seconds:,.0f}/s)", file=sys.stderr, flush=True)
    if args.more:
        started = time.perf_counter()
        for start in range(0, args.more, args.batch):
            count = min(args.batch, args.more - start)
            items_import(
                actor=None, agency=agencies[start // args.batch % len(agencies)], rows=rows(rng, count, 10**7 + start)
            )
        seconds = time.perf_counter() - started
        print(
            f"import into the full-size catalogue: {args.more:,} items in {seconds:.1f} s = {args.more / seconds:,.0f} items/s"
        )
    if connection.vendor == "postgresql" and (imported or args.more):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    total = Item.objects.filter(agency__in=agencies).count()
    print(f"backend={connection.vendor} items={total} agencies={len(agencies)} (imported now: {imported})")
    if imported:
        tail = rates[-max(1, len(rates) // 10) :]
        print(
            f"import: {imported / import_seconds:,.0f} items/s overall, {statistics.mean(tail):,.0f} items/s over the"
            " last tenth (the catalogue at full size); validation, checks, versions and index included"
        )

    print_index_size(items_published().count())
    if args.no_queries:
        print(f"memory: peak RSS of this process {peak_mb():.0f} MB; database size {database_mb():,.0f} MB")
        return
    client = Client(HTTP_HOST="127.0.0.1")
    # A session cookie makes every page bypass the portal's page cache (gongkai/portal/pagecache.py): the
    # page is measured as its first visitor gets it, searched and rendered, not as a repeat served from cache.
    client.cookies[settings.SESSION_COOKIE_NAME] = "bench-bypasses-the-page-cache"
    one = agencies[len(agencies) // 2]
    filters = [
        ({}, {}),
        ({"agencies": [one]}, {"agency": one.slug}),
        ({"year": 2020}, {"year": 2020}),
        ({"document_type": "normative"}, {"document_type": "normative"}),
        ({"year": 2023, "document_type": "information"}, {"year": 2023, "document_type": "information"}),
        ({"agencies": [one], "year": 2018}, {"agency": one.slug, "year": 2018}),
    ]
    bare, index, page, hits, slowest = [], [], [], [], []
    for q in QUERIES:
        for selector_filters, page_filters in filters:
            catalogue_search(query=q, **selector_filters)  # warm the caches once
            phrases = search.query_phrases(q)
            index_filters = _search_filters(
                agencies=selector_filters.get("agencies"), category=None, year=selector_filters.get("year"),
                document_type=selector_filters.get("document_type"), validity=None,
            )  # fmt: skip
            for _ in range(args.rounds):
                started = time.perf_counter()
                search.search_page(phrases, index_filters, limit=20, offset=0)
                index.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                result = catalogue_search(query=q, **selector_filters)
                elapsed = (time.perf_counter() - started) * 1000
                bare.append(elapsed)
                slowest.append((elapsed, q, str(page_filters)))
                hits.append(result.total)
                started = time.perf_counter()
                response = client.get("/catalogue/search/", {"q": q, **page_filters})
                page.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
    print(
        f"search selector (capped total + page of 20 with snippets), {len(bare)} runs: p50 {percentile(bare, 50):.1f} ms, "
        f"p95 {percentile(bare, 95):.1f} ms, max {max(bare):.1f} ms; hits shown per query median {statistics.median(hits):,.0f}"
    )
    print(
        f"bare index query (search.search_page: ids of the page + capped total): p50 {percentile(index, 50):.1f} ms,"
        f" p95 {percentile(index, 95):.1f} ms, max {max(index):.1f} ms"
    )
    print("  slowest:", ", ".join(f"{q} {f} {ms:.0f} ms" for ms, q, f in sorted(slowest, reverse=True)[:5]))
    print(
        f"search page end-to-end: p50 {percentile(page, 50):.1f} ms, p95 {percentile(page, 95):.1f} ms; "
        f"page/selector ratio p50 {percentile(page, 50) / percentile(bare, 50):.2f}, p95 {percentile(page, 95) / percentile(bare, 95):.2f}; "
        f"page/bare index p50 {percentile(page, 50) / percentile(index, 50):.2f}, p95 {percentile(page, 95) / percentile(index, 95):.2f}"
    )
    scan_ratios = []
    for q in rng.sample(QUERIES, args.scan_queries):
        # Each timed like the rest: the scan at its faster of two runs (the ratio's conservative side), the
        # search at its median of three after it (one run right after a scan of gigabytes measures the cache).
        scan_times = []
        for _ in range(2):
            started = time.perf_counter()
            scan = set(
                items_published()
                .filter(agency__in=agencies)
                .filter(
                    Q(title__contains=q)
                    | Q(summary__contains=q)
                    | Q(body_text__contains=q)
                    | Q(document_number__contains=q)
                    | Q(keywords__contains=q)
                )
                .values_list("pk", flat=True)
            )
            scan_times.append((time.perf_counter() - started) * 1000)
        scan_ms = min(scan_times)
        search_times = []
        for _ in range(3):
            started = time.perf_counter()
            shown = catalogue_search(query=q)
            search_times.append((time.perf_counter() - started) * 1000)
        index_ms = statistics.median(search_times)
        scan_ratios.append(scan_ms / index_ms)
        found = set(catalogue_search_queryset(query=q).values_list("pk", flat=True))
        missed = scan - found
        print(
            f"  {q}: substring scan {scan_ms:.0f} ms ({len(scan):,} items), search page {index_ms:.1f} ms "
            f"(total shown {shown.total:,}{'+' if shown.more else ''}); all matches by the index {len(found):,}, missed {len(missed)}"
        )
        assert not missed, "the index missed items a substring scan finds"
    if scan_ratios:
        print(f"substring scan / search: median {statistics.median(scan_ratios):.0f}x, min {min(scan_ratios):.0f}x")
    print(f"memory: peak RSS of this process {peak_mb():.0f} MB; database size {database_mb():,.0f} MB")


if __name__ == "__main__":
    main()
