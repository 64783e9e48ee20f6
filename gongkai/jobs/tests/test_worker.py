"""A real huey consumer on a real queue (a SQLite file; Redis too when GONGKAI_REDIS_URL is set, as in CI).

These run the worker in threads of the test process, so the database rows must be committed: transactional
tests. They wait for the worker by polling the rows; nothing here measures time.
"""

import os
import signal
import time
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisExpireStorage, SqliteStorage

from gongkai.jobs.models import JobRun, RunState
from gongkai.jobs.registry import JOBS
from gongkai.notices.models import Notice, NoticeState

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(check, timeout: float = 60.0):
    """Poll until `check()` is true; fail with the last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _storage(kind: str, tmp_path):
    if kind == "redis":
        url = os.environ.get("GONGKAI_REDIS_URL")
        if not url:
            pytest.skip("GONGKAI_REDIS_URL is not set; CI sets it, and there an unreachable Redis fails the run")
        storage = RedisExpireStorage(name=f"gongkai-test-{uuid.uuid4().hex[:8]}", url=url)
        storage.conn.ping()  # unreachable Redis: an error, never a skip
        return storage
    return SqliteStorage(name="gongkai-test", filename=str(tmp_path / "huey.sqlite3"))


@pytest.fixture(params=["sqlite", "redis"])
def worker(request, tmp_path):
    storage = _storage(request.param, tmp_path)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    HUEY.immediate = False
    HUEY.storage = storage
    consumer = HUEY.create_consumer(
        workers=2, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2, check_worker_health=False
    )
    consumer.start()
    yield consumer
    consumer.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    storage.flush_all()
    HUEY.immediate = True  # back to the in-memory queue of the other tests


def test_the_worker_delivers_the_receipt_of_an_online_application(worker, client, prefecture):
    from gongkai.applications.tests.test_public import apply_url, form_data

    cache.clear()
    response = client.post(apply_url(prefecture), form_data(notify=["email"]))
    assert response.status_code == 302
    # Nobody calls the delivery here: the commit enqueued it and the worker ran it.
    assert wait_for(lambda: Notice.objects.filter(state=NoticeState.SENT).count() == 1)
    assert len(mail.outbox) == 1 and "查询码" in mail.outbox[0].body


def test_the_worker_runs_a_periodic_job_and_records_the_run(worker, prefecture, alice, rob, ann):
    from gongkai.catalogue.models import Item, ItemStatus
    from gongkai.catalogue.services import item_approve, item_submit
    from gongkai.catalogue.tests.factories import draft, second_reviewer

    rita = second_reviewer(prefecture)
    item = item_submit(
        actor=alice, item=draft(alice, prefecture, publish_at=timezone.now() + timezone.timedelta(hours=1))
    )
    for reviewer in (rob, rita, ann):
        item = item_approve(actor=reviewer, item=item, proofread=True)
    Item.objects.filter(pk=item.pk).update(publish_at=timezone.now())
    JOBS["catalogue_publish_due"].task()  # what the consumer's scheduler does at each minute
    assert wait_for(lambda: JobRun.objects.filter(job="catalogue_publish_due", state=RunState.SUCCEEDED).exists())
    assert Item.objects.get(pk=item.pk).status == ItemStatus.PUBLISHED


def test_the_worker_retries_a_failing_job_then_alerts_the_site_administrators(worker, sam, monkeypatch):
    sam.email = "sam@example.cn"
    sam.save()

    def broken(**kwargs):
        raise RuntimeError("portal unreachable")

    monkeypatch.setattr("gongkai.jobs.tasks.site_check_run", broken)
    HUEY.enqueue(JOBS["site_check"].task.s(retries=1, retry_delay=0))
    assert wait_for(lambda: JobRun.objects.filter(job="site_check", state=RunState.FAILED).exists())
    states = list(JobRun.objects.filter(job="site_check").order_by("pk").values_list("state", "attempt"))
    assert states == [(RunState.RETRYING, 3), (RunState.FAILED, 4)]
    assert wait_for(lambda: Notice.objects.filter(event="jobs.failed", state=NoticeState.SENT).count() == 1)
    assert mail.outbox[-1].to == ["sam@example.cn"]
