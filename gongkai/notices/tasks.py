"""The worker's delivery task, enqueued after a transaction that queued notices commits."""

from django.db import connection, transaction
from huey.contrib.djhuey import db_task
from huey.exceptions import TaskLockedException

from gongkai.core.locks import job_lock, lock_register
from gongkai.notices.services import notices_deliver

# The minute job (gongkai.jobs) takes the same lock, so two drains never race for one batch; when it is taken,
# the running drain picks the new notices up itself, or the next minute does.
DELIVERY_LOCK = "notices_deliver"
lock_register(DELIVERY_LOCK)


@db_task(name="notices_deliver_soon")
def notices_deliver_soon() -> dict | None:
    try:
        with job_lock(DELIVERY_LOCK, ttl=600):
            return notices_deliver()
    except TaskLockedException:
        return None


def _enqueue() -> None:
    notices_deliver_soon()


def deliver_after_commit() -> None:
    """Enqueue one delivery when the current transaction commits, however many notices it queued."""
    if any(callback is _enqueue for _sids, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue)
