"""Peer benchmark (issue 20): the catalogue search beside SQLite FTS5 `trigram`, PostgreSQL `pg_trgm` and Xapian
with CJK n-grams, on one exported corpus, timed interleaved on the same query × filter cases.

One command (a scratch database for ours, never the demo one; PostgreSQL for the pg_trgm peer):

    GONGKAI_VAR_DIR=/tmp/gk-peers .venv/bin/python bench/search_peers.py --items 200000 \\
        --pg postgres://postgres@127.0.0.1:5432/peers

What it does:

1. Ours: makes sure the scratch catalogue holds --items items of the generator of `bench/catalogue_search.py`
   (same vocabulary, same seed, same agencies `bench0…`), imported through the real import service; a second
   run reuses them. Our engine is reached only through the catalogue's public selectors
   (`catalogue_search_ids`, `catalogue_search`, `catalogue_search_queryset`) and the `catalogue_reindex`
   command, so the figures can be measured again after the index changes (issue 20).
2. Exports the published items as a corpus (JSON Lines: id, agency, year, document type, day, and the text
   ours searches: title, summary, body, document number, keywords) and builds on it, timed:
   - SQLite FTS5 with the `trigram` tokenizer (a query of 3+ characters is a phrase MATCH; of 2 characters a
     LIKE, which FTS5 answers by scanning its stored text), filters and date order from a side table;
   - PostgreSQL `pg_trgm`: one table, a GIN `gin_trgm_ops` index, `LIKE '%q%'`;
   - Xapian with CJK n-grams (`TermGenerator`/`QueryParser` FLAG_CJK_NGRAM, filters as boolean terms, date
     order from a value slot, exact counts). Debian's `python3-xapian` is installed with apt when missing;
     when the venv's Python cannot import it, the Xapian part runs under /usr/bin/python3 in a subprocess
     (this file, `--xapian-worker`), which times its own searches. Skipped with a message if impossible;
   - ours: `manage.py catalogue_reindex` rebuilds our index from the same items (the build rate).
3. Times every engine interleaved (engines in a rotating order within each case) on the 24 queries × 6
   filters = 144 cases of `bench/catalogue_search.py`: each returns the newest 20 matches and the number of
   matches. Ours is timed twice: the bare ids (`catalogue_search_ids`, newest first, `count=True`), and the
   portal's search (`catalogue_search`: title hits first, highlighted titles and snippets).
4. Recall against a substring scan of the corpus, for the 24 queries without filters (a filter only narrows
   an engine's own match set): items found / items containing the query, and items found that do not contain
   it.

It prints one table (p50/p95 over the cases, bytes per item, build rate, recall); copy it into
docs/benchmarks.md.
"""

import json
import os
import sys
import time


def xapian_worker(db_path: str) -> None:  # noqa: C901 - one small protocol loop, stdlib and xapian only
    """Run under any Python that imports xapian: commands in, one JSON answer per line out."""
    try:
        import xapian
    except ImportError:
        print(json.dumps({"error": "no xapian module"}), flush=True)
        return
    print(json.dumps({"ready": xapian.version_string()}), flush=True)
    db = None
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "build":
            started = time.perf_counter()
            writable = xapian.WritableDatabase(db_path, xapian.DB_CREATE_OR_OVERWRITE)
            generator = xapian.TermGenerator()
            generator.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
            count = 0
            with open(command["corpus"], encoding="utf-8") as corpus:
                for row in map(json.loads, corpus):
                    doc = xapian.Document()
                    generator.set_document(doc)
                    generator.index_text(row["text"])
                    for prefix, value in (("XA", row["agency"]), ("XY", row["year"]), ("XT", row["type"])):
                        doc.add_boolean_term(f"{prefix}{value}")
                    doc.add_value(0, f"{row['day'].replace('-', '')}{row['id']:012d}")
                    writable.replace_document(row["id"], doc)
                    count += 1
            writable.commit()
            writable.close()
            seconds = time.perf_counter() - started
            size = sum(os.path.getsize(os.path.join(db_path, f)) for f in os.listdir(db_path))
            db = xapian.Database(db_path)
            print(json.dumps({"seconds": seconds, "items": count, "bytes": size}), flush=True)
        elif command["op"] == "search":
            started = time.perf_counter()
            parser = xapian.QueryParser()
            parser.set_database(db)
            query = parser.parse_query(command["q"], xapian.QueryParser.FLAG_CJK_NGRAM | xapian.QueryParser.FLAG_PHRASE)
            filters = [xapian.Query(f"{prefix}{value}") for prefix, value in command["filters"]]
            if filters:
                query = xapian.Query(xapian.Query.OP_FILTER, query, xapian.Query(xapian.Query.OP_AND, filters))
            enquire = xapian.Enquire(db)
            enquire.set_query(query)
            enquire.set_sort_by_value(0, True)
            size = db.get_doccount()
            if command.get("all"):
                mset = enquire.get_mset(0, size)
                ids = [m.docid for m in mset]
                total = len(ids)
            else:
                mset = enquire.get_mset(0, 20, size)  # checkatleast = every document: an exact count
                ids = [m.docid for m in mset]
                total = mset.get_matches_estimated()
            ms = (time.perf_counter() - started) * 1000
            print(json.dumps({"ms": ms, "ids": ids, "total": total}), flush=True)
        elif command["op"] == "quit":
            return


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--xapian-worker":
    xapian_worker(sys.argv[2])
    sys.exit(0)

# ---------------------------------------------------------------------------------------------------------------
import argparse  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalogue_search as generator  # noqa: E402 - sets Django up, as every bench script does
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.catalogue.access import items_published  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.catalogue.selectors import (  # noqa: E402
    catalogue_search,
    catalogue_search_ids,
    catalogue_search_queryset,
)
from gongkai.catalogue.services.imports import items_import  # noqa: E402

PAGE = 20


def filter_cases(agencies) -> list[tuple[str, dict]]:
    """The six filters of bench/catalogue_search.py, as (label, {agency, year, type})."""
    one = agencies[len(agencies) // 2]
    return [
        ("none", {}),
        ("agency", {"agency": one.pk}),
        ("year", {"year": 2020}),
        ("type", {"type": "normative"}),
        ("year+type", {"year": 2023, "type": "information"}),
        ("agency+year", {"agency": one.pk, "year": 2018}),
    ]


def ensure_items(count: int, agencies: list, batch: int = 10_000) -> float | None:
    """Import up to `count` items of the generator, as bench/catalogue_search.py does; the import rate."""
    import random

    rng = random.Random(1)  # noqa: S311 - the same sequence as bench/catalogue_search.py
    have = Item.objects.filter(agency__in=agencies).count()
    if have >= count:
        return None
    if have:  # replay the generator to where the last run stopped, so the corpus is the same
        done = 0
        while done < have:
            step = min(batch, have - done)
            generator.rows(rng, step, done)
            done += step
    started, imported = time.perf_counter(), 0
    while have + imported < count:
        step = min(batch, count - have - imported)
        agency = agencies[(have + imported) // batch % len(agencies)]
        items_import(actor=None, agency=agency, rows=generator.rows(rng, step, have + imported))
        imported += step
        print(f"  imported {have + imported:,} items", file=sys.stderr, flush=True)
    return imported / (time.perf_counter() - started)


def export_corpus(path: Path, agencies) -> tuple[int, dict[int, tuple]]:
    """The published items as JSON Lines; returns the count and each item's (agency, year, type, day)."""
    meta: dict[int, tuple] = {}
    fields = ("pk", "agency_id", "published_at", "document_type", "title", "summary", "body_text")
    fields += ("document_number", "keywords")
    items = items_published().filter(agency__in=agencies).order_by("pk").values_list(*fields)
    with path.open("w", encoding="utf-8") as out:
        for pk, agency, published, kind, title, summary, body, number, keywords in items.iterator(chunk_size=2000):
            day = timezone.localtime(published).date()
            text = "\n".join(part for part in (title, summary, body, number, keywords) if part)
            row = {"id": pk, "agency": agency, "year": day.year, "type": kind, "day": day.isoformat(), "text": text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            meta[pk] = (agency, day.year, kind, day.isoformat())
    return len(meta), meta


def corpus_rows(path: Path):
    with path.open(encoding="utf-8") as corpus:
        yield from map(json.loads, corpus)


def substring_scan(path: Path, queries: list[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {q: set() for q in queries}
    for row in corpus_rows(path):
        text = row["text"].lower()
        for q in queries:
            if q.lower() in text:
                found[q].add(row["id"])
    return found


def percentile(values: list[float], p: float) -> float:
    return generator.percentile(values, p)


class SqliteTrigram:
    name = "SQLite FTS5 trigram"

    def __init__(self, workdir: Path):
        self.path = workdir / "peer-trigram.sqlite3"

    def build(self, corpus: Path) -> tuple[float, int]:
        for stale in self.path.parent.glob(self.path.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, agency INTEGER, year INTEGER, type TEXT, day TEXT)")
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='trigram')")
        count, chunk = 0, []
        for row in corpus_rows(corpus):
            chunk.append(row)
            if len(chunk) == 2000:
                count += self._insert(db, chunk)
                chunk = []
        count += self._insert(db, chunk)
        db.execute("CREATE INDEX docs_day ON docs (day, id)")
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.perf_counter() - started
        self.db = db
        return seconds, count

    @staticmethod
    def _insert(db, rows) -> int:
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["agency"], r["year"], r["type"], r["day"]) for r in rows],
        )
        db.executemany("INSERT INTO fts(rowid, text) VALUES (?, ?)", [(r["id"], r["text"]) for r in rows])
        return len(rows)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))

    def _sql(self, q: str, filters: dict) -> tuple[str, list]:
        if len(q) >= 3:
            where, params = ["fts MATCH ?"], ['"' + q.replace('"', '""') + '"']
        else:  # shorter than a trigram: no index can help, so scan FTS5's stored text (a LIKE of fewer than
            # three characters matches nothing in SQLite 3.40's trigram tokenizer)
            where, params = ["instr(fts.text, ?) > 0"], [q]
        for column in ("agency", "year", "type"):
            if column in filters:
                where.append(f"docs.{column} = ?")
                params.append(filters[column])
        return "FROM fts JOIN docs ON docs.id = fts.rowid WHERE " + " AND ".join(where), params

    def search(self, q: str, filters: dict) -> tuple[list[int], int]:
        sql, params = self._sql(q, filters)
        ids = [
            r[0]
            for r in self.db.execute(f"SELECT docs.id {sql} ORDER BY docs.day DESC, docs.id DESC LIMIT {PAGE}", params)
        ]  # noqa: S608
        total = self.db.execute(f"SELECT count(*) {sql}", params).fetchone()[0]  # noqa: S608
        return ids, total

    def all_ids(self, q: str) -> set[int]:
        sql, params = self._sql(q, {})
        return {r[0] for r in self.db.execute(f"SELECT docs.id {sql}", params)}  # noqa: S608


class PgTrgm:
    name = "PostgreSQL pg_trgm (GIN)"

    def __init__(self, url: str):
        import psycopg

        self.db = psycopg.connect(url, autocommit=True)

    def build(self, corpus: Path) -> tuple[float, int]:
        db = self.db
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        db.execute("DROP TABLE IF EXISTS peer_trgm")
        started = time.perf_counter()
        db.execute(
            "CREATE TABLE peer_trgm (id integer PRIMARY KEY, agency integer, year integer, type text, day date,"
            " text text NOT NULL)"
        )
        count = 0
        with (
            db.cursor() as cursor,
            cursor.copy("COPY peer_trgm (id, agency, year, type, day, text) FROM STDIN") as copy,
        ):
            for row in corpus_rows(corpus):
                copy.write_row((row["id"], row["agency"], row["year"], row["type"], row["day"], row["text"]))
                count += 1
        db.execute("CREATE INDEX peer_trgm_text ON peer_trgm USING gin (text gin_trgm_ops)")
        db.execute("CREATE INDEX peer_trgm_day ON peer_trgm (day, id)")
        db.execute("VACUUM ANALYZE peer_trgm")
        return time.perf_counter() - started, count

    def size(self) -> int:
        return self.db.execute("SELECT pg_total_relation_size('peer_trgm')").fetchone()[0]

    def _sql(self, q: str, filters: dict) -> tuple[str, list]:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where, params = ["text LIKE %s"], [f"%{escaped}%"]
        for column in ("agency", "year", "type"):
            if column in filters:
                where.append(f"{column} = %s")
                params.append(filters[column])
        return "FROM peer_trgm WHERE " + " AND ".join(where), params

    def search(self, q: str, filters: dict) -> tuple[list[int], int]:
        sql, params = self._sql(q, filters)
        ids = [r[0] for r in self.db.execute(f"SELECT id {sql} ORDER BY day DESC, id DESC LIMIT {PAGE}", params)]  # noqa: S608
        total = self.db.execute(f"SELECT count(*) {sql}", params).fetchone()[0]  # noqa: S608
        return ids, total

    def all_ids(self, q: str) -> set[int]:
        sql, params = self._sql(q, {})
        return {r[0] for r in self.db.execute(f"SELECT id {sql}", params)}  # noqa: S608


def xapian_python() -> str | None:
    """A Python that can import xapian: this one, else Debian's (installing python3-xapian if missing)."""
    candidates = [sys.executable, "/usr/bin/python3"]

    def works(python: str) -> bool:
        if not Path(python).exists():
            return False
        return subprocess.run([python, "-c", "import xapian"], capture_output=True).returncode == 0  # noqa: S603

    for python in candidates:
        if works(python):
            return python
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("  installing python3-xapian with apt-get …", file=sys.stderr, flush=True)
        subprocess.run(["apt-get", "install", "-y", "python3-xapian"], capture_output=True)  # noqa: S603, S607
        for python in candidates:
            if works(python):
                return python
    return None


class Xapian:
    name = "Xapian CJK n-grams"

    def __init__(self, python: str, workdir: Path):
        self.path = workdir / "peer-xapian"
        self.process = subprocess.Popen(  # noqa: S603
            [python, str(Path(__file__).resolve()), "--xapian-worker", str(self.path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )  # fmt: skip
        hello = self._read()
        if "error" in hello:
            raise RuntimeError(hello["error"])
        self.version = hello["ready"]
        self.name = f"Xapian {self.version} CJK n-grams"

    def _read(self) -> dict:
        return json.loads(self.process.stdout.readline())

    def _ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return self._read()

    def build(self, corpus: Path) -> tuple[float, int]:
        answer = self._ask(op="build", corpus=str(corpus))
        self.bytes = answer["bytes"]
        return answer["seconds"], answer["items"]

    def size(self) -> int:
        return self.bytes

    @staticmethod
    def _filters(filters: dict) -> list:
        return [
            [prefix, filters[key]]
            for key, prefix in (("agency", "XA"), ("year", "XY"), ("type", "XT"))
            if key in filters
        ]

    def search_timed(self, q: str, filters: dict) -> tuple[float, list[int], int]:
        answer = self._ask(op="search", q=q, filters=self._filters(filters))
        return answer["ms"], answer["ids"], answer["total"]

    def all_ids(self, q: str) -> set[int]:
        return set(self._ask(op="search", q=q, filters=[], all=True)["ids"])

    def close(self) -> None:
        self._ask_quit()

    def _ask_quit(self) -> None:
        self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.process.stdin.flush()
        self.process.wait(timeout=60)


class Ours:
    """The project's search through its public selectors only (whatever index is behind them)."""

    name = "ours: catalogue_search_ids (newest, count)"

    def __init__(self, agencies):
        self.agencies = {a.pk: a for a in agencies}

    def _kwargs(self, filters: dict) -> dict:
        kwargs: dict = {}
        if "agency" in filters:
            kwargs["agencies"] = [self.agencies[filters["agency"]]]
        if "year" in filters:
            kwargs["year"] = filters["year"]
        if "type" in filters:
            kwargs["document_type"] = filters["type"]
        return kwargs

    def build(self, corpus: Path) -> tuple[float, int]:
        started = time.perf_counter()
        call_command("catalogue_reindex", stdout=open(os.devnull, "w"))  # noqa: SIM115
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The reindex deletes the rows the import wrote and writes them again: measure the index as
                # freshly built (as the peers are), then analyse as autovacuum does after a bulk load.
                for table in self.tables():
                    cursor.execute(f'VACUUM FULL "{table}"')
                cursor.execute("VACUUM ANALYZE")
        count = items_published().count()
        return time.perf_counter() - started, count

    # The index's tables and their bytes: `catalogue_search.INDEX_TABLES`, measured the same way there.
    TABLES = generator.INDEX_TABLES

    def size(self) -> int:
        return sum(generator.index_bytes().values())

    def tables(self) -> list[str]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name " + self.TABLES.format(column="name")
                )
            else:
                cursor.execute(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname "
                    + self.TABLES.format(column="relname")
                )
            return sorted(r[0] for r in cursor.fetchall())

    def search(self, q: str, filters: dict) -> tuple[list[int], int]:
        result = catalogue_search_ids(query=q, limit=PAGE, order="newest", count=True, **self._kwargs(filters))
        return list(result.ids), result.total

    def all_ids(self, q: str) -> set[int]:
        return set(catalogue_search_queryset(query=q).values_list("pk", flat=True))


class OursPage(Ours):
    name = "ours: catalogue_search (the portal's page of hits)"

    def search(self, q: str, filters: dict) -> tuple[list[int], int]:
        page = catalogue_search(query=q, **self._kwargs(filters))
        return [hit.item.pk for hit in page.hits], page.total


def main() -> None:  # noqa: C901, PLR0912, PLR0915 - one benchmark, read top to bottom
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10_000, help="items per import file (one agency each)")
    parser.add_argument("--pg", default=os.environ.get("GONGKAI_PEERS_PG", ""), help="PostgreSQL URL for pg_trgm")
    parser.add_argument("--workdir", default="", help="where the corpus and the peers' files go (default: var dir)")
    parser.add_argument("--rounds", type=int, default=1, help="timed runs of each case per engine")
    parser.add_argument("--skip", action="append", default=[], help="sqlite, pg, xapian or ours-build")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    agencies = generator.bench_agencies(args.agencies)
    rate = ensure_items(args.items, agencies, args.batch)
    workdir = Path(args.workdir or settings.VAR_DIR) / "peers"
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus.jsonl"
    started = time.perf_counter()
    count, meta = export_corpus(corpus, agencies)
    print(
        f"corpus: {count:,} items, {corpus.stat().st_size / 1e6:,.0f} MB of JSON Lines, exported in"
        f" {time.perf_counter() - started:.0f} s; ours on {connection.vendor}"
        + (f"; import {rate:,.0f} items/s" if rate else ""),
        flush=True,
    )

    engines: list = []
    if "sqlite" not in args.skip:
        engines.append(SqliteTrigram(workdir))
    if "pg" not in args.skip:
        if args.pg:
            engines.append(PgTrgm(args.pg))
        else:
            print("pg_trgm: skipped (no --pg URL)")
    if "xapian" not in args.skip:
        python = xapian_python()
        if python is None:
            print("Xapian: skipped (python3-xapian cannot be imported or installed here)")
        else:
            try:
                engines.append(Xapian(python, workdir))
                print(f"Xapian: {engines[-1].version} under {python}")
            except (RuntimeError, OSError, ValueError) as error:
                print(f"Xapian: skipped ({error})")
    ours, ours_page = Ours(agencies), OursPage(agencies)

    builds: dict[str, tuple[float, int]] = {}
    for engine in engines + ([] if "ours-build" in args.skip else [ours]):
        seconds, built = engine.build(corpus)
        builds[engine.name] = (seconds, built)
        print(f"  built {engine.name}: {built:,} items in {seconds:,.0f} s", file=sys.stderr, flush=True)
    sizes = {engine.name: engine.size() for engine in [*engines, ours]}
    print(f"ours: index tables counted: {', '.join(ours.tables())}")

    # Interleaved: for each case and round, every engine once, in an order that rotates from case to case.
    timed = [*engines, ours, ours_page]
    times: dict[str, list[float]] = {e.name: [] for e in timed}
    short: dict[str, list[float]] = {e.name: [] for e in timed}  # the 2-character queries
    cases = [(q, label, f) for q in generator.QUERIES for label, f in filter_cases(agencies)]
    for number, (q, _label, filters) in enumerate(cases):
        for _round in range(args.rounds):
            order = timed[number % len(timed) :] + timed[: number % len(timed)]
            for engine in order:
                if isinstance(engine, Xapian):
                    ms, _ids, _total = engine.search_timed(q, filters)
                else:
                    started = time.perf_counter()
                    engine.search(q, filters)
                    ms = (time.perf_counter() - started) * 1000
                times[engine.name].append(ms)
                if len(q) == 2:
                    short[engine.name].append(ms)
        if number % 12 == 11:
            print(f"  {number + 1} of {len(cases)} cases", file=sys.stderr, flush=True)

    expected = substring_scan(corpus, generator.QUERIES)
    recall: dict[str, tuple[int, int, int]] = {}
    for engine in [*engines, ours]:
        hit = want = extra = 0
        for q in generator.QUERIES:
            found = engine.all_ids(q)
            hit += len(found & expected[q])
            want += len(expected[q])
            extra += len(found - expected[q])
        recall[engine.name] = (hit, want, extra)

    ours_p50 = percentile(times[ours.name], 50)
    print()
    print(
        f"{count:,} items, {len(cases)} cases (24 queries × 6 filters) × {args.rounds} round(s), interleaved;"
        f" ours on {connection.vendor}"
    )
    print(
        "| engine | p50 ms | p95 ms | p50 ms, 2-char queries | p95 ÷ ours | index bytes/item | build items/s | recall (missed) | found without the substring |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for engine in timed:
        name = engine.name
        p50, p95 = percentile(times[name], 50), percentile(times[name], 95)
        size = sizes.get(name, sizes.get(ours.name) if isinstance(engine, Ours) else None)
        build = builds.get(name)
        hit, want, extra = recall.get(name, recall.get(ours.name, (0, 0, 0)))
        same = isinstance(engine, OursPage)
        print(
            f"| {name} | {p50:,.1f} | {p95:,.1f} | {percentile(short[name], 50):,.1f} | {p95 / percentile(times[ours.name], 95):,.2f}"
            f" | {'(same index)' if same else f'{size / count:,.0f}' if size else '–'}"
            f" | {'(same index)' if same else f'{build[1] / build[0]:,.0f}' if build else '–'}"
            f" | {'(same index)' if same else f'{hit / want:.4%} ({want - hit:,})' if want else '–'}"
            f" | {'(same index)' if same else f'{extra:,}'} |"
        )
    print(
        f"(ours p50 {ours_p50:.1f} ms; recall over the 24 queries without filters, {sum(len(v) for v in expected.values()):,} expected matches)"
    )
    for engine in engines:
        if isinstance(engine, Xapian):
            engine.close()


if __name__ == "__main__":
    main()
