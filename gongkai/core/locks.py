"""Named locks for the worker's jobs, kept in huey's queue storage so every worker process sees them.

A lock expires after `ttl` seconds where the storage can expire keys (Redis), so a worker killed while holding
it does not block the job for ever. The SQLite queue cannot expire keys: there the lock is plain, and the worker
clears every known lock when it starts (settings.HUEY consumer `flush_locks`, safe because one machine runs
one worker per SQLite file).
"""

from contextlib import contextmanager

from huey.contrib.djhuey import HUEY


def lock_register(name: str) -> None:
    """Make the lock known before the worker starts, so its start-up flush clears a stale one."""
    HUEY.lock_task(name)


@contextmanager
def job_lock(name: str, ttl: int):
    """Hold the named lock for the block, or raise huey's TaskLockedException at once when it is taken."""
    lock = HUEY.lock_task(name, ttl=ttl)
    try:
        lock.acquire()
    except NotImplementedError:  # a storage without expiring keys (SQLite)
        lock = HUEY.lock_task(name)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
