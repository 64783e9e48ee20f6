"""The portal under load with locust, beside a static file and a bare Django view served by the same gunicorn
(issues #15 and #21); then how long a publication takes to be visible.

Sets up a throwaway site with the demo (a fresh SQLite file, or the PostgreSQL database of DATABASE_URL, which
is flushed), starts `make run`'s gunicorn (config/gunicorn.py) serving bench/portal_wsgi.py — the portal, its
static files, and `/__bare__/` (Django with no middleware and no database) in the same processes — and drives it
with locust, headless, on loopback only, a closed loop without think time. At each number of users, one after
the other in the same run:

- `static`: one stylesheet through WhiteNoise (the static ceiling of issue #21);
- `bare`: the bare Django view (the ceiling of issue #15);
- `mix21`: the anonymous public mix of issue #21 (home 10 %, agency homes 15 %, catalogue lists 20 %, item pages
  30 %, search 10 %, annual reports 5 %, guides 5 %);
- `mix15`: the mix of issue #15: visitors reading the home page, browsing the catalogue, searching, reading
  items, following their applications with their tracking codes and reading the annual report, one online
  application per 100 page views; plus 20 staff users working the application queue (logged in as the demo
  clerk; their logins are not measured), each reading a page for --staff-wait seconds (2) before the next,
  as a person does; --staff-wait 0 makes them a closed loop like the visitors.

After each mix, where the server's CPU went: each gunicorn process counts its request threads' CPU time by kind
of request (bench/portal_wsgi.py with GONGKAI_BENCH_CPU_DIR), printed as CPU per request and share of the
server's CPU, with the share spent outside the application (gunicorn reading and parsing requests, writing the
answers and running its event loop; the page-view writer). After every run, the CPU per answer: the server's
(the application's and the rest), locust's and the database's, from the cores each used: a run's share of a
ceiling is the ratio of their sums, since all share the machine's cores. With --sqlite-waits (SQLite only, a
diagnostic that slows the server a little): where requests waited for SQLite's write lock, by the code that
asked (bench/sqlite_waits.py), which lengthens the tail without costing CPU.

With --repeat N (N > 1), the runs are repeated in order and a closing bare run follows; each mix is printed as
a share of the bare run just before it and of the mean of the bare runs before and after it (the machine's speed
may drift between a bare run and the mix 20 s later).

Every simulated user sends a browser's User-Agent (so each view is counted in the visit statistics like a
citizen's) and its own address in X-Forwarded-For, with GONGKAI_PROXY_COUNT=1 as behind the documented nginx, so
per-address limits apply per user as they would to real visitors. An applicant leaves after applying (its
cookies are dropped): the next visit is another person's.

Then it publishes items one by one through the services (as a reviewer's last approval does) and times how long
each takes to appear on its agency's home page, its catalogue page and in search, p95 over the publications:
from the start of the last approval (the service's own time included: "approve") and from its commit
("after_commit", all three pages).

    .venv/bin/python bench/load_portal.py                                    # SQLite, 50/200/500 users
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf GONGKAI_REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/load_portal.py
    .venv/bin/python bench/load_portal.py --users 50 --seconds 10 --runs mix21 --publications 0   # a quick look
    .venv/bin/python bench/load_portal.py --users 200 --runs bare,mix15 --repeat 3 --publications 0  # the median share

Locust runs on the same cores as the server and takes part of them; the figures compare runs on one machine.
What locust spends per answer is taken from the server, so its browsers do only what reaches the server: they
keep cookies in bench/browser_cookies.py (the same Cookie headers as locust's `http.cookiejar`, at a fraction of
its CPU; --check-cookies compares the two under the whole run) and keep each answer as it came, inflating a
gzipped page only when a user reads its text (a form's token, the queue's links). --clients stock reads answers
as locust does by itself, as the runs before session 19 did (docs/benchmarks.md).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import ipaddress  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
import zlib  # noqa: E402
from itertools import count  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import constant, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpUser, FastResponse  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from browser_cookies import BrowserCookies  # noqa: E402

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Gongkai@2024demo"  # noqa: S105 - the demo's published password
STAFF_USERS = 20
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
# Counters of per-address limits outlive a run in the cache: each run starts at a random point of the range.
_address_serial = count(random.randint(0, 120_000))  # noqa: S311


class Site:
    """The pages the users pick from, read from the demo before the run (real agencies, items, codes)."""

    urls: dict[str, list[str]] = {}
    staff_logged_in = 0


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refusing to load {host}: this benchmark runs against loopback only")


def resident_id(serial: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = f"52260119800101{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def application_data(form_page: str) -> dict | None:
    """What an applicant types into the online form whose page is `form_page` (its CSRF token and submission
    key included), or None if the page holds no form."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page)
    key = re.search(r'name="submission_key" value="([^"]+)"', form_page)
    if not (token and key):
        return None
    serial = random.randint(1, 999)  # noqa: S311
    return {
        "csrfmiddlewaretoken": token.group(1), "submission_key": key.group(1), "kind": "natural",
        "name": "压测申请人", "id_type": "resident_id", "id_number": resident_id(serial),
        "phone": "13985512345", "address": "贵州省凯里市宁波路8号", "postcode": "556000",
        "title": f"压测申请 {serial}", "description": "请提供全文", "form_wanted": "electronic",
        "delivery_method": "email", "email": "bench@example.cn", "website": "",
    }  # fmt: skip


class Client:
    """How the simulated browsers read answers: `lean` (the default) keeps cookies in `BrowserCookies` and each
    answer as it came (`AsSent`); off (--clients stock), locust's own `http.cookiejar` and inflation, which cost
    locust 1.3-1.7 times the CPU per answer of the bare run in the mix (issue #15; docs/benchmarks.md). Either
    way the server gets the same requests and sends the same answers, read whole off the socket.
    With `check` (--check-cookies, which runs the stock client) each browser keeps both jars, locust's sending,
    and counts where their Cookie headers differ."""

    lean = True
    check = False
    cookies_same = 0
    cookies_differ: list[tuple[str, str | None, str | None]] = []


class AsSent(FastResponse):
    """An answer read whole off the socket and kept as it came, a gzipped page still gzipped: inflating it is
    the browser's work on the reader's own machine, not the server's. Inflated only if a user reads its text."""

    def _content(self):
        if self.headers is None:
            return None
        body = self._response.read()
        self.release()
        return body

    @property
    def text(self) -> str | None:
        body = self.content
        if body is None:
            return None
        if (self.headers.get("content-encoding") or "").lower() == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        return body.decode(self.encoding or "utf-8", errors="replace")


class BothJars:
    """--check-cookies: locust's jar sends; `BrowserCookies` is asked too and each difference is counted."""

    def __init__(self, stock):
        self.stock, self.lean = stock, BrowserCookies()

    def clear(self):
        self.stock.clear()
        self.lean.clear()

    def add_cookie_header(self, request):
        self.stock.add_cookie_header(request)
        sent, lean = request.headers.get("cookie"), self.lean.header_for(request.url_split.path)
        if sent == lean:
            Client.cookies_same += 1
        else:
            Client.cookies_differ.append((request.url, sent, lean))

    def extract_cookies(self, response, request):
        self.stock.extract_cookies(response, request)
        self.lean.extract_cookies(response, request)


class Person(FastHttpUser):
    """One browser at its own address (198.18.0.0/15, reserved for benchmarks by RFC 2544)."""

    abstract = True
    wait_time = constant(0)

    def on_start(self):
        self.address = str(ipaddress.ip_address("198.18.0.1") + next(_address_serial) % 131_000)
        agent = self.client.client
        if Client.check:
            if not isinstance(agent.cookiejar, BothJars):
                self.client.cookiejar = agent.cookiejar = BothJars(agent.cookiejar)
        elif Client.lean:
            agent.response_type = AsSent
            if not isinstance(agent.cookiejar, BrowserCookies):
                self.client.cookiejar = agent.cookiejar = BrowserCookies()

    def headers(self, **extra) -> dict:
        return {"User-Agent": BROWSER, "X-Forwarded-For": self.address, **extra}

    def get(self, kind: str, url: str | None = None):
        url = url or random.choice(Site.urls[kind])  # noqa: S311 - picking a page, not a secret
        return self.client.get(url, headers=self.headers(), name=kind)


class Static(Person):
    @task
    def stylesheet(self):
        self.get("static")


class Bare(Person):
    @task
    def hello(self):
        self.get("bare")


class Reader(Person):
    """Issue #21: anonymous readers of the public pages, in the proportions of a portal's traffic."""

    @task(10)
    def home(self):
        self.get("home")

    @task(15)
    def agency(self):
        self.get("agency")

    @task(20)
    def browse(self):
        self.get("browse")

    @task(30)
    def item(self):
        self.get("item")

    @task(10)
    def search(self):
        self.get("search")

    @task(5)
    def annual_report(self):
        self.get("annual_report")

    @task(5)
    def guide(self):
        self.get("guide")


class Visitor(Person):
    """Issue #15: a member of the public; one application per 100 page views (the apply task's weight is 1)."""

    @task(20)
    def home(self):
        self.get("home")

    @task(20)
    def browse(self):
        self.get("browse")

    @task(12)
    def search(self):
        self.get("search")

    @task(30)
    def item(self):
        self.get("item")

    @task(4)
    def track(self):
        self.get("tracking")

    @task(13)
    def annual_report(self):
        self.get("annual_report")

    @task(1)
    def apply(self):
        url = Site.urls["apply"][0]
        page = self.client.get(url, headers=self.headers(), name="apply (form)")
        data = application_data(page.text or "")
        if data:
            self.client.post(
                url, data=data, headers=self.headers(Referer=self.host + url), name="apply (submit)"
            )  # fmt: skip
        # The applicant leaves; the next page view is another visitor's (a new browser, a new address).
        self.client.cookiejar.clear()
        self.on_start()


class Staff(Person):
    """A clerk working the queue: the queue, then a case page, reading each for --staff-wait seconds."""

    fixed_count = STAFF_USERS
    wait_time = constant(2.0)

    def on_start(self):
        super().on_start()
        page = self.client.get("/staff/login/", headers=self.headers(), name="staff login (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        self.client.post(
            "/staff/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": "clerk",
                "password": DEMO_PASSWORD,
            },
            headers=self.headers(Referer=self.host + "/staff/login/"),
            name="staff login",
        )
        Site.staff_logged_in += 1
        self.cases: list[str] = []

    @task(1)
    def queue(self):
        page = self.get("staff queue", "/staff/applications/")
        self.cases = re.findall(r'href="(/staff/applications/\d+/)"', page.text or "") or self.cases

    @task(3)
    def case(self):
        if self.cases:
            self.get("staff case page", random.choice(self.cases))  # noqa: S311
        else:
            self.queue()


RUNS = {"static": [Static], "bare": [Bare], "mix21": [Reader], "mix15": [Visitor, Staff]}


SERVER_PIDS: list[int] = []  # the gunicorn master, set by main()


def cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of locust (this process), of gunicorn (master and workers) and of the whole machine
    (everything busy: the database server and Redis too)."""
    import psutil

    own = os.times()
    server = 0.0
    for pid in SERVER_PIDS:
        with contextlib.suppress(psutil.Error):
            master = psutil.Process(pid)
            for process in [master, *master.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    server += times.user + times.system
    machine = psutil.cpu_times()
    busy = machine.user + machine.nice + machine.system + machine.irq + machine.softirq + getattr(machine, "steal", 0)
    return {"locust": own.user + own.system, "gunicorn": server, "machine": busy}


def server_process_cpu(database: str | None = None) -> dict[int, float]:
    """CPU seconds so far of each process of the database server and of Redis: all of PostgreSQL's (on a machine
    running other work on PostgreSQL, read the figure with that in mind), or with `database` only the backends
    serving that database ("": none of PostgreSQL's)."""
    import psutil

    found = {}
    for process in psutil.process_iter(["name", "cmdline"]):
        name = process.info["name"]
        # A backend shows "postgres: <cluster>: <user> <database> <client>" as its command line.
        other_database = database is not None and f" {database} " not in " ".join(process.info["cmdline"] or []) + " "
        if name == "redis-server" or (name == "postgres" and not (other_database or database == "")):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
    return found


def server_cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """What those processes spent in between: a process that ended meanwhile is left out (its last seconds are
    lost), one that started counts whole (a new PostgreSQL connection is a new process)."""
    return sum(now - before.get(pid, 0.0) for pid, now in after.items())


CPU_DIR: list[Path] = []  # where the server's processes keep their CPU by kind of request (bench/portal_wsgi.py)


def cpu_by_kind() -> dict[str, dict]:
    """Each server process's sums so far: its CPU in all, and per kind of request [requests, thread CPU s]."""
    found = {}
    for path in CPU_DIR[0].glob("cpu-*.json") if CPU_DIR else []:
        with contextlib.suppress(OSError, ValueError):
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


WAITS_DIR: list[Path] = []  # with --sqlite-waits: where the server's processes sum their waits (bench/sqlite_waits.py)


def sqlite_waits() -> dict[str, list[float]]:
    """Each server process's sums so far, added up: statement and who asked -> [statements, seconds, over 20 ms]."""
    total: dict[str, list[float]] = {}
    for path in WAITS_DIR[0].glob("waits-*.json") if WAITS_DIR else []:
        with contextlib.suppress(OSError, ValueError):
            for key, values in json.loads(path.read_text(encoding="utf-8")).items():
                entry = total.setdefault(key, [0, 0.0, 0])
                for i, value in enumerate(values):
                    entry[i] += value
    return total


def cpu_spent(before: dict[str, dict], after: dict[str, dict]) -> dict:
    """Per kind of request over a run: requests, thread CPU ms per request, and share of the server's CPU; and
    the server's CPU outside the WSGI application (gunicorn parsing requests, writing answers and running its
    loop; the page-view writer)."""
    kinds: dict[str, list[float]] = {}
    process = 0.0
    for pid, now in after.items():
        then = before.get(pid, {"process": 0.0, "kinds": {}})
        process += now["process"] - then["process"]
        for kind, (n, spent) in now["kinds"].items():
            n0, spent0 = then["kinds"].get(kind, (0, 0.0))
            entry = kinds.setdefault(kind, [0, 0.0])
            entry[0] += n - n0
            entry[1] += spent - spent0
    in_requests = sum(spent for _n, spent in kinds.values())
    return {
        "kinds": {
            kind: (n, 1000 * spent / n if n else 0.0, spent / process if process else 0.0)
            for kind, (n, spent) in sorted(kinds.items(), key=lambda kv: -kv[1][1])
            if n
        },
        "outside_requests": (process - in_requests) / process if process else 0.0,
    }


def measure(host: str, run_name: str, users: int, seconds: int) -> dict:
    user_classes = RUNS[run_name]
    env = Environment(user_classes=user_classes, host=host)
    runner = env.create_local_runner()
    Site.staff_logged_in = 0
    rate = max(50, users / 4)
    runner.start(users, spawn_rate=rate)
    gevent.sleep(users / rate + 3)  # ramp up
    # Logging in hashes a password (PBKDF2, slow on purpose): measure the work after the 20 logins, not them.
    deadline = time.monotonic() + 180
    while Staff in user_classes and Site.staff_logged_in < STAFF_USERS and time.monotonic() < deadline:
        gevent.sleep(0.5)
    env.stats.reset_all()
    load_before = os.getloadavg()[0]
    cpu_before, kinds_before, servers_before = cpu_seconds(), cpu_by_kind(), server_process_cpu()
    waits_before = sqlite_waits()
    gevent.sleep(seconds)
    cpu_after, kinds_after, servers_after = cpu_seconds(), cpu_by_kind(), server_process_cpu()
    waits_after = sqlite_waits()
    cpu_after["db+cache"], cpu_before["db+cache"] = server_cpu_spent(servers_before, servers_after), 0.0
    total = env.stats.total
    result = {
        "run": run_name,
        "users": users,
        "seconds": seconds,
        "requests": total.num_requests,
        "rps": total.num_requests / seconds,
        "p50": total.get_response_time_percentile(0.50),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "load": (load_before, os.getloadavg()[0]),
        # Cores busy on average over the measured seconds: locust (this process), gunicorn, the whole machine.
        "cores": {name: (cpu_after[name] - cpu_before[name]) / seconds for name in cpu_after},
        "by_name": {
            name: (
                entry.num_requests,
                entry.get_response_time_percentile(0.50),
                entry.get_response_time_percentile(0.95),
                entry.num_failures,
            )
            for (name, _method), entry in env.stats.entries.items()
        },  # fmt: skip
        "errors_by_kind": [(e.name, str(e.error)[:160], e.occurrences) for e in env.stats.errors.values()],
        "server_cpu": cpu_spent(kinds_before, kinds_after),
        "sqlite_waits": {
            key: [values[i] - waits_before.get(key, [0, 0.0, 0])[i] for i in range(3)]
            for key, values in waits_after.items()
            if values[0] > waits_before.get(key, [0, 0.0, 0])[0]
        },
    }
    runner.quit()
    return result


# --- set-up ----------------------------------------------------------------------------------------------------


def server_env(var_dir: Path) -> dict:
    env = {
        **os.environ, "GONGKAI_VAR_DIR": str(var_dir), "GONGKAI_HTTPS": "0", "GONGKAI_PROXY_COUNT": "1",
        "GONGKAI_ACCESS_LOG": os.environ.get("GONGKAI_ACCESS_LOG", "/dev/null"),
        "GONGKAI_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "config.settings",
        "GONGKAI_BENCH_CPU_DIR": str(var_dir / "cpu"),
    }  # fmt: skip
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def django_run(env: dict, code: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "-c", "import django; django.setup()\n" + code],
        cwd=ROOT, env=env, check=False, capture_output=True,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(result.stderr.decode()[-3000:])
    return result.stdout.decode()


URLS_CODE = """
import json
from urllib.parse import quote
from gongkai.agencies.models import Agency
from gongkai.annual_reports.models import AnnualReport
from gongkai.applications.models import Application
from gongkai.catalogue.models import Item, ItemStatus
slugs = list(Agency.objects.filter(is_active=True).values_list("slug", flat=True))
items = list(Item.objects.filter(status=ItemStatus.PUBLISHED).order_by("-pk").values_list("pk", flat=True)[:%(items)d])
reports = list(AnnualReport.objects.filter(status="published").values_list("agency__slug", "year")[:50])
codes = list(Application.objects.values_list("tracking_code", flat=True)[:200])
words = ["通知", "森林防火", "政府信息公开", "2024", "规划", "公告", "人民政府", "预算", "招聘", "防汛"]
print(json.dumps({
    "home": ["/"],
    "agency": [f"/agencies/{s}/" for s in slugs],
    "browse": [f"/catalogue/{s}/" for s in slugs] + [f"/catalogue/qdn/?page={n}" for n in range(2, 21)],
    "item": [f"/catalogue/items/{pk}/" for pk in items],
    "search": [f"/catalogue/search/?q={quote(w)}" for w in words],
    "annual_report": [f"/agencies/{s}/annual-reports/{y}/" for s, y in reports],
    "guide": [f"/catalogue/{s}/guide/" for s in slugs],
    "tracking": [f"/applications/track/?code={c}" for c in codes],
    "apply": ["/applications/qdn/apply/"],
    "static": ["/static/core/gongkai.css"],
    "bare": ["/__bare__/"],
}, ensure_ascii=False))
"""


def set_up(env: dict, skip: bool) -> None:
    if not skip:
        if env.get("DATABASE_URL"):
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "flush", "--noinput")
            # flush empties the models' tables only: the search index's own tables keep the old items' ids.
            django_run(env, "from gongkai.catalogue.search.index import index_clear\nindex_clear()")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "demo_load")
    # Rate-limit counters and pages of an earlier run must not carry over (Redis keeps them; db 5 is ours).
    django_run(env, "from django.core.cache import caches\nfor c in ('default', 'pages'): caches[c].clear()")


def start_server(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "config/gunicorn.py", "--pythonpath", "bench", "portal_wsgi:application"],
        cwd=ROOT, env={**env, "GONGKAI_BIND": f"127.0.0.1:{port}"}, start_new_session=True,
    )  # fmt: skip


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - loopback, checked
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"server at {url} did not start")


# --- publish → visible ---------------------------------------------------------------------------------------

PUBLISH_CODE = """
import json, secrets, time, urllib.parse, urllib.request
from django.utils import timezone
from gongkai.accounts.services import role_grant, user_create
from gongkai.catalogue.models import Category
from gongkai.catalogue.services import item_approve, item_create, item_submit
from gongkai.catalogue.services.review import review_chain_of
category = (Category.objects.filter(is_active=True, parent__isnull=False, agency__is_active=True)
            .order_by("agency__path", "pk").first())
agency = category.agency
def person(n, role):
    user = user_create(actor=None, username=f"bench-{n}-{time.time_ns()}", full_name="基准",
                       password="Xq7-" + secrets.token_hex(12), is_site_admin=False)
    role_grant(actor=None, user=user, agency=agency, role=role)
    return user
author = person("author", "clerk")
reviewers = [person(n, role) for n, (_name, role) in enumerate(review_chain_of(agency))]
base = "http://127.0.0.1:%(port)d"
headers = {"User-Agent": "%(ua)s"}
def read(url):
    request = urllib.request.Request(url, headers=headers)
    return urllib.request.urlopen(request, timeout=10).read().decode()
out = {"home": [], "catalogue": [], "search": [], "all": [], "approve": [], "after_commit": [], "missing": 0}
pages = {"home": f"/agencies/{agency.slug}/", "catalogue": f"/catalogue/{agency.slug}/"}
for url in pages.values():
    read(base + url)  # cached before the first publication
for n in range(%(count)d):
    title = f"基准测试发布延迟第{n}号通知{time.time_ns()}"
    item = item_create(actor=author, agency=agency, title=title, summary="基准测试", body="<p>基准测试正文。</p>",
                       category=category, document_type="other", date_written=timezone.localdate())
    item = item_submit(actor=author, item=item)
    for reviewer in reviewers[:-1]:
        item = item_approve(actor=reviewer, item=item, proofread=True)
    read(base + pages["catalogue"])  # the pages are in the cache before the last approval publishes the item
    start = time.perf_counter()
    item = item_approve(actor=reviewers[-1], item=item, proofread=True)
    committed = time.perf_counter()  # the service returned: its transaction has committed
    out["approve"].append(committed - start)
    link = f"/catalogue/items/{item.pk}/"
    search = "/catalogue/search/?q=" + urllib.parse.quote(title[:12])
    for kind, url in (("catalogue", pages["catalogue"]), ("search", search), ("home", pages["home"])):
        while link not in read(base + url):
            if time.perf_counter() - start > 10:
                out["missing"] += 1
                break
            time.sleep(0.002)
        else:
            out[kind].append(time.perf_counter() - start)
    out["all"].append(time.perf_counter() - start)
    out["after_commit"].append(time.perf_counter() - committed)
print(json.dumps(out))
"""


def warm(host: str) -> None:
    from gevent.pool import Pool

    # The tracked cases too: a case's page is kept between its changes (applications/tracking.py), and a run
    # follows the same 200 cases for minutes, so past its first seconds each has been seen.
    kinds = ("home", "agency", "browse", "item", "search", "annual_report", "guide", "tracking")
    urls = [url for kind in kinds for url in Site.urls[kind]]

    def read(url) -> str:
        """The page once, on a new connection (so any process may answer); the process that answered."""
        request = urllib.request.Request(host + url, headers={"User-Agent": BROWSER})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback, checked
            response.read()
            return response.headers.get("X-Bench-Worker", "")
        return ""

    Pool(8).map(read, urls)
    # Each process answers a page without Django once it has answered it through Django's page cache itself
    # (portal/fastpath.py), as a long-running server's processes have for pages read this often: each page is
    # read again until every process has answered it (bench/portal_wsgi.py names the process in each answer).
    workers = int(os.environ.get("GONGKAI_WORKERS", max(2, (os.cpu_count() or 1) * 2)))

    def read_by_all(url) -> None:
        seen: set[str] = set()
        for _ in range(30 * workers):
            seen.add(read(url))
            if len(seen - {""}) >= workers:
                return

    Pool(8).map(read_by_all, urls)


def publication_latency(env: dict, port: int, publications: int) -> dict:
    return json.loads(django_run(env, PUBLISH_CODE % {"port": port, "count": publications, "ua": BROWSER}))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)] if ordered else float("nan")


# --- main ----------------------------------------------------------------------------------------------------


def label(run: str, client: str) -> str:
    """A run's name in the printed table and the shares: the lean client's runs as they are, others marked."""
    return run if client == "lean" else f"{run}/{client}"


def print_result(r: dict, ceilings: dict, title: str = "") -> None:
    shares = "  ".join(
        f"{r['rps'] / c['rps']:.0%} of {name}" for name, c in ceilings.items() if c and name != r["run"] and c["rps"]
    )
    print(
        f"{title or r['run']:<12}{r['users']:>6}{r['requests']:>9}{r['rps']:>9.0f}{r['p50']:>8.0f}{r['p95']:>8.0f}"
        f"{r['p99']:>8.0f}{r['errors']:>7}   load {r['load'][0]:.1f}→{r['load'][1]:.1f}   "
        f"cores: locust {r['cores']['locust']:.2f}, gunicorn {r['cores']['gunicorn']:.2f}, "
        f"db+cache {r['cores']['db+cache']:.2f}, all {r['cores']['machine']:.2f}   "
        f"{shares if r['run'].startswith('mix') else ''}",
        flush=True,
    )  # fmt: skip
    spent = r["server_cpu"]
    # Each process writes its sums at most once a second, when it serves a request: a short or idle run's
    # figures are not worth printing.
    counted = sum(n for n, _ms, _share in spent["kinds"].values()) >= 1000
    if counted and r["rps"]:
        # Where each answer's CPU goes, from the cores used over the requests answered: what a ceiling's share
        # depends on (both runs share the machine's cores with locust; issue #15).
        per = {name: r["cores"][name] / r["rps"] * 1000 for name in ("gunicorn", "locust", "db+cache")}
        application = sum(n * ms for n, ms, _share in spent["kinds"].values()) / max(r["requests"], 1)
        print(f"           CPU per answer: server {per['gunicorn']:.3f} ms (application {application:.3f}, outside it "
              f"{max(per['gunicorn'] - application, 0):.3f}), locust {per['locust']:.3f}, database and cache "
              f"{per['db+cache']:.3f}")  # fmt: skip
    if not r["run"].startswith("mix") and counted:
        per_request = "  ".join(f"{kind} {ms:.2f} ms" for kind, (_n, ms, _share) in spent["kinds"].items())
        print(f"           thread CPU per request: {per_request}; outside the application {spent['outside_requests']:.0%}"
              " of the server's CPU")  # fmt: skip
    if r["run"].startswith("mix"):
        for name, (n, p50, p95_, failures) in sorted(r["by_name"].items(), key=lambda kv: -kv[1][0]):
            print(f"           {name:<20}{n:>7} req  p50 {p50:>6.0f}  p95 {p95_:>6.0f} ms  {failures} errors")
        for name, error, occurrences in r["errors_by_kind"]:
            print(f"           error: {name}: {error} ({occurrences}x)")
        if counted:
            print("           the server's CPU by kind (thread CPU per request, share of the server's CPU):")
            for kind, (n, ms, share) in spent["kinds"].items():
                print(f"             {kind:<18}{n:>8} req {ms:>7.2f} ms  {share:>5.0%}")
            print(f"             {'outside the app':<18}{'':>8}     {'':>7}     {spent['outside_requests']:>5.0%}")
        if r["sqlite_waits"]:
            waited = sorted(r["sqlite_waits"].items(), key=lambda kv: -kv[1][1])
            print("           SQLite's write lock (wall time of BEGIN, and of writes outside a transaction, per measured"
                  " second; count; mean; over 20 ms):")  # fmt: skip
            for key, (n, spent_s, slow) in waited[:8]:
                print(f"             {spent_s / r['seconds']:>6.3f} s/s {n:>6.0f} {spent_s / n * 1000:>7.1f} ms {slow:>5.0f}  "
                      f"{key[:150]}")  # fmt: skip


def _shares_between_bare_runs(sequence: list[tuple[str, float]], name: str, bare: str = "bare") -> list[float]:
    """Each `name` run's req/s over the mean of the nearest `bare` runs before and after it (both needed)."""
    shares = []
    for i, (run, rps) in enumerate(sequence):
        if run != name:
            continue
        before = next((v for r, v in reversed(sequence[:i]) if r == bare), None)
        after = next((v for r, v in sequence[i + 1 :] if r == bare), None)
        if before and after:
            shares.append(rps / ((before + after) / 2))
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="50,200,500", help="concurrent users, comma-separated")
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per run (after the ramp-up)")
    parser.add_argument("--runs", default="static,bare,mix21,mix15", help="which runs, in order")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--publications", type=int, default=100, help="publish → visible samples (0: skip)")
    parser.add_argument("--var-dir", default="", help="reuse this GONGKAI_VAR_DIR (with --skip-setup: as it is)")
    parser.add_argument("--skip-setup", action="store_true", help="do not migrate and load the demo")
    parser.add_argument("--items", type=int, default=500, help="item pages the readers pick from")
    parser.add_argument("--staff-wait", type=float, default=2.0, help="a clerk's seconds between pages (0: none)")
    parser.add_argument("--no-warm", action="store_true", help="do not read every page once before measuring")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument(
        "--sqlite-waits",
        action="store_true",
        help="also time where the server waits for SQLite's write lock, by who asked (bench/sqlite_waits.py: a stack"
        " walk per write, so not for the throughput runs)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the --runs sequence this many times at each number of users, alternating, and print each mix's"
        " share of the bare view measured just before it and their median (a machine whose speed moves between"
        " runs skews a single pair)",
    )
    parser.add_argument(
        "--clients",
        default="lean",
        help="how the browsers read answers (class Client): lean, stock (as locust does by itself: http.cookiejar,"
        " every gzipped page inflated; the runs before issue #15's session 19), or lean,stock to run the --runs"
        " sequence with each in turn, a stock run labelled name/stock",
    )
    parser.add_argument(
        "--check-cookies",
        action="store_true",
        help="runs the stock client, each browser keeping BrowserCookies beside locust's cookie jar, and counts"
        " where the headers they would send differ (any difference fails the run)",
    )
    args = parser.parse_args()
    clients = args.clients.split(",")
    if not set(clients) <= {"lean", "stock"}:
        parser.error("--clients: lean, stock or lean,stock")
    Client.check = args.check_cookies
    if Client.check:
        clients = ["stock"]  # locust's jar sends and BrowserCookies is compared with it: the stock client's runs
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that the server is stopped too
    Staff.wait_time = constant(args.staff_wait)
    host = f"http://127.0.0.1:{args.port}"
    loopback_only(host)
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="gk-load-"))
    env = server_env(var_dir)
    if args.sqlite_waits:
        env["GONGKAI_BENCH_SQLITE_WAITS"] = str(var_dir / "waits")
        WAITS_DIR.append(var_dir / "waits")
        for stale in WAITS_DIR[0].glob("waits-*"):
            stale.unlink()
    CPU_DIR.append(Path(env["GONGKAI_BENCH_CPU_DIR"]))
    CPU_DIR[0].mkdir(parents=True, exist_ok=True)
    for stale in CPU_DIR[0].glob("cpu-*"):  # a reused --var-dir: an earlier server's processes
        stale.unlink()
    set_up(env, args.skip_setup)
    Site.urls = json.loads(django_run(env, URLS_CODE % {"items": args.items}))
    server = start_server(env, args.port)
    SERVER_PIDS.append(server.pid)
    results = []
    try:
        wait_until_up(host + "/__bare__/")
        database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
        cache = "Redis" if env.get("GONGKAI_REDIS_URL") else "the database cache"
        print(f"{database}, {cache}; gunicorn {os.environ.get('GONGKAI_WORKERS', 'default')} workers x "
              f"{os.environ.get('GONGKAI_THREADS', '2')} threads; {os.cpu_count()} cores; {args.seconds} s per run; "
              f"load average at start {os.getloadavg()[0]:.1f}; "
              f"{' and '.join(clients)} client{'s' if len(clients) > 1 else ''}{', cookies checked' if Client.check else ''}", flush=True)  # fmt: skip
        # Warm up: every process imports its code and opens its connections; every page of the mixes is read
        # once, then again by every process, so the runs measure the steady state of a portal read far more
        # often than it changes (the cost of a miss, a page rendered, is in the per-page figures of a cold
        # run: --no-warm).
        if not args.no_warm:
            started = time.monotonic()
            warm(host)
            print(f"warmed the page cache in {time.monotonic() - started:.0f} s", flush=True)
        for name in ("mix21", "mix15"):
            if name in args.runs:
                measure(host, name, 20, 5)
        print(f"{'run':<12}{'users':>6}{'reqs':>9}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>7}", flush=True)
        for users in [int(u) for u in args.users.split(",")]:
            shares: dict[str, list[float]] = {}
            sequence: list[tuple[str, float]] = []  # (run, req/s) in the order run
            for _repeat in range(args.repeat):
                for client in clients:
                    Client.lean = client == "lean"
                    ceilings: dict = {"static": None, "bare": None}
                    for name in args.runs.split(","):
                        r = measure(host, name, users, args.seconds)
                        r["client"] = client
                        results.append(r)
                        sequence.append((label(name, client), r["rps"]))
                        if name in ceilings:
                            ceilings[name] = r
                        elif ceilings["bare"] and ceilings["bare"]["rps"]:
                            shares.setdefault(label(name, client), []).append(r["rps"] / ceilings["bare"]["rps"])
                        print_result(r, ceilings, label(name, client))
            if args.repeat > 1 and "bare" in args.runs.split(","):
                # The machine's speed drifts within minutes: a closing bare run, so that each mix can also be
                # set against the bare runs on both sides of it.
                for client in clients:
                    Client.lean = client == "lean"
                    r = measure(host, "bare", users, args.seconds)
                    r["client"] = client
                    results.append(r)
                    sequence.append((label("bare", client), r["rps"]))
                    print_result(r, {"static": None, "bare": None}, label("bare", client))
            if args.repeat > 1:
                for name, values in shares.items():
                    print(
                        f"{name} at {users} users, share of the bare view run just before it, {len(values)} times: "
                        + ", ".join(f"{v:.0%}" for v in values)
                        + f"; median {statistics.median(values):.0%}",
                        flush=True,
                    )
                    if both := _shares_between_bare_runs(
                        sequence, name, label("bare", name.partition("/")[2] or "lean")
                    ):
                        print(
                            f"{name} at {users} users, share of the mean of the bare runs before and after it: "
                            + ", ".join(f"{v:.0%}" for v in both)
                            + f"; median {statistics.median(both):.0%}",
                            flush=True,
                        )
        if Client.check:
            print(
                f"Cookie headers: {Client.cookies_same} the same, {len(Client.cookies_differ)} different"
                + "".join(f"\n  {url}: {sent!r} / {lean!r}" for url, sent, lean in Client.cookies_differ[:10])
            )
            if Client.cookies_differ:
                raise SystemExit("BrowserCookies would not send what http.cookiejar sends")
        if args.publications:
            out = publication_latency(env, args.port, args.publications)
            summary = {
                kind: (statistics.median(v) * 1000, p95(v) * 1000, max(v) * 1000)
                for kind in ("catalogue", "search", "home", "all", "approve", "after_commit")
                if (v := out[kind])
            }
            results.append({"run": "publish", "n": args.publications, "missing": out["missing"], "ms": summary})
            for kind, (p50, p95_, top) in summary.items():
                print(f"publish → visible ({kind}): p50 {p50:.0f} ms, p95 {p95_:.0f} ms, max {top:.0f} ms "
                      f"over {len(out[kind])} publications")  # fmt: skip
            if out["missing"]:
                print(f"publish → not visible within 10 s: {out['missing']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if args.json:
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
