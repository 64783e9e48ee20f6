"""The server's CPU time per request, by kind of request: where the load mix of issue #15 spends the CPU.

Starts `make run`'s gunicorn (config/gunicorn.py, serving bench/portal_wsgi.py as bench/load_portal.py does)
with one worker process, sends it one request at a time over a kept-alive connection, and reads the worker's
CPU time (user + system, from the kernel's accounting) before and after each request. The sum over a kind's
requests divided by their number is that kind's CPU per request, whatever else the machine is doing (other
processes take wall time, not this worker's CPU time; the kernel charges in ticks, so each figure is an average
over many requests). With PostgreSQL or Redis, the CPU their processes spend meanwhile (the backends serving
this site's database, and redis-server) is read the same way and added: they share the cores.

Then it weighs the kinds by bench/load_portal.py's mix15 (its visitors' task weights; the 20 staff users open a
page every 2 s) and prints what a mix request costs and the throughput that leaves two cores, against the bare
view's: the ceiling this machine's CPU puts on the mix, before locust's own share.

    .venv/bin/python bench/request_cpu.py                              # a fresh demo site on SQLite
    .venv/bin/python bench/request_cpu.py --var-dir /work/bench-data/load-sqlite --skip-setup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf GONGKAI_REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/request_cpu.py
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_portal import (  # noqa: E402 - the same site, server and pages as the load benchmark
    BROWSER,
    DEMO_PASSWORD,
    STAFF_USERS,
    URLS_CODE,
    Visitor,
    application_data,
    django_run,
    loopback_only,
    server_cpu_spent,
    server_env,
    server_process_cpu,
    set_up,
    start_server,
    wait_until_up,
)

# isort: split
# After load_portal, which patches the standard library for gevent first (as locust needs).
import psutil  # noqa: E402
import requests  # noqa: E402

# The visitors' task weights of mix15 (Visitor's @task weights) and the kinds each task requests.
VISITOR_KINDS = {"home": "home", "browse": "browse", "search": "search", "item": "item", "track": "tracking",
                 "annual_report": "annual_report"}  # fmt: skip


def visitor_weights() -> dict[str, int]:
    weights = {}
    for name, kind in VISITOR_KINDS.items():
        weights[kind] = getattr(Visitor, name).locust_task_weight
    weights["apply"] = Visitor.apply.locust_task_weight
    return weights


class Worker:
    """The one gunicorn worker's CPU seconds (user + system), read from the kernel."""

    def __init__(self, master_pid: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = psutil.Process(master_pid).children()
            if children:
                self.process = children[0]
                return
            time.sleep(0.2)
        sys.exit("no gunicorn worker started")

    def cpu(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system


class Servers:
    """The CPU seconds of the database server's processes serving this site's database, and of Redis: work each
    request causes outside the worker, on the same cores. With SQLite and no Redis there are none."""

    def __init__(self, database: str) -> None:
        self.database = database

    def cpu(self) -> dict[int, float]:
        return server_process_cpu(self.database)


class Client:
    def __init__(self, host: str, worker: Worker, servers: Servers) -> None:
        self.host = host
        self.worker = worker
        self.servers = servers
        self.session = requests.Session()
        self.address = "198.18.0.1"
        self.spent: dict[str, list[float]] = {}
        self.served: dict[str, list[float]] = {}

    def new_visitor(self) -> None:
        self.session.cookies.clear()
        self.address = str(ipaddress.ip_address("198.18.0.1") + random.randint(0, 131_000))  # noqa: S311

    def headers(self, **extra) -> dict:
        return {"User-Agent": BROWSER, "X-Forwarded-For": self.address, **extra}

    def timed(self, kind: str, method: str, url: str, **kwargs) -> requests.Response:
        before, served_before = self.worker.cpu(), self.servers.cpu()
        response = self.session.request(method, self.host + url, headers=self.headers(**kwargs.pop("extra", {})),
                                        timeout=60, **kwargs)  # fmt: skip
        # The worker may still be finishing (the page-view writer runs in its own thread): a short pause lets
        # its CPU land in this request's account rather than the next one's.
        time.sleep(0.002)
        self.spent.setdefault(kind, []).append(self.worker.cpu() - before)
        self.served.setdefault(kind, []).append(server_cpu_spent(served_before, self.servers.cpu()))
        if response.status_code >= 400:
            raise SystemExit(f"{kind} {url}: {response.status_code}")
        return response

    def apply(self, url: str) -> None:
        page = self.timed("apply (form)", "GET", url)
        data = application_data(page.text)
        if data is None:
            raise SystemExit(f"no application form at {url}")
        self.timed("apply (submit)", "POST", url, data=data, extra={"Referer": self.host + url}, allow_redirects=False)
        # The browser (and locust) follows the redirect to the receipt page: timed on its own.
        self.timed("apply (receipt)", "GET", "/applications/submitted/")
        self.new_visitor()

    def log_in(self) -> None:
        page = self.session.get(self.host + "/staff/login/", headers=self.headers(), timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.session.post(
            self.host + "/staff/login/",
            data={"csrfmiddlewaretoken": token.group(1), "username": "clerk", "password": DEMO_PASSWORD},
            headers=self.headers(Referer=self.host + "/staff/login/"), timeout=60,
        )  # fmt: skip


def measure(host: str, worker: Worker, servers: Servers, urls: dict, rounds: int) -> Client:
    client = Client(host, worker, servers)
    for kind in ("bare", "static", "home", "browse", "search", "item", "annual_report", "tracking"):
        for _ in range(rounds):
            client.timed(kind, "GET", random.choice(urls[kind]))  # noqa: S311
    for _ in range(max(20, rounds // 5)):
        client.apply(urls["apply"][0])
    client.new_visitor()
    client.log_in()
    cases: list[str] = []
    for n in range(max(40, rounds // 3)):
        if n % 4 == 0 or not cases:
            page = client.timed("staff queue", "GET", "/staff/applications/")
            cases = re.findall(r'href="(/staff/applications/\d+/)"', page.text) or cases
        else:
            client.timed("staff case page", "GET", random.choice(cases))  # noqa: S311
    return client


def report(client: Client) -> dict:
    """Each kind's CPU per request: the worker's, and with the database and cache servers' added (the figure the
    ceilings below are computed from, as all three share the cores)."""
    worker_ms = {kind: 1000 * sum(values) / len(values) for kind, values in client.spent.items()}
    server_ms = {kind: 1000 * sum(values) / len(values) for kind, values in client.served.items()}
    ms = {kind: worker_ms[kind] + server_ms[kind] for kind in worker_ms}
    print(f"{'kind':<18}{'requests':>9}{'worker ms':>10}{'servers ms':>11}{'CPU ms':>9}")
    for kind, value in ms.items():
        print(f"{kind:<18}{len(client.spent[kind]):>9}{worker_ms[kind]:>10.2f}{server_ms[kind]:>11.2f}{value:>9.2f}")
    weights = visitor_weights()
    visitor_tasks = sum(weights.values())
    # Per visitor task: its kind's request, and the apply task's two requests.
    per_task = sum(w * ms[k] for k, w in weights.items() if k != "apply") + weights["apply"] * (
        ms["apply (form)"] + ms["apply (submit)"] + ms["apply (receipt)"]
    )
    requests_per_task = (visitor_tasks + weights["apply"]) / visitor_tasks
    visitor_ms = per_task / visitor_tasks / requests_per_task  # CPU per visitor request
    staff_ms = (ms["staff queue"] + 3 * ms["staff case page"]) / 4
    staff_rate = STAFF_USERS / 2.0  # pages a second: 20 clerks, one page each 2 s
    cores = os.cpu_count() or 1
    staff_cores = staff_rate * staff_ms / 1000
    mix_rate = (cores - staff_cores) / (visitor_ms / 1000) + staff_rate
    bare_rate = cores / (ms["bare"] / 1000)
    summary = {
        "visitor_request_ms": visitor_ms,
        "staff_page_ms": staff_ms,
        "staff_cores": staff_cores,
        "mix_ceiling_rps": mix_rate,
        "bare_ceiling_rps": bare_rate,
        "ratio": mix_rate / bare_rate,
        "ms": ms,
        "worker_ms": worker_ms,
        "servers_ms": server_ms,
    }
    print(
        f"mix15 per visitor request {visitor_ms:.2f} ms of CPU; staff pages {staff_ms:.1f} ms each, "
        f"{staff_cores:.2f} of {cores} cores at {staff_rate:.0f} a second.\n"
        f"On {cores} cores with nothing else running: mix15 at most {mix_rate:,.0f} req/s, the bare view at most "
        f"{bare_rate:,.0f} req/s: {100 * mix_rate / bare_rate:.0f} %."
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300, help="requests of each public kind")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--var-dir", default="", help="reuse this GONGKAI_VAR_DIR (with --skip-setup: as it is)")
    parser.add_argument("--skip-setup", action="store_true", help="do not migrate and load the demo")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args()
    host = f"http://127.0.0.1:{args.port}"
    loopback_only(host)
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="gk-cpu-"))
    env = {**server_env(var_dir), "GONGKAI_WORKERS": "1"}
    env.pop("GONGKAI_BENCH_CPU_DIR")  # this script reads the worker's CPU itself, request by request
    set_up(env, args.skip_setup)
    urls = json.loads(django_run(env, URLS_CODE % {"items": 500}))
    server = start_server(env, args.port)
    try:
        wait_until_up(host + "/__bare__/")
        worker = Worker(server.pid)
        database = env.get("DATABASE_URL", "")
        servers = Servers(urllib.parse.urlsplit(database).path.lstrip("/") if database.startswith("postgres") else "")
        # Warm: imports, connections, and every public page read once, as bench/load_portal.py does (the mix
        # measures a portal read far more often than it changes); each case followed once too, as the 200 the
        # load run follows are within its first seconds (a case's page is kept between its changes).
        warm = requests.Session()
        for kind in ("home", "agency", "browse", "item", "search", "annual_report", "guide", "tracking"):
            for url in urls[kind]:
                warm.get(host + url, headers={"User-Agent": BROWSER}, timeout=60)
        measure(host, worker, servers, urls, 30)
        summary = report(measure(host, worker, servers, urls, args.rounds))
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
