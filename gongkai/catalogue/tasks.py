"""The catalogue's worker task: publish a scheduled item at its own second, not only at the minute job.

Enqueued with an eta when an item is scheduled (services/review.py); the minute job `catalogue_publish_due`
(gongkai/jobs) stays as the safety net for a queue that lost the task. Publishing is safe to run twice.
"""

from django.utils import timezone
from huey.contrib.djhuey import db_task


@db_task(name="catalogue_publish_scheduled")
def catalogue_publish_scheduled() -> int:
    from gongkai.catalogue.services.review import item_publish_due, items_expire_due

    published = item_publish_due(now=timezone.now())
    items_expire_due(today=timezone.localdate())
    return len(published)


def publish_at_its_time(when) -> None:
    """Ask the worker to publish what is due at `when` (called after the scheduling transaction commits)."""
    catalogue_publish_scheduled.schedule(eta=when)
