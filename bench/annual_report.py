"""Benchmark: compiling annual reports from a province-sized data set (issue: annual report, speed).

    .venv/bin/python bench/annual_report.py --db sqlite    [--agencies 5000 --applications 2000000 --items 5000000]
    .venv/bin/python bench/annual_report.py --db postgres  [same]

Builds (once; reused on later runs) a separate database — var/bench-report/gongkai.sqlite3, or the PostgreSQL
database `gk_bench_report` — with a province of agencies, applications over two years and catalogue items,
then measures:

1. the bare aggregate queries one agency's report needs (GROUP BY counts, no record ids, no cells), and
2. compiling that agency's report through the real selectors (every cell with the records it counts), each the
   median of 9 runs taken in turn;
3. the roll-up of the whole province (all agencies in one report), once;
and prints the ratios and peak memory. Results go in docs/benchmarks.md.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(db: str, name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if db == "postgres":
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/gk_bench_{name}"
        _ensure_pg_database(os.environ["DATABASE_URL"])
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["GONGKAI_VAR_DIR"] = str(ROOT / "var" / f"bench-{name}")
    import django

    django.setup()


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _connection():
    from django.db import connection

    return connection


# Pseudo-random numbers computed in SQL from the row number g, the same on both databases: a quadratic
# congruence modulo the prime 2^31 - 1, one (a, b, c) per independent draw. Same data set on SQLite and
# PostgreSQL, so their figures can be compared cell by cell (the benchmark prints a few totals).
PRIME = 2_147_483_647
DRAWS = {"h1": (1103515245, 12345, 7), "h2": (69069, 1013904223, 11), "h3": (22695477, 40692, 3), "h4": (1664525, 2531011, 5)}  # fmt: skip


def pick(draw: str, n: int) -> str:
    """SQL for a uniform integer in [0, n) from one draw (integer arithmetic: identical on both databases)."""
    return f"({draw} * {int(n)} / {PRIME})"


class Dialect:
    """The few SQL spellings that differ between SQLite and PostgreSQL in the generator."""

    def __init__(self, vendor: str):
        self.pg = vendor == "postgresql"

    def series(self, count: int) -> str:
        """A subquery of the row numbers g = 1..count and the draws h1..h4."""
        draws = ", ".join(
            f"((g * g % {PRIME}) * {a} + g * {b} + {c}) % {PRIME} AS {name}" for name, (a, b, c) in DRAWS.items()
        )
        if self.pg:
            return f"(SELECT g, {draws} FROM generate_series(1::bigint, {int(count)}) g) s"
        return (
            f"(WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series WHERE g < {int(count)}) "
            f"SELECT g, {draws} FROM series) s"
        )  # fmt: skip

    def day(self, offset: str) -> str:
        """The date `offset` days after 1 January 2023."""
        if self.pg:
            return f"(DATE '2023-01-01' + ({offset})::int)"
        return f"date('2023-01-01', '+' || ({offset}) || ' days')"

    def ten_oclock(self, offset: str) -> str:
        """10:00 Beijing time on day `offset` (stored as UTC on SQLite, as Django stores it)."""
        if self.pg:
            return f"(({self.day(offset)})::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '10 hours')"
        return f"({self.day(offset)} || ' 02:00:00')"

    def padded(self, number: str, width: int) -> str:
        if self.pg:
            return f"lpad(({number})::text, {int(width)}, '0')"
        return f"printf('%0{int(width)}d', {number})"


def insert_series(model, count: int, expressions: dict[str, str]) -> None:
    """INSERT … SELECT over the row numbers 1..count, computing every row in the database.

    `expressions` are SQL per field over the series' columns g (the row number) and h1..h4 (draws in
    [0, PRIME)); every other field gets its default as a parameter.
    """
    from django.utils import timezone

    connection = _connection()
    now = timezone.now()
    columns, selects, params = [], [], []
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        if f.name in expressions:
            selects.append(expressions[f.name].replace("%", "%%"))  # the modulo operator, not a placeholder
        else:
            value = now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            selects.append("%s")
            params.append(f.get_db_prep_save(value, connection=connection))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {Dialect(connection.vendor).series(count).replace('%', '%%')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def generate_bulk(ids: list[int], n_applications: int, n_items: int) -> None:
    """The applicants, applications and items, made in the database in one statement each (both databases).

    Applicants: one in ten an organisation, of the five organisation types in turn. Applications: received on
    a uniform day of 2023–2024 at a uniform agency; 95 % closed 5–39 days later with a uniform outcome of the
    21; ten per applicant. Items: dated a uniform day of 2023–2024, published three days later; one in 997 a
    rule, one in 50 (otherwise) a normative document, one in seven of those repealed 200 days after writing.
    """
    from gongkai.applications.models import Applicant, Application, Outcome
    from gongkai.catalogue.models import Item

    sql = Dialect(_connection().vendor)
    n_agencies, n_applicants = len(ids), max(1, n_applications // 10)
    assert ids == list(range(1, n_agencies + 1)), "agency ids are 1..n"
    agency = f"1 + {pick('h1', n_agencies)}"
    organisation_types = ["business", "research", "public_interest", "legal_service", "other"]
    t0 = time.perf_counter()
    insert_series(
        Applicant,
        n_applicants,
        {
            "id": "g",
            "kind": "CASE WHEN g % 10 = 0 THEN 'organisation' ELSE 'natural' END",
            "name": "'申请人' || g",
            "organisation_type": "CASE WHEN g % 10 = 0 THEN CASE (g / 10) % 5 "
            + " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(organisation_types))
            + " END ELSE '' END",
            "phone": "'13800000000'",
        },
    )
    outcome = f"CASE {pick('h3', len(Outcome.values))} " + " ".join(f"WHEN {i} THEN '{o}'" for i, o in enumerate(Outcome.values)) + " END"  # fmt: skip
    received = pick("h2", 730)
    closed = f"{pick('h4', 100)} < 95"
    delay = f"5 + {pick('h4', 3500)} % 35"  # independent of the 95 % above: the draw's lower digits
    insert_series(
        Application,
        n_applications,
        {
            "id": "g", "agency": agency, "applicant": f"1 + (g * 7919) % {n_applicants}", "number": "'B-' || g",
            "tracking_code": f"'T' || {sql.padded('g', 15)}", "channel": "'online'", "received_on": sql.day(received),
            "title": "'某项目批复文件'", "form_wanted": "'electronic'", "delivery_method": "'email'",
            "status": f"CASE WHEN {closed} THEN 'closed' ELSE 'in_progress' END",
            "outcome": f"CASE WHEN {closed} THEN {outcome} ELSE '' END",
            "closed_on": f"CASE WHEN {closed} THEN {sql.day(f'{received} + {delay}')} END",
            "due_on": sql.day(f"{received} + 28"),
        },
    )  # fmt: skip
    print(f"{n_applicants} applicants, {n_applications} applications in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    written = pick("h2", 730)
    kind = "CASE WHEN g % 997 = 0 THEN 'rules' WHEN g % 50 = 0 THEN 'normative' ELSE 'other' END"
    insert_series(
        Item,
        n_items,
        {
            "id": "g", "agency": agency, "index_number": "'X/' || g", "title": "'关于印发某某实施方案的通知'",
            "document_type": kind, "date_written": sql.day(written), "status": "'published'", "validity": "'in_force'",
            "published_at": sql.ten_oclock(f"{written} + 3"),
            "repealed_on": f"CASE WHEN (g % 997 = 0 OR g % 50 = 0) AND g % 7 = 0 THEN {sql.day(f'{written} + 200')} END",
        },
    )  # fmt: skip
    print(f"{n_items} catalogue items in {time.perf_counter() - t0:.1f}s")


def generate(n_agencies: int, n_applications: int, n_items: int) -> None:
    from django.db import transaction

    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Item
    from gongkai.core.bulk import insert_rows
    from gongkai.demo.agencies import demo_credit_code

    if Item.objects.exists():
        print("reusing the generated data set")
        return
    if Agency.objects.exists():
        raise SystemExit("a previous generation stopped half-way: delete the bench database and run again")
    t0 = time.perf_counter()
    # A province: one government, 9 prefectures, each with departments, counties and their departments.
    agencies = []
    next_id = 1

    def add(parent, kind, name):
        nonlocal next_id
        pk = next_id
        next_id += 1
        path = (parent["path"] if parent else "") + f"{pk:06d}/"
        row = {
            "id": pk, "name": name, "short_name": name[:10], "slug": f"a{pk}", "kind": kind,
            "parent_id": parent["id"] if parent else None, "path": path, "depth": path.count("/") - 1,
            "credit_code": demo_credit_code("520000", pk), "office_name": f"{name}办公室", "office_address": "贵阳市",
            "office_postcode": "550000", "office_phone": "0851-1234567",
        }  # fmt: skip
        agencies.append(row)
        return row

    province = add(None, "government", "省人民政府")
    per_prefecture = (n_agencies - 1) // 9
    for p in range(9):
        prefecture = add(province, "government", f"第{p + 1}州人民政府")
        while len(agencies) < 1 + (p + 1) * per_prefecture:
            county = add(prefecture, "government", f"第{p + 1}州第{len(agencies)}县人民政府")
            for _ in range(min(8, 1 + (p + 1) * per_prefecture - len(agencies))):
                add(county, "department", f"第{p + 1}州第{len(agencies)}部门")
    while len(agencies) < n_agencies:
        add(province, "department", f"省第{len(agencies)}厅")
    with transaction.atomic():
        insert_rows(Agency, agencies)  # COPY on PostgreSQL, multi-row INSERT on SQLite
    ids = [a["id"] for a in agencies]
    print(f"{len(ids)} agencies in {time.perf_counter() - t0:.1f}s")
    connection = _connection()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Five million rows land in random places of a dozen indexes: a big page cache saves re-reading them.
            cursor.execute("PRAGMA cache_size = -2000000")
    with transaction.atomic():
        generate_bulk(ids, n_applications, n_items)
    _analyze()


def _analyze() -> None:
    with _connection().cursor() as cursor:
        cursor.execute("ANALYZE")


def bare_queries(agency_ids: list[int], year: int) -> dict:
    """The aggregate queries one report needs, as counts only (no record ids, no cells): the floor a compile is
    measured against. One counting query for each query the selectors make, on the same filters, written the
    fastest way we know on each database (the same planner hints the selectors use: a floor, not a straw man)."""
    from django.db import connection
    from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When

    from gongkai.analytics.models import DailyCount
    from gongkai.appeals.models import Lawsuit, Reconsideration
    from gongkai.applications.models import Applicant, Application, Fee, Topic
    from gongkai.catalogue.models import Item
    from gongkai.core.stats import NotIndexed
    from gongkai.enforcement.models import Decision, FeeRecord
    from gongkai.gazette.models import GazetteEntry, GazetteIssue
    from gongkai.participation.models import ConcernResponse, Consultation, Survey
    from gongkai.supervision.models import NewMediaAccount, TrainingSession

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cases = (
        Application.objects.filter(agency_id__in=agency_ids)
        .alias(received=NotIndexed("received_on"), closed=NotIndexed("closed_on"))
        .filter(Q(received__lte=last) & (Q(closed__isnull=True) | Q(closed__gte=first)))
        .order_by()
    )

    def column(prefix: str) -> Case:
        return Case(
            When(**{f"{prefix}kind": "natural"}, then=Value("natural")),
            When(**{f"{prefix}organisation_type": ""}, then=Value("other")),
            default=F(f"{prefix}organisation_type"),
        )

    if connection.vendor == "sqlite":
        applicant_column = Subquery(Applicant.objects.filter(pk=OuterRef("applicant_id")).values(c=column("")))
    else:
        applicant_column = column("applicant__")
    rules = Item.objects.filter(
        agency_id__in=agency_ids, status="published", document_type__in=["rules", "normative"]
    ).order_by()
    return {
        "table3": list(
            cases.annotate(
                column=applicant_column,
                new=Case(When(received_on__gte=first, then=Value(True)), default=Value(False)),
                left=Case(
                    When(Q(closed_on__isnull=True) | Q(closed_on__gt=last), then=Value("R4")), default=F("outcome")
                ),
            )
            .values_list("column", "new", "left")
            .annotate(n=Count("pk"))
        ),
        "topics": list(
            Topic.objects.filter(applications__agency_id__in=agency_ids)
            .alias(received=NotIndexed("applications__received_on"))
            .filter(received__year=year)
            .values("name")
            .annotate(n=Count("applications", distinct=True))
        ),
        "fees": Fee.objects.filter(application__agency_id__in=agency_ids, paid_on__year=year).aggregate(Sum("amount")),
        "items": Item.objects.filter(agency_id__in=agency_ids)
        .alias(published=NotIndexed("published_at"))
        .filter(published__year=year)
        .order_by()
        .count(),
        "article20": list(
            rules.values("document_type").annotate(
                issued=Count("pk", filter=Q(date_written__year=year)),
                repealed=Count("pk", filter=Q(repealed_on__year=year)),
                in_force=Count(
                    "pk",
                    filter=Q(date_written__lte=last)
                    & (Q(effective_from__isnull=True) | Q(effective_from__lte=last))
                    & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=last))
                    & (Q(expires_on__isnull=True) | Q(expires_on__gte=last))
                    & ~Q(validity="repealed", repealed_on__isnull=True),
                ),
            )
        ),
        "interpretations": Item.objects.filter(
            agency_id__in=agency_ids, status="published", interprets__isnull=False, interprets__gt=0
        )
        .alias(published=NotIndexed("published_at"))
        .filter(published__year=year)
        .order_by()
        .count(),
        "concerns": ConcernResponse.objects.filter(agency_id__in=agency_ids, published_on__year=year).count(),
        "consultations": Consultation.objects.filter(agency_id__in=agency_ids, opens_on__year=year).count(),
        "surveys": Survey.objects.filter(agency_id__in=agency_ids, opens_on__year=year).count(),
        "gazette": GazetteIssue.objects.filter(agency_id__in=agency_ids, year=year).aggregate(
            Count("id"), Sum("copies")
        ),
        "gazette_documents": GazetteEntry.objects.filter(issue__agency_id__in=agency_ids, issue__year=year).count(),
        "analytics": DailyCount.objects.filter(agency_id__in=agency_ids, day__year=year).aggregate(
            Sum("visits"), Sum("page_views"), Sum("visitors"), Sum("new_visitors")
        ),
        "newmedia": list(
            NewMediaAccount.objects.filter(agency_id__in=agency_ids).values("platform").annotate(n=Count("id"))
        ),
        "training": TrainingSession.objects.filter(agency_id__in=agency_ids, held_on__year=year).count(),
        "decisions": list(
            Decision.objects.filter(agency_id__in=agency_ids, decided_on__year=year)
            .values("kind")
            .annotate(n=Count("id"))
        ),
        "fee_records": FeeRecord.objects.filter(agency_id__in=agency_ids, collected_on__year=year).aggregate(
            Sum("amount")
        ),
        "reconsiderations": list(
            Reconsideration.objects.filter(agency_id__in=agency_ids, filed_on__year=year)
            .values("result")
            .annotate(n=Count("id"))
        ),
        "lawsuits": list(
            Lawsuit.objects.filter(agency_id__in=agency_ids, filed_on__year=year)
            .values("result")
            .annotate(n=Count("id"))
        ),
    }


def timed(fn, repeat: int) -> float:
    return timed_pair(fn, None, repeat)[0]


def timed_pair(first, second, repeat: int) -> tuple[float, float]:
    """Medians of `repeat` runs of each, taken in turn, so that a neighbour's load falls on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            if fn is not None:
                t0 = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1]) if times[1] else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--agencies", type=int, default=5000)
    parser.add_argument("--applications", type=int, default=2_000_000)
    parser.add_argument("--items", type=int, default=5_000_000)
    parser.add_argument("--name", default="report", help="names the data set: another size, another database")
    args = parser.parse_args()
    configure(args.db, args.name)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate(args.agencies, args.applications, args.items)

    from gongkai.agencies.models import Agency
    from gongkai.annual_reports.models import ReportScope
    from gongkai.annual_reports.selectors import report_agencies, report_figures_compile

    county = Agency.objects.filter(kind="government", depth=2).order_by("id")[3]
    members = [a.pk for a in report_agencies(county, ReportScope.AGENCY)]
    bare, compiled = timed_pair(
        lambda: bare_queries(members, 2024), lambda: report_figures_compile(agency=county, year=2024), 9
    )
    figures = report_figures_compile(agency=county, year=2024)
    print(f"one agency ({county.name}): bare aggregates {bare * 1000:.1f} ms, compile {compiled * 1000:.1f} ms, "
          f"ratio {compiled / bare:.2f}; R1 total {figures.t2('R1', 'total').value}")  # fmt: skip

    root = Agency.objects.get(depth=0)
    all_ids = list(Agency.objects.values_list("pk", flat=True))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bare_all = timed(lambda: bare_queries(all_ids, 2024), 1)
    t0 = time.perf_counter()
    rollup = report_figures_compile(agency=root, year=2024, scope=ReportScope.ROLLUP)
    rollup_time = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"roll-up of {len(all_ids)} agencies: {rollup_time:.1f} s (bare aggregates {bare_all:.1f} s, "
          f"ratio {rollup_time / bare_all:.2f}); R1 total {rollup.t2('R1', 'total').value}, items published "
          f"{rollup.s1('items_published').value}; peak RSS {rss1 / 1024:.0f} MiB (+{(rss1 - rss0) / 1024:.0f} MiB)")  # fmt: skip
    # The same data on both databases: the same fingerprint of every value means the same report.
    fingerprint = hashlib.sha256(json.dumps(rollup.values(), sort_keys=True, default=str).encode()).hexdigest()[:12]
    t0 = time.perf_counter()
    snapshot = json.dumps(rollup.to_json())
    print(f"roll-up figures {fingerprint}; frozen snapshot {len(snapshot) / 1024:.0f} KiB in {time.perf_counter() - t0:.2f} s")  # fmt: skip
    for address in ("R1.total", "R3.5.5.business"):
        row, column = address.rsplit(".", 1)
        cell = rollup.t2(row, column)
        t0 = time.perf_counter()
        shown = list(cell.records().order_by("pk")[:500])  # what the drill-down page shows first
        print(f"drill-down 3.{address} ({cell.value} cases): first {len(shown)} in {(time.perf_counter() - t0) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
