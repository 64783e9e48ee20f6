"""200 concurrent online applications against a running gunicorn: nothing lost, nothing duplicated.

Starts gunicorn (config/gunicorn.py, the `make run` server) on a fresh database, loads the demo, then fires
N distinct submissions from C threads, each a real browser-like exchange (GET the form for the CSRF cookie,
POST it), plus R re-sends of already-used submission keys racing their first send (a double click). Then it
counts the rows through the ORM and prints ratios.

    .venv/bin/python bench/applications_concurrent.py                        # SQLite in a temporary directory
    .venv/bin/python bench/applications_concurrent.py --database-url postgres://postgres@127.0.0.1:5432/gk_bench

Bounded: one run is N + R requests; the server runs 2 workers x 2 threads (a 2-core machine).
"""

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def resident_id(serial: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = f"52260119800101{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def submit(base: str, key: str, serial: int, marker: str) -> tuple[int, float]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    started = time.perf_counter()
    page = opener.open(f"{base}/applications/qdn/apply/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = {
        "csrfmiddlewaretoken": token,
        "kind": "natural",
        "name": f"压测{serial}",
        "id_type": "resident_id",
        "id_number": resident_id(serial),
        "phone": "13800000000",
        "title": f"{marker} {serial}",
        "form_wanted": "electronic",
        "delivery_method": "email",
        "submission_key": key,
        "website": "",
    }
    request = urllib.request.Request(
        f"{base}/applications/qdn/apply/",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Referer": f"{base}/applications/qdn/apply/"},
    )
    response = opener.open(request, timeout=120)
    response.read()
    ok = response.status == 200 and response.url.endswith("/applications/submitted/")
    return (200 if ok else response.status), time.perf_counter() - started


def wait_for(base: str, seconds: int = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/applications/qdn/apply/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("-n", type=int, default=200, help="distinct submissions")
    parser.add_argument("-r", type=int, default=50, help="re-sends of used submission keys (double clicks)")
    parser.add_argument("-c", type=int, default=50, help="concurrent clients")
    parser.add_argument("--port", type=int, default=8193)
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="gk-bench-")
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": var_dir,
        "GONGKAI_HTTPS": "0",
        "GONGKAI_APPLICATION_RATE": "100000/h",
        "GONGKAI_BIND": f"127.0.0.1:{args.port}",
        "GONGKAI_WORKERS": "2",
        "GONGKAI_THREADS": "2",
        "GONGKAI_ACCESS_LOG": os.devnull,
        "GONGKAI_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        name = urllib.parse.urlparse(args.database_url).path.lstrip("/")
        import psycopg

        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        env.pop("DATABASE_URL", None)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["demo_load", "--quiet-logins"],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "config/gunicorn.py", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base)
        marker = f"BENCH-{uuid.uuid4().hex[:8]}"
        keys = [uuid.uuid4().hex for _ in range(args.n)]
        jobs = [(keys[i], i) for i in range(args.n)] + [(keys[i % args.n], i % args.n) for i in range(args.r)]
        # Interleave re-sends with their first send so they really race.
        jobs.sort(key=lambda job: (job[1], job[0]))
        results, lock = [], threading.Lock()

        def run(job):
            try:
                outcome = submit(base, job[0], job[1], marker)
            except Exception as exc:  # a lost request is a result, not a crash
                outcome = (f"error {type(exc).__name__}: {exc}", 0.0)
            with lock:
                results.append(outcome)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.c) as pool:
            list(pool.map(run, jobs))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    check = subprocess.run(
        [PYTHON, "-c", CHECK, marker],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    rows, distinct_keys, distinct_numbers, events, chain_ok = check.stdout.split()
    ok = [t for status, t in results if status == 200]
    errors = [status for status, _t in results if status != 200]
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"backend: {backend}; requests: {len(jobs)} ({args.n} distinct + {args.r} re-sends), {args.c} concurrent")
    print(f"answered OK: {len(ok)}/{len(jobs)}  errors: {len(errors)} {sorted(set(map(str, errors)))[:3]}")
    print(f"cases stored / distinct submissions: {rows}/{args.n} = {int(rows) / args.n:.3f}")
    print(f"duplicates: {int(rows) - int(distinct_keys)}; case numbers unique: {distinct_numbers == rows}")
    print(f"audit events for them: {events}; audit chain intact: {chain_ok}")
    print(f"wall time {elapsed:.1f} s; throughput {len(jobs) / elapsed:.1f} submissions/s")
    if ok:
        print(
            f"latency (GET form + POST) median {statistics.median(ok):.2f} s, p95 {sorted(ok)[int(len(ok) * 0.95) - 1]:.2f} s"
        )
    if errors or int(rows) != args.n or int(distinct_keys) != args.n or chain_ok != "True":
        sys.exit(1)


CHECK = """
import sys, django
django.setup()
from gongkai.applications.models import Application
from gongkai.audit.models import AuditEvent
from gongkai.audit.selectors import audit_chain_verify
cases = Application.objects.filter(title__startswith=sys.argv[1])
ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
events = AuditEvent.objects.filter(verb="application.submit", object_id__in=ids).count()
print(cases.count(), cases.values("submission_key").distinct().count(), cases.values("number").distinct().count(),
      events, audit_chain_verify().ok)
"""

if __name__ == "__main__":
    main()
