"""The staff pages of issue #15 through Django's test client: median ms and SQL query count per page.

Logs in as the demo clerk (the demo's published password) and times, over --runs runs each, the work queue,
the case pages of about ten cases in different states (with their number of history events), the staff home,
the to-do page (待办), the online application form (GET) and a tracking look-up with a real tracking code. One
process, no server: what it measures is the view, its queries and its template, not the network.

Run it on a demo database of its own (never one someone is using; it only reads, but it logs in):

    GONGKAI_VAR_DIR=/tmp/gk-staff .venv/bin/python manage.py migrate
    GONGKAI_VAR_DIR=/tmp/gk-staff .venv/bin/python manage.py demo_load
    GONGKAI_VAR_DIR=/tmp/gk-staff .venv/bin/python bench/staff_pages.py [--runs 7] [--html DIR]

--html DIR writes each page's HTML (CSRF tokens and the form's submission key blanked) to DIR, to compare the
output before and after a change (`diff -r before/ after/`).

Results, issue #15 (SQLite, one process, logged in as the demo clerk; 2-core machine shared with a long
catalogue benchmark, load average about 4, so each figure is the lower of two medians of 11 runs, before and
after alternating; queries are the whole request: session, user, roles, page, panels, the session's save).
Before = 10129a2.

The demo (`demo_load`):

    page                                 before ms queries   after ms queries
    queue                                     22.8      25       20.3      19
    staff home                                22.5      38       26.8      30
    case 44 in_progress (2 ev)                64.2      81       39.3      32
    case 46 in_progress (3 ev)                48.7      76       32.9      32
    case 48 awaiting_correction (3 ev)        49.7      75       29.6      33
    case 45 consulting (3 ev)                 52.6      90       41.0      37
    case 7 closed (6 ev)                      47.4      81       32.0      34
    case 26 closed (4 ev)                     48.9      84       35.9      37
    application form                           6.4       1        7.1       1
    tracking look-up                          10.8       7       10.0       7
    case pages: median ms, max queries        49.3      90       34.4      37

A second run (load average 5.3 instead of 4, every time about twice the first run's) added the to-do page: 43.4 ms
and 32 queries before, 27.4 ms and 20 queries after; the case pages 144.0 ms before, 71.3 ms after (median).

The demo plus 1,500 cases at agency qdn (the queue shows its first 500 rows; the Article 44 panel compares up to
2,000 cases on each case page), added with the tests' `make_application` (titles from a dozen phrases, a 文号 on
one in three):

    page                                 before ms queries   after ms queries
    queue                                    114.1      25      112.0      19
    staff home                                36.2      38       29.3      30
    case 46 in_progress (3 ev)               148.3      76       41.8      32
    case 145 in_progress (1 ev)              163.5      95       56.1      36
    case 48 awaiting_correction (3 ev)        86.4      75       46.3      33
    case 45 consulting (3 ev)                 99.4      90       38.1      37
    case 7 closed (6 ev)                      57.3      81       28.4      34
    case 26 closed (4 ev)                    104.0      84       44.5      37
    application form                           5.7       1        9.6       1
    tracking look-up                           5.4       7        9.5       7
    case pages: median ms, max queries       101.7      95       43.1      37

Where the time went: the case page's four slot panels are rendered with the request, so the header's to-do
count (about 11 queries) ran five times; the clock, the step bar and each action's `possible` read the drafts,
pauses, extensions, fees and letters again (the newest draft nine times); the Article 44 panel built every
candidate case with its applicant to compare titles. The queue's remaining time at 500 rows is template
rendering of the rows; its query count does not depend on the rows.

Issue #15, second pass: CPU time (`--cpu`: `time.process_time` around each request, median of 11, each page seen
once before, so the header's count and the Article 44 panel come from their caches as they do for a clerk who
works through the queue). Before = b54581f, after = the `staff` branch, alternating, the lower median of two
rounds; 2-core machine shared with other workers. Two sessions: a quieter one (load average about 1) and the
final one (busier: every figure about 20 % higher, before and after alike).

    page                                demo: before  after   queries    +1,500 cases: before  after   queries
    queue (quieter)                             9.9    7.1   19 -> 14                   64.4   11.2   19 -> 14
    case pages, median of six (quieter)        20.0   11.4   37 -> 23                   25.5   12.9   37 -> 22
    queue (final)                              12.2    8.1                              67.8   14.3
    case pages, median of six (final)          26.1   13.0                              28.3   15.5
    case 44 / 145, a new case (final)          27.4   13.6                              34.9   18.1

Right after a change in the agency (its work tokens replaced, so the count and the panel are computed again) a
case page costs about 4–7 ms more (case 44: 16.6 ms instead of 12.0; case 145 with 1,500 cases: 20.8 instead
of 13.7); opening a fold costs 5–7 ms (its form alone).

What changed: the folded actions' forms are no longer built or rendered (a fold fetches its form when opened);
the header's to-do count and the Article 44 panel's comparisons are kept between changes of the agency's work
(`core.pagecache.cached_by_work`); the slot panels render with the page's context processors instead of running
them again; the case's related kinds it has no row of are not read; the queue shows 50 rows a page.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("GONGKAI_HTTPS", "0")
os.environ.setdefault("GONGKAI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from gongkai.applications.models import Application, Status  # noqa: E402
from gongkai.audit.models import AuditEvent  # noqa: E402

DEMO_PASSWORD = "Gongkai@2024demo"  # noqa: S105 - the demo's published password (bench/load_portal.py)
# What differs between two renders of the same page: CSRF tokens and the form's one-time submission key.
VOLATILE = re.compile(r'((?:csrfmiddlewaretoken|submission_key)" value="|"X-CSRFToken": ")[^"]+')


def _cases(agency_ids, per_state: int = 2) -> list[Application]:
    """About ten cases of the clerk's agencies: two per state, the longest history first among them."""
    chosen = []
    for status in Status.values:
        mine = Application.objects.filter(agency_id__in=agency_ids, status=status)
        pks = list(mine.order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        events = {
            pk: AuditEvent.objects.filter(object_type="applications.application", object_id=str(pk)).count()
            for pk in pks[:200]
        }
        ranked = sorted(events, key=lambda pk: -events[pk])
        picks = {ranked[0], ranked[len(ranked) // 2]}
        chosen += [Application.objects.get(pk=pk) for pk in sorted(picks)[:per_state]]
    return chosen


def _time(
    client: Client, url: str, runs: int, *, html_dir: Path | None, name: str, cpu: bool = False
) -> tuple[float, int]:
    client.get(url)  # warm: imports, template loading, the per-process caches
    clock = time.process_time if cpu else time.perf_counter
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = clock()
            response = client.get(url)
            times.append((clock() - start) * 1000)
        queries.append(len(captured.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    if html_dir is not None:
        html_dir.mkdir(parents=True, exist_ok=True)
        text = VOLATILE.sub(r"\1…", response.content.decode())
        (html_dir / f"{name}.html").write_text(text)
    return statistics.median(times), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", default="clerk")
    parser.add_argument("--html", type=Path, default=None, help="write each page's HTML to this directory")
    parser.add_argument("--cpu", action="store_true", help="time the process's CPU, not the wall clock")
    parser.add_argument("--json", type=Path, default=None, help="write the rows (page, median ms, queries) here")
    args = parser.parse_args()

    client = Client(REMOTE_ADDR="127.0.0.1")
    response = client.post("/staff/login/", {"username": args.user, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login as {args.user} failed (HTTP {response.status_code}); is the demo loaded?")
    from gongkai.accounts.models import User

    user = User.objects.get(username=args.user)
    agency_ids = list(user.roles.values_list("agency_id", flat=True))
    first_agency = Application.objects.filter(agency_id__in=agency_ids).order_by("pk").first().agency

    pages = [("queue", "/staff/applications/"), ("staff home", "/staff/"), ("to-do page", "/staff/inbox/")]
    for case in _cases(agency_ids):
        events = AuditEvent.objects.filter(object_type="applications.application", object_id=str(case.pk)).count()
        pages.append((f"case {case.pk} {case.status} ({events} ev)", f"/staff/applications/{case.pk}/"))
    public = Client(REMOTE_ADDR="127.0.0.2")
    tracked = Application.objects.filter(agency_id__in=agency_ids).order_by("pk").first()
    public_pages = [
        ("application form", f"/applications/{first_agency.slug}/apply/"),
        ("tracking look-up", f"/applications/track/?code={tracked.tracking_code}"),
    ]

    print(f"{'page':44} {'CPU ms' if args.cpu else 'median ms':>10} {'queries':>8}")
    rows = []
    for name, url in pages:
        ms, n = _time(client, url, args.runs, html_dir=args.html, name=re.sub(r"\W+", "_", name), cpu=args.cpu)
        rows.append((name, ms, n))
        print(f"{name:44} {ms:10.1f} {n:8d}", flush=True)
    for name, url in public_pages:
        ms, n = _time(public, url, args.runs, html_dir=args.html, name=re.sub(r"\W+", "_", name), cpu=args.cpu)
        rows.append((name, ms, n))
        print(f"{name:44} {ms:10.1f} {n:8d}", flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    case_ms = [ms for name, ms, _n in rows if name.startswith("case ")]
    case_n = [n for name, _ms, n in rows if name.startswith("case ")]
    print(f"{'case pages (median / max)':44} {statistics.median(case_ms):10.1f} {max(case_n):8d}")


if __name__ == "__main__":
    main()
