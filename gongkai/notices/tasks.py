"""The worker's delivery task, enqueued after a transaction that queued notices commits."""

from django.db import connection, transaction
from huey.contrib.djhuey import db_task
from huey.exceptions import TaskLockedException

from gongkai.core.locks import job_lock, lock_register
from gongkai.notices.services import notices_deliver

# The minute job (gongkai.jobs) takes the same lock, so two drains do not usually work side by side; when it is
# taken, the running drain picks the new notices up itself, or the next minute does. The lock only saves work:
# two drains at once are safe (each notice is claimed, and taken for its send, by compare-and-set), so it expires
# soon after a killed worker, and delivery resumes within DELIVERY_LOCK_TTL of a restart.
DELIVERY_LOCK = "notices_deliver"
DELIVERY_LOCK_TTL = 120
lock_register(DELIVERY_LOCK)


@db_task(name="notices_deliver_soon")
def notices_deliver_soon() -> dict | None:
    try:
        with job_lock(DELIVERY_LOCK, ttl=DELIVERY_LOCK_TTL):
            return notices_deliver()
    except TaskLockedException:
        return None


class _Enqueue:
    def __call__(self) -> None:
        notices_deliver_soon()


def deliver_after_commit() -> None:
    """Enqueue one delivery when the current transaction commits, however many notices it queued.

    The callback registered last is remembered with its place in the connection's on-commit list, so the
    check is O(1) for a transaction that queues 10,000 notices; a rolled-back savepoint drops the callback from
    the list, and the next notice registers a new one.
    """
    hooks = connection.run_on_commit
    pending = getattr(connection, "_gongkai_notice_delivery", None)
    if pending is not None:
        position, callback = pending
        if position < len(hooks) and hooks[position][1] is callback:
            return
    callback = _Enqueue()
    transaction.on_commit(callback)
    if connection.in_atomic_block:
        connection._gongkai_notice_delivery = (len(hooks) - 1, callback)
