"""Load on the public portal and the back office with locust, against `make run`'s gunicorn (issue #15).

Starts two servers on loopback with config/gunicorn.py (the `make run` configuration): the portal on a database
with the demo loaded, and bench/bare_django.py (Django answering "ok", the ceiling). Then, for each number of
concurrent users, runs locust headless for a bounded time and prints requests per second, p50/p95/p99 and
errors. Users wait no time between requests (a closed loop), so requests per second is the server's capacity
at that concurrency and the latencies include the queueing.

The portal mix, per simulated visitor: the home page, catalogue browsing, search, item pages, the tracking
look-up, the annual report, and one online application per 100 page views. 20 of the users are staff working
the application queue (logged in as the demo clerk). Each simulated user has its own address, sent in
X-Forwarded-For with GONGKAI_PROXY_COUNT=1 as behind nginx, so per-address rate limits apply per user.

    .venv/bin/python bench/load_portal.py                           # SQLite, 50/200/500 users, 30 s each
    .venv/bin/python bench/load_portal.py --users 50 --seconds 10   # a quick look
    .venv/bin/python bench/load_portal.py --database-url postgres://postgres@127.0.0.1:5432/gk_bench

Loopback only: the script refuses any other host. Locust runs on the same machine as the servers and takes
part of its CPU; the numbers are for comparing runs on one machine, not a capacity promise.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import ipaddress  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from itertools import count  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DEMO_PASSWORD = "Gongkai@2024demo"  # noqa: S105 - the demo's published password
STAFF_USERS = 20
SEARCH_WORDS = ["通知", "公开", "森林防火", "预算", "教育", "规划", "补偿标准", "2023年"]
# Rate limits persist in the database cache between runs: each run starts at a random point of the range.
_address_serial = count(random.randint(0, 120_000))  # noqa: S311


class Site:
    """What the users pick from, discovered over HTTP before the run; and how many staff have logged in."""

    staff_logged_in = 0

    item_ids: list[int] = []
    report_paths: list[str] = []


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refusing to load {host}: this benchmark runs against loopback only")


def resident_id(serial: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = f"52260119800101{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


class ForwardedUser(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        serial = next(_address_serial)
        # 198.18.0.0/15 is reserved for benchmarks (RFC 2544): one address per simulated user.
        address = ipaddress.ip_address("198.18.0.1") + serial % 131_000
        self.client.headers["X-Forwarded-For"] = str(address)


class Visitor(ForwardedUser):
    """A member of the public; one application per 100 page views (the apply task's weight is 1 of 100)."""

    @task(20)
    def home(self):
        self.client.get("/", name="home")

    @task(20)
    def browse(self):
        self.client.get(f"/catalogue/qdn/?page={random.randint(1, 20)}", name="catalogue browse")  # noqa: S311

    @task(12)
    def search(self):
        self.client.get("/catalogue/search/", params={"q": random.choice(SEARCH_WORDS)}, name="search")  # noqa: S311

    @task(30)
    def item(self):
        self.client.get(f"/catalogue/items/{random.choice(Site.item_ids)}/", name="item page")  # noqa: S311

    @task(4)
    def track(self):
        self.client.get("/applications/track/", params={"code": uuid.uuid4().hex[:12].upper()}, name="tracking")

    @task(13)
    def annual_report(self):
        self.client.get(random.choice(Site.report_paths), name="annual report")  # noqa: S311

    @task(1)
    def apply(self):
        page = self.client.get("/applications/qdn/apply/", name="apply (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        key = re.search(r'name="submission_key" value="([^"]+)"', page.text)
        if not (token and key):
            return
        serial = random.randint(1, 999)  # noqa: S311
        self.client.post(
            "/applications/qdn/apply/",
            data={
                "csrfmiddlewaretoken": token.group(1), "submission_key": key.group(1), "kind": "natural",
                "name": "压测申请人", "id_type": "resident_id", "id_number": resident_id(serial),
                "phone": "13985512345", "address": "贵州省凯里市宁波路8号", "postcode": "556000",
                "title": f"压测申请 {serial}", "description": "请提供全文", "form_wanted": "electronic",
                "delivery_method": "email", "email": "bench@example.cn", "website": "",
            },
            headers={"Referer": self.host + "/applications/qdn/apply/"},
            name="apply (submit)",
        )  # fmt: skip


class Staff(ForwardedUser):
    """A clerk working the queue: the queue, then a case page, over and over."""

    fixed_count = STAFF_USERS

    def on_start(self):
        super().on_start()
        page = self.client.get("/staff/login/", name="staff login (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/staff/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": "clerk",
                "password": DEMO_PASSWORD,
            },
            headers={"Referer": self.host + "/staff/login/"},
            name="staff login",
        )
        Site.staff_logged_in += 1
        self.cases: list[str] = []

    @task(1)
    def queue(self):
        page = self.client.get("/staff/applications/", name="staff queue")
        self.cases = re.findall(r'href="(/staff/applications/\d+/)"', page.text) or self.cases

    @task(3)
    def case(self):
        if self.cases:
            self.client.get(random.choice(self.cases), name="staff case page")  # noqa: S311
        else:
            self.queue()


class Bare(HttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/", name="bare view")


def discover(host: str) -> None:
    def get(path):
        with urllib.request.urlopen(host + path, timeout=30) as response:  # noqa: S310 - loopback, checked
            return response.read().decode()

    Site.item_ids = [int(n) for n in re.findall(r"/catalogue/items/(\d+)/", get("/catalogue/qdn/"))]
    Site.report_paths = sorted(
        set(re.findall(r'href="(/agencies/[\w-]+/annual-reports/\d{4}/)"', get("/agencies/qdn/annual-reports/")))
    )
    if not Site.item_ids or not Site.report_paths:
        sys.exit("the portal has no published items or annual reports: load the demo first")


def run(host: str, user_classes: list, users: int, seconds: int) -> dict:
    env = Environment(user_classes=user_classes, host=host)
    runner = env.create_local_runner()
    Site.staff_logged_in = 0
    runner.start(users, spawn_rate=max(50, users / 5))
    gevent.sleep(users / max(50, users / 5) + 3)  # ramp up
    # Logging in hashes a password (PBKDF2, on purpose slow): measure the work after the 20 logins, not them.
    deadline = time.monotonic() + 180
    while Staff in user_classes and Site.staff_logged_in < STAFF_USERS and time.monotonic() < deadline:
        gevent.sleep(0.5)
    env.stats.reset_all()
    gevent.sleep(seconds)
    total = env.stats.total
    result = {
        "users": users,
        "requests": total.num_requests,
        "rps": total.num_requests / seconds,
        "p50": total.get_response_time_percentile(0.50),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "by_name": {
            name: (entry.num_requests, entry.get_response_time_percentile(0.95), entry.num_failures)
            for (name, _method), entry in env.stats.entries.items()
        },
    }
    result["errors_by_kind"] = [(e.name, str(e.error)[:120], e.occurrences) for e in env.stats.errors.values()]
    runner.quit()
    return result


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"server at {url} did not start")


def start_servers(args, var_dir: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ, "GONGKAI_VAR_DIR": str(var_dir), "GONGKAI_HTTPS": "0", "GONGKAI_PROXY_COUNT": "1",
        "GONGKAI_WORKERS": str(args.workers), "GONGKAI_ACCESS_LOG": "/dev/null", "GONGKAI_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    if not args.skip_setup:
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["demo_load", "--quiet-logins"],
        ):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    portal = subprocess.Popen(
        [GUNICORN, "--config", "config/gunicorn.py", "config.wsgi:application"],
        cwd=ROOT, env={**env, "GONGKAI_BIND": f"127.0.0.1:{args.port}"},
    )  # fmt: skip
    bare = subprocess.Popen(
        [GUNICORN, "--config", "config/gunicorn.py", "--chdir", str(ROOT / "bench"), "bare_django:application"],
        cwd=ROOT, env={**env, "GONGKAI_BIND": f"127.0.0.1:{args.port + 1}"},
    )  # fmt: skip
    return [portal, bare]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="50,200,500", help="concurrent users, comma-separated")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per run (after the ramp-up)")
    parser.add_argument("--port", type=int, default=8765, help="the portal's port; the bare view uses the next")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes (GONGKAI_WORKERS)")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of a fresh SQLite file")
    parser.add_argument("--var-dir", default="", help="reuse this GONGKAI_VAR_DIR (with --skip-setup: as it is)")
    parser.add_argument("--skip-setup", action="store_true", help="do not migrate and load the demo")
    parser.add_argument("--no-staff", action="store_true", help="public visitors only (to see the staff's share)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-view ceiling runs")
    args = parser.parse_args()
    portal_url, bare_url = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    loopback_only(portal_url)
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="gk-load-"))
    servers = start_servers(args, var_dir)
    try:
        wait_until_up(portal_url + "/")
        wait_until_up(bare_url + "/")
        discover(portal_url)
        print(f"gunicorn: {args.workers} workers x {os.environ.get('GONGKAI_THREADS', '2')} threads; "
              f"{'PostgreSQL' if args.database_url else 'SQLite'}; {args.seconds} s per run; {os.cpu_count()} cores")  # fmt: skip
        print(f"{'run':<8}{'users':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}")
        for users in [int(u) for u in args.users.split(",")]:
            bare = None if args.no_bare else run(bare_url, [Bare], users, args.seconds)
            portal = run(portal_url, [Visitor] if args.no_staff else [Visitor, Staff], users, args.seconds)
            for label, r in (("bare", bare), ("portal", portal)):
                if r is None:
                    continue
                print(f"{label:<8}{r['users']:>6}{r['requests']:>10}{r['rps']:>9.1f}{r['p50']:>8.0f}{r['p95']:>8.0f}"
                      f"{r['p99']:>8.0f}{r['errors']:>8}")  # fmt: skip
            if bare:
                print(f"         portal/bare throughput: {portal['rps'] / bare['rps']:.0%}")
            for name, (n, p95, failures) in sorted(portal["by_name"].items(), key=lambda kv: -kv[1][0]):
                print(f"           {name:<22}{n:>7} req  p95 {p95:>6.0f} ms  {failures} errors")
            for name, error, occurrences in portal["errors_by_kind"]:
                print(f"           error: {name}: {error} ({occurrences}x)")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
