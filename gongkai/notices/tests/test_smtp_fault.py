"""Fault test against a real SMTP server on loopback (aiosmtpd): down while notices queue, back, each arrives once."""

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from gongkai.notices.models import Notice, NoticeState
from gongkai.notices.services import notice_queue, notices_deliver

pytestmark = pytest.mark.django_db

COUNT = 1000


class Collector:
    """Keeps the Message-ID of every message the server accepted."""

    def __init__(self):
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.message_ids.append(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    yield controller, collector
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def test_notices_queued_while_the_mail_server_is_down_all_arrive_exactly_once_when_it_returns(smtp, prefecture):
    controller, collector = smtp
    for n in range(COUNT):
        notice_queue(event="jobs.failed", channel="email", recipient=f"admin{n}@example.cn",
                     values={"job": f"job {n}", "error": "x", "attempts": 1}, agency=prefecture, key=f"fault:{n}")  # fmt: skip
    now = timezone.now()
    # The server is down: the run stops at the first refused connection and loses nothing.
    result = notices_deliver(now=now)
    assert result["sent"] == 0 and result["failed"] >= 1
    assert Notice.objects.filter(state=NoticeState.QUEUED).count() == COUNT
    assert Notice.objects.filter(attempts=1, last_error__contains="Connection refused").count() == result["failed"]
    controller.start()
    # Ten minutes later every notice is due again, and the server is back.
    result = notices_deliver(now=now + dt.timedelta(minutes=10))
    assert result == {"sent": COUNT, "failed": 0}
    assert len(collector.message_ids) == COUNT
    assert sorted(collector.message_ids) == sorted(
        f"<{u}@gongkai>" for u in Notice.objects.values_list("uuid", flat=True)
    )
    assert Notice.objects.filter(state=NoticeState.SENT).count() == COUNT
    # A further run sends nothing again.
    assert notices_deliver(now=now + dt.timedelta(hours=1)) == {"sent": 0, "failed": 0}
    assert len(collector.message_ids) == COUNT
