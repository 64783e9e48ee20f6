"""The portal under load, from the page cache, beside a static file served by the same gunicorn.

Sets up a throwaway site with the demo data, starts `make run`'s gunicorn (config/gunicorn.py) on a loopback
port, and drives it with locust (headless, loopback only, bounded by time): the public mix of
bench/locust_portal.py at each number of users, then a static file at the same numbers. Prints requests per
second, p50/p95/p99 and failures, and the mix's throughput as a share of the static file's. Then measures how
long a published item takes to appear on its agency's catalogue page and in search (p95 over publications).

    .venv/bin/python bench/portal_load.py                                  # SQLite, 50/200/500 users, 30 s each
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench GONGKAI_REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/portal_load.py
    .venv/bin/python bench/portal_load.py --users 50 --seconds 10 --publications 20   # a quick look
    GONGKAI_PAGE_CACHE=0 .venv/bin/python bench/portal_load.py                      # without the page cache
"""

import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _env(var_dir: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("GONGKAI_VAR_DIR", str(var_dir))
    env["GONGKAI_HTTPS"] = "0"
    env["GONGKAI_ACCESS_LOG"] = "/dev/null"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _urls(env: dict, port: int) -> dict:
    """Real pages of the demo: agencies, published items, search words, reports."""
    code = """
import json, django
django.setup()
from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.annual_reports.models import AnnualReport
slugs = list(Agency.objects.filter(is_active=True).values_list("slug", flat=True))
items = list(Item.objects.filter(status=ItemStatus.PUBLISHED).values_list("pk", flat=True)[:2000])
reports = list(AnnualReport.objects.filter(status="published").values_list("agency__slug", "year")[:50])
words = ["通知", "森林防火", "政府信息公开", "2024", "规划", "公告", "人民政府", "预算", "招聘", "防汛"]
print(json.dumps({
    "home": ["/"],
    "agency": [f"/agencies/{s}/" for s in slugs],
    "browse": [f"/catalogue/{s}/" for s in slugs] + [f"/catalogue/{s}/?page=2" for s in slugs[:10]],
    "item": [f"/catalogue/items/{pk}/" for pk in items],
    "search": [f"/catalogue/search/?q={w}" for w in words],
    "annual_report": [f"/agencies/{s}/annual-reports/{y}/" for s, y in reports] or [f"/agencies/{slugs[0]}/annual-reports/"],
    "guide": [f"/catalogue/{s}/guide/" for s in slugs],
    "static": ["/static/core/gongkai.css"],
}, ensure_ascii=False))
"""
    out = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    return json.loads(out.stdout)


def _wait_up(port: int) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/core/gongkai.css", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def _locust(env: dict, port: int, user_class: str, users: int, seconds: int, out: Path) -> dict:
    prefix = out / f"{user_class}-{users}"
    run = subprocess.run(
        [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust_portal.py"), user_class, "--headless",
            "-u", str(users), "-r", str(max(users // 2, 1)), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
        ],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    if total["50%"] == "N/A":
        raise SystemExit(f"locust made no request: {run.stderr.decode()[-2000:]}")
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "by_page": {name: float(row["95%"]) for name, row in rows.items() if name != "Aggregated"},
    }


def _publication_latency(env: dict, port: int, count: int) -> list[float]:
    """Publish items one by one (through the services, as a reviewer's last approval does) and time how long
    until each is on its agency's catalogue page and found by search."""
    code = f"""
import json, sys, time, urllib.request, urllib.parse, django
django.setup()
from django.utils import timezone
from gongkai.catalogue.models import Category
from gongkai.accounts.services import role_grant, user_create
from gongkai.catalogue.services import item_approve, item_create, item_submit
from gongkai.catalogue.services.review import review_chain_of
category = Category.objects.filter(is_active=True, parent__isnull=False, agency__is_active=True).order_by("agency__path", "pk").first()
agency = category.agency
def person(n, role):
    user = user_create(actor=None, username=f"bench-{{n}}-{{time.time_ns()}}", full_name="基准", password="Xq7-" + __import__("secrets").token_hex(12), is_site_admin=False)
    role_grant(actor=None, user=user, agency=agency, role=role)
    return user
author = person("author", "clerk")
reviewers = [person(n, role) for n, (_name, role) in enumerate(review_chain_of(agency))]
out = []
for n in range({count}):
    title = f"基准测试发布延迟第{{n}}号通知{{time.time_ns()}}"
    item = item_create(actor=author, agency=agency, title=title, summary="基准测试", body="<p>基准测试正文。</p>",
                       category=category, document_type="other", date_written=timezone.localdate())
    item = item_submit(actor=author, item=item)
    for reviewer in reviewers:
        item = item_approve(actor=reviewer, item=item, proofread=True)
    start = time.perf_counter()
    for url in (f"http://127.0.0.1:{port}/catalogue/{{agency.slug}}/",
                f"http://127.0.0.1:{port}/catalogue/search/?q=" + urllib.parse.quote(title[:12])):
        while f"/catalogue/items/{{item.pk}}/" not in urllib.request.urlopen(url, timeout=10).read().decode():
            time.sleep(0.005)
    out.append(time.perf_counter() - start)
print(json.dumps(out))
"""
    result = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env, check=False, capture_output=True)
    if result.returncode:
        raise SystemExit(result.stderr.decode()[-3000:])
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="50,200,500")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--publications", type=int, default=100)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="gk-portal-load-"))
    env = _env(var_dir)
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    cache = "Redis" if env.get("GONGKAI_REDIS_URL") else "database"
    print(f"{database}, {cache} cache, page cache {'off' if env.get('GONGKAI_PAGE_CACHE') == '0' else 'on'}")
    if env.get("DATABASE_URL"):
        _manage(env, "flush", "--noinput")
    _manage(env, "migrate", "--noinput")
    _manage(env, "demo_load")
    _manage(env, "collectstatic", "--noinput")
    if env.get("GONGKAI_REDIS_URL"):
        subprocess.run(
            [
                str(BIN / "python"),
                "-c",
                "import django; django.setup(); from django.core.cache import caches; caches['pages'].clear()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )  # noqa: E501
    urls_file = var_dir / "urls.json"
    urls_file.write_text(json.dumps(_urls(env, args.port), ensure_ascii=False), encoding="utf-8")
    env["GONGKAI_BENCH_URLS"] = str(urls_file)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "config/gunicorn.py", "config.wsgi:application"],
        cwd=ROOT, env={**env, "GONGKAI_BIND": f"127.0.0.1:{args.port}"}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_up(args.port)
        out = var_dir / "locust"
        out.mkdir()
        # Warm up: every process imports its code and opens its connections before anything is timed.
        _locust(env, args.port, "PortalVisitor", 20, 15, out)
        print(
            f"{'users':>5} | {'mix req/s':>9} | p50 / p95 / p99 ms | fail | {'static req/s':>12} | p95 ms | mix ÷ static"
        )
        for users in [int(u) for u in args.users.split(",")]:
            mix = _locust(env, args.port, "PortalVisitor", users, args.seconds, out)
            static = _locust(env, args.port, "StaticFile", users, args.seconds, out)
            print(
                f"{users:>5} | {mix['rps']:9.0f} | {mix['p50']:.0f} / {mix['p95']:.0f} / {mix['p99']:.0f} | "
                f"{mix['failures']:>4} | {static['rps']:12.0f} | {static['p95']:6.0f} | {mix['rps'] / static['rps']:.0%}"
            )
            print("      p95 by page (ms):", ", ".join(f"{k} {v:.0f}" for k, v in sorted(mix["by_page"].items())))
        if args.publications:
            latencies = sorted(_publication_latency(env, args.port, args.publications))
            p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
            print(
                f"publish → on the agency's catalogue page and in search: p50 {statistics.median(latencies) * 1000:.0f} ms,"
                f" p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms over {len(latencies)} publications"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
