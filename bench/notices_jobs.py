"""The worker under load: notice throughput to a local SMTP server, scheduled-publication latency, SIGKILL.

Each part runs the real worker (`manage.py run_huey`, as `make run` and the systemd unit do) as a subprocess
against a fresh database in a temporary GONGKAI_VAR_DIR, and a real SMTP server (aiosmtpd) on loopback in this
process that counts every message by its Message-ID.

    .venv/bin/python bench/notices_jobs.py                                   # SQLite database, SQLite queue
    .venv/bin/python bench/notices_jobs.py --redis redis://127.0.0.1:6379/3  # SQLite database, Redis queue
    .venv/bin/python bench/notices_jobs.py --database-url postgres://postgres@127.0.0.1:5432/jobs_bench \\
        --redis redis://127.0.0.1:6379/3                                     # PostgreSQL and Redis, as production

1. throughput: N e-mail notices queued in one transaction, then the worker starts and drains them;
   notices per second (first to last message accepted) and the worker's peak memory (VmHWM).
2. latency: 100 catalogue items scheduled at scattered seconds over the next minutes; for each, the time from
   its scheduled moment to its publication commit (the audit event written with the search index); p50/p95.
3. sigkill: 3,000 notices; the worker is killed with SIGKILL three times during the drain (the first the
   instant the server accepted a message, the others at random moments) and started again each time; counts
   messages lost (never arrived), sent twice (same Message-ID twice), and whether each repeat is a notice the
   outbox recorded as interrupted (the one window docs/notifications.md describes).
"""

import argparse
import collections
import datetime as dt
import email
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the interpreter running the bench (the project's venv)


class Collector:
    def __init__(self):
        self.ids: collections.Counter = collections.Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.lock = threading.Lock()
        # (count, pid): SIGKILL the worker the moment the server holds this many messages, before it answers.
        self.kill_at: tuple[int, int] | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        now = time.monotonic()
        with self.lock:
            self.ids[message_id] += 1
            self.first = self.first or now
            self.last = now
            if self.kill_at and self.count >= self.kill_at[0]:
                os.kill(self.kill_at[1], signal.SIGKILL)
                self.kill_at = None
        return "250 OK"

    @property
    def count(self) -> int:
        return sum(self.ids.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "run_huey", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def queue_notices(n: int, agency) -> list[str]:
    from django.db import transaction

    from gongkai.notices.services import notice_queue

    with transaction.atomic():
        notices = [
            notice_queue(
                event="jobs.failed",
                channel="email",
                recipient=f"admin{i}@example.cn",
                agency=agency,
                values={"job": f"bench {i}", "error": "none", "attempts": 1},
                key=f"bench:{time.time_ns()}:{i}",
            )  # fmt: skip
            for i in range(n)
        ]
    return [n.message_id for n in notices]


def bench_throughput(env: dict, collector: Collector, agency, n: int) -> None:
    from gongkai.notices.models import Notice

    started = time.monotonic()
    queue_notices(n, agency)
    queued_in = time.monotonic() - started
    collector.ids.clear()
    collector.first = collector.last = None
    worker = start_worker(env)
    try:
        wait(lambda: collector.count >= n, 1800, "the notices")
        took = collector.last - collector.first
        peak = peak_rss_mib(worker.pid)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(60)
    sent = Notice.objects.filter(state="sent").count()
    print(f"throughput: queued {n} notices in {queued_in:.1f} s ({n / queued_in:,.0f}/s, one transaction); "
          f"delivered {collector.count} in {took:.1f} s = {n / took:,.0f} notices/s; "
          f"worker peak RSS {peak:.0f} MiB; duplicates {sum(c - 1 for c in collector.ids.values())}; rows sent {sent}")  # fmt: skip
    Notice.objects.all().delete()


def bench_sigkill(env: dict, collector: Collector, agency, n: int, kills: int) -> None:
    """Kill the worker `kills` times in one drain of `n` notices, restarting it each time; count at the end.

    The first kill comes the instant the server has a message, before it answers 250 (the worst moment: the
    message is on the server, the worker cannot have recorded it); the others at random moments in the drain.
    """
    import random

    from django.db.models import Sum

    from gongkai.notices.models import Notice

    rng = random.Random(14)
    expected = set(queue_notices(n, agency))
    by_message_id = {f"<{u}@gongkai>": pk for pk, u in Notice.objects.values_list("pk", "uuid")}
    collector.ids.clear()
    worker = start_worker(env)
    in_doubt = []
    try:
        for k in range(kills):
            target = (k + 1) * n // (kills + 1)
            if k == 0:
                collector.kill_at = (target, worker.pid)
                wait(lambda: collector.kill_at is None, 900, f"{target} notices")
            else:
                wait(lambda: collector.count >= target, 900, f"{target} notices")  # noqa: B023 - used at once
                time.sleep(rng.uniform(0, 0.05))
                worker.send_signal(signal.SIGKILL)
            worker.wait()
            in_doubt.append(set(Notice.objects.filter(state="sending").values_list("pk", flat=True)))
            worker = start_worker(env)
        # A killed run's claimed batch waits for its lease (GONGKAI_NOTICE_LEASE_SECONDS), and with Redis the
        # delivery lock for its expiry (notices.tasks.DELIVERY_LOCK_TTL), before the restarted worker takes it.
        wait(lambda: set(collector.ids) >= expected, 1800, "every notice after the restarts")
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(60)
    lost = len(expected - set(collector.ids))
    repeated = [m for m, c in collector.ids.items() if c > 1]
    twice = sum(collector.ids[m] - 1 for m in repeated)
    interrupted = Notice.objects.aggregate(s=Sum("interrupted"))["s"] or 0
    # Every repeat must be a notice recorded as interrupted: the one documented window, nothing else.
    unexplained = [m for m in repeated if not Notice.objects.filter(pk=by_message_id[m], interrupted__gt=0).exists()]
    # A notice left "sending" by one kill may still wait for its lease at the next: count each once.
    doubtful = len(set().union(*in_doubt)) if in_doubt else 0
    print(f"sigkill: {n} notices, {kills} kills (left sending at each kill: {[len(d) for d in in_doubt]}, "
          f"{doubtful} distinct), restarted each time; "
          f"lost {lost}, sent twice {twice} (same Message-ID), notices recorded interrupted {interrupted}, "
          f"repeats not recorded as interrupted {len(unexplained)}; "
          f"rows sent {Notice.objects.filter(state='sent').count()}")  # fmt: skip
    Notice.objects.all().delete()


def bench_latency(env: dict, count: int) -> None:
    from django.utils import timezone

    from conftest import make_user
    from gongkai.audit.models import AuditEvent
    from gongkai.catalogue.models import Item
    from gongkai.catalogue.services import item_approve, item_submit
    from gongkai.catalogue.tests.factories import draft

    agency = bench_agency()
    people = [make_user(f"bench-{r}-{time.time_ns()}", (agency, role)) for r, role in
              enumerate(["clerk", "reviewer", "reviewer", "approver"])]  # fmt: skip
    start = timezone.now() + dt.timedelta(seconds=45)
    items = []
    for i in range(count):
        # Scattered over about three minutes, at every second of the minute.
        when = start + dt.timedelta(seconds=i * 1.7)
        item = item_submit(actor=people[0], item=draft(people[0], agency, title=f"定时发布压测 {i}", publish_at=when))
        for reviewer in people[1:]:
            item = item_approve(actor=reviewer, item=item, proofread=True)
        items.append(item)
    worker = start_worker(env)
    try:
        ids = [str(i.pk) for i in items]
        wait(lambda: AuditEvent.objects.filter(verb="catalogue.item_publish", object_id__in=ids).count() == count,
             600, "the scheduled items")  # fmt: skip
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(60)
    published = dict(
        AuditEvent.objects.filter(verb="catalogue.item_publish", object_id__in=ids).values_list(
            "object_id", "created_at"
        )
    )
    delays = sorted((published[str(i.pk)] - Item.objects.get(pk=i.pk).publish_at).total_seconds() for i in items)
    p95 = delays[int(0.95 * len(delays)) - 1]
    print(f"latency: {count} scheduled items, scheduled moment → published and searchable: "
          f"median {statistics.median(delays):.1f} s, p95 {p95:.1f} s, max {delays[-1]:.1f} s, min {delays[0]:.1f} s")  # fmt: skip


def bench_agency():
    from conftest import make_agency
    from gongkai.agencies.models import Agency

    return Agency.objects.filter(slug="bench").first() or make_agency("bench", "压测市人民政府", kind="government")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="", help="a disposable PostgreSQL database (default: SQLite)")
    parser.add_argument("--redis", default="", help="put the job queue in this Redis (GONGKAI_REDIS_URL)")
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--kill-notices", type=int, default=3000)
    parser.add_argument("--parts", default="throughput,latency,sigkill")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="gongkai-bench-jobs-")
    port = free_port()
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": var,
        "DATABASE_URL": args.database_url,
        "GONGKAI_REDIS_URL": args.redis,
        "GONGKAI_JOBS_QUEUE": f"gongkai-bench-{port}",
        "GONGKAI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "GONGKAI_EMAIL_HOST": "127.0.0.1",
        "GONGKAI_EMAIL_PORT": str(port),
        "GONGKAI_NOTICE_LEASE_SECONDS": "20",
        "GONGKAI_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.db import connection

    print(f"database: {connection.vendor}; queue: {'Redis' if args.redis else 'SQLite file'}; cores: {os.cpu_count()}")
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        agency = bench_agency()
        parts = args.parts.split(",")
        if "throughput" in parts:
            bench_throughput(env, collector, agency, args.notices)
        if "latency" in parts:
            bench_latency(env, args.items)
        if "sigkill" in parts:
            bench_sigkill(env, collector, agency, args.kill_notices, args.kills)
    finally:
        controller.stop()
        if args.redis:
            import redis

            client = redis.Redis.from_url(args.redis)
            for key in client.scan_iter(f"huey*gongkai-bench-{port}*"):
                client.delete(key)


if __name__ == "__main__":
    main()
