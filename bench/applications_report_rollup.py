"""Section 三 for a roll-up of 5,000 agencies: how long application_report_table takes and how many queries.

Builds a fresh database (SQLite in a temporary directory, or --database-url) with one root and N agencies under
it, and M applications spread over them and over two years, with bulk inserts (already-published history), then
times the report for the whole subtree (a QuerySet, as a roll-up passes it), for a plain list of the agencies,
and for a single agency, and prints the ratios.

    .venv/bin/python bench/applications_report_rollup.py
    .venv/bin/python bench/applications_report_rollup.py --database-url postgres://postgres@127.0.0.1:5432/gk_issue3
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--agencies", type=int, default=5000)
    parser.add_argument("--applications", type=int, default=50000)
    args = parser.parse_args()
    os.environ["GONGKAI_VAR_DIR"] = tempfile.mkdtemp(prefix="gk-rollup-")
    if args.database_url:
        import urllib.parse

        import psycopg

        os.environ["DATABASE_URL"] = args.database_url
        name = urllib.parse.urlparse(args.database_url).path.lstrip("/")
        with psycopg.connect(args.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.agencies.models import Agency
    from gongkai.applications.models import OUTCOME_TABLE, Applicant, Application
    from gongkai.applications.selectors import application_report_table
    from gongkai.demo.agencies import demo_credit_code

    call_command("migrate", "--noinput", verbosity=0)
    rng = random.Random(42)
    common = {"office_address": "贵州省凯里市", "office_postcode": "556000", "office_phone": "0855-8227803"}
    root = Agency.objects.create(
        name="根", short_name="根", slug="root", kind="government", credit_code=demo_credit_code("522600", 1),
        office_name="办", **common,
    )  # fmt: skip
    root.path = f"{root.pk:06d}/"
    root.save()
    children = Agency.objects.bulk_create(
        Agency(
            name=f"机关{i}", short_name=f"机关{i}", slug=f"a{i}", kind="department", parent=root, depth=1,
            credit_code=demo_credit_code("522600", 10 + i), office_name="办", **common,
        )
        for i in range(args.agencies)
    )  # fmt: skip
    if children[0].pk is None:
        children = list(Agency.objects.filter(parent=root).order_by("pk"))
    for child in children:
        child.path = f"{root.path}{child.pk:06d}/"
    Agency.objects.bulk_update(children, ["path"], batch_size=1000)
    kinds = ["natural"] * 8 + ["organisation"] * 2
    org_types = ["business", "research", "public_interest", "legal_service", "other"]
    applicants = Applicant.objects.bulk_create(
        Applicant(
            kind=(kind := rng.choice(kinds)), name=f"人{i}", phone="13800000000",
            organisation_type=rng.choice(org_types) if kind == "organisation" else "",
        )
        for i in range(args.applications)
    )  # fmt: skip
    if applicants[0].pk is None:
        applicants = list(Applicant.objects.order_by("pk"))
    outcomes = list(OUTCOME_TABLE)
    rows = []
    for i, applicant in enumerate(applicants):
        received = dt.date(2023, 1, 2) + dt.timedelta(days=rng.randrange(720))
        closed = received + dt.timedelta(days=rng.randrange(10, 40))
        is_open = closed > dt.date(2024, 12, 31)
        rows.append(
            Application(
                agency=children[i % len(children)], applicant=applicant, number=f"B-{i}", tracking_code=f"T{i:015d}",
                channel="online", received_on=received, title="x", form_wanted="paper", delivery_method="post",
                status="in_progress" if is_open else "closed", outcome="" if is_open else rng.choice(outcomes),
                closed_on=None if is_open else closed,
            )
        )  # fmt: skip
    Application.objects.bulk_create(rows, batch_size=2000)

    def timed(agencies, repeat=3):
        best, queries = None, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                table = application_report_table(agencies=agencies, year=2024)
                elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            queries = len(captured.captured_queries)
        return best, queries, table

    subtree = Agency.objects.filter(path__startswith=root.path)
    t_qs, q_qs, table = timed(subtree)
    t_list, q_list, _ = timed(list(subtree))
    t_one, q_one, _ = timed([children[0]])
    backend = connection.vendor
    print(f"backend {backend}: {args.agencies} agencies, {args.applications} applications over 2023-2024")
    print(
        f"subtree as QuerySet: {t_qs:.3f} s, {q_qs} query; cases counted {table['R1']['total'].value + table['R2']['total'].value}"
    )
    print(f"subtree as list:     {t_list:.3f} s, {q_list} query")
    print(f"one agency:          {t_one:.4f} s, {q_one} query")
    print(f"ratio roll-up / one agency: {t_qs / t_one:.0f}x for {args.agencies}x the agencies")
    print(f"ratio roll-up / (one agency x {args.agencies}, a per-agency loop): {t_qs / (t_one * args.agencies):.3f}")


if __name__ == "__main__":
    main()
