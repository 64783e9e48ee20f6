"""SMS backends, the same shape as Django's e-mail backends: a class with `send_messages(messages)`.

settings.SMS_BACKEND names the class (GONGKAI_SMS_BACKEND). Built in: ConsoleBackend (prints), FileBackend (one
file per day under settings.SMS_FILE_PATH) and LocmemBackend (tests). A provider's HTTP gateway is a subclass
of BaseSmsBackend that a deployment adds; docs/notifications.md shows one.
"""

import datetime as dt
import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    message_id: str  # the notice's identity, for a gateway that de-duplicates


class BaseSmsBackend:
    """Subclasses send each message or raise; an exception leaves the notice queued for a retry."""

    def __init__(self, **kwargs) -> None:
        self.options = kwargs

    def open(self) -> None:
        """Open a connection when the gateway has one (optional)."""

    def close(self) -> None:
        """Close it (optional)."""

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for m in messages:
            sys.stdout.write(f"SMS to {m.to} [{m.message_id}]: {m.body}\n")
        sys.stdout.flush()
        return len(messages)


class FileBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        folder = settings.SMS_FILE_PATH
        folder.mkdir(parents=True, exist_ok=True)
        day: dt.date = timezone.localdate()
        with self._lock, open(folder / f"{day:%Y-%m-%d}.log", "a", encoding="utf-8") as handle:
            for m in messages:
                handle.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S}\t{m.to}\t{m.message_id}\t{m.body}\n")
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """Keeps messages in `gongkai.notices.sms.outbox`, like Django's locmem e-mail backend (tests)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_sms_connection(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)
