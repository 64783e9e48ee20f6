"""Delivery at most once per claim: a run that lost its lease sends nothing more, a dead worker's send is redone."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from gongkai.notices.models import Notice, NoticeState
from gongkai.notices.services import INTERRUPTED_ERROR, notice_queue, notices_deliver

pytestmark = pytest.mark.django_db


def _queue(agency, n: int, prefix: str = "d") -> list[Notice]:
    return [
        notice_queue(
            event="jobs.failed",
            channel="email",
            recipient=f"admin{i}@example.cn",
            agency=agency,
            values={"job": f"job {i}", "error": "x", "attempts": 1},
            key=f"{prefix}:{i}",
        )  # fmt: skip
        for i in range(n)
    ]


def _message_ids() -> list[str]:
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


class LeaseLosingBackend(EmailBackend):
    """While its first message is on the wire, another delivery run comes along after the batch's lease ended."""

    stolen: dict | None = None

    def send_messages(self, messages):
        if LeaseLosingBackend.stolen is None:
            LeaseLosingBackend.stolen = {}  # the nested run below sends through this backend too
            LeaseLosingBackend.stolen = notices_deliver(now=timezone.now())
        return super().send_messages(messages)


def test_a_run_whose_lease_ran_out_mid_batch_sends_nothing_the_next_run_took(prefecture, settings):
    settings.EMAIL_BACKEND = "gongkai.notices.tests.test_delivery.LeaseLosingBackend"
    LeaseLosingBackend.stolen = None
    notices = _queue(prefecture, 5)
    # The first run works at a moment long past, so its batch's lease has ended by the time the second one looks.
    past = timezone.now() - dt.timedelta(hours=2)
    Notice.objects.update(next_attempt_at=past)
    first = notices_deliver(now=past)
    # The second run took the four the first had not started on; the first sent only the one it had taken.
    assert LeaseLosingBackend.stolen == {"sent": 4, "failed": 0}
    assert first == {"sent": 1, "failed": 0}
    assert sorted(_message_ids()) == sorted(n.message_id for n in notices)  # each exactly once
    assert Notice.objects.filter(state=NoticeState.SENT, attempts=1, claim="").count() == 5


def test_a_notice_a_dead_worker_was_sending_is_sent_again_with_the_same_message_id_after_its_lease(
    prefecture, settings
):
    (notice,) = _queue(prefecture, 1)
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.NOTICES_LEASE_SECONDS)
    # A worker took it for sending and died: the attempt is counted, the outcome never written.
    Notice.objects.update(state=NoticeState.SENDING, claim="dead", attempts=1, next_attempt_at=now + lease)
    assert notices_deliver(now=now) == {"sent": 0, "failed": 0}  # the lease still runs: nobody else sends it
    assert mail.outbox == [] and Notice.objects.get().state == NoticeState.SENDING
    assert notices_deliver(now=now + lease) == {"sent": 1, "failed": 0}
    assert _message_ids() == [notice.message_id]
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.interrupted) == (NoticeState.SENT, 2, 1)
    assert notice.last_error == "" and notice.claim == ""


def test_an_interrupted_notice_that_then_fails_keeps_the_reason_and_is_retried(prefecture, settings):
    _queue(prefecture, 1)
    settings.EMAIL_BACKEND = "gongkai.notices.tests.test_delivery.RefusingBackend"
    past = timezone.now() - dt.timedelta(hours=1)
    Notice.objects.update(state=NoticeState.SENDING, claim="dead", attempts=1, next_attempt_at=past)
    assert notices_deliver() == {"sent": 0, "failed": 1}
    notice = Notice.objects.get()
    assert (notice.state, notice.attempts, notice.interrupted) == (NoticeState.QUEUED, 2, 1)
    assert "refused" in notice.last_error and notice.last_error != INTERRUPTED_ERROR


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ValueError("refused by the test")
