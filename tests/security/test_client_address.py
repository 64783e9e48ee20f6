"""The client's address behind the documented proxy (GONGKAI_PROXY_COUNT): lockouts, rate limits, audit trail.

nginx appends the address it received each request from to X-Forwarded-For, so with one proxy the client is
the last entry and everything to its left was written by the client. These tests run the whole stack with the
proxy setting on, REMOTE_ADDR being the proxy, and forged or chained X-Forwarded-For values.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory

from conftest import PASSWORD
from gongkai.applications.models import Application
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.audit.models import AuditEvent
from gongkai.core.client import client_address

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings, db):
    settings.PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def via_proxy(forwarded: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", PROXY),  # no proxy configured: the header is the client's own, ignored
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged leftmost value is ignored
        (1, "1.2.3.4,5.6.7.8 , 198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies: the second from the right
        (2, "198.51.100.7", PROXY),  # shorter than the proxy chain: not through the proxies, use the peer
        (1, "", PROXY),
        (1, "1.2.3.4, not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_forwarded_entry_from_the_right(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", **via_proxy(forwarded))
    assert client_address(request) == expected


def fail_login(client, username: str, forwarded: str):
    return client.post("/staff/login/", {"username": username, "password": "wrong-password"}, **via_proxy(forwarded))


def test_a_lockout_behind_the_proxy_does_not_lock_out_the_same_user_elsewhere(alice, client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, "alice", "198.51.100.7")
    locked = client.post("/staff/login/", {"username": "alice", "password": PASSWORD}, **via_proxy("198.51.100.7"))
    assert locked.status_code == 429
    # alice at her desk, behind the same proxy, is not locked out by someone guessing from elsewhere.
    ok = client.post("/staff/login/", {"username": "alice", "password": PASSWORD}, **via_proxy("203.0.113.9"))
    assert ok.status_code == 302


def test_a_forged_leftmost_forwarded_value_does_not_evade_the_lockout(alice, client):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        fail_login(client, "alice", f"1.2.3.{n}, 198.51.100.7")
    again = client.post(
        "/staff/login/", {"username": "alice", "password": PASSWORD}, **via_proxy("9.9.9.9, 198.51.100.7")
    )
    assert again.status_code == 429


def test_the_application_rate_limit_keys_on_the_real_client_not_the_proxy_or_a_forged_value(
    client, prefecture, settings
):
    settings.APPLICATIONS_RATE = "2/h"
    for n in range(2):
        response = client.post(apply_url(prefecture), form_data(key=str(n)), **via_proxy(f"7.7.7.{n}, 198.51.100.7"))
        assert response.status_code == 302
    forged = client.post(apply_url(prefecture), form_data(key="8"), **via_proxy("8.8.8.8, 198.51.100.7"))
    assert forged.status_code == 429
    # Another visitor behind the same proxy is not limited by the first one's submissions.
    other = client.post(apply_url(prefecture), form_data(key="9"), **via_proxy("203.0.113.9"))
    assert other.status_code == 302
    assert Application.objects.count() == 3


def test_the_tracking_lookup_limit_keys_on_the_real_client(client, prefecture, settings):
    settings.APPLICATIONS_RATE = "2/h"
    for n in range(2):
        assert (
            client.get("/applications/track/", {"code": "X" * 12}, **via_proxy(f"6.6.6.{n}, 198.51.100.7")).status_code
            == 200
        )
    assert client.get("/applications/track/", {"code": "X" * 12}, **via_proxy("198.51.100.7")).status_code == 429
    assert client.get("/applications/track/", {"code": "X" * 12}, **via_proxy("203.0.113.9")).status_code == 200


def test_the_audit_trail_records_the_forwarded_client_address(client, prefecture):
    client.post(apply_url(prefecture), form_data(), **via_proxy("1.2.3.4, 198.51.100.7"))
    application = Application.objects.get()
    event = AuditEvent.objects.for_object(application).order_by("pk").first()
    assert event is not None and event.client_address == "198.51.100.7"


def test_nothing_but_the_client_helper_reads_remote_addr_or_x_forwarded_for():
    """One helper decides who the client is; any other reader would disagree with it behind a proxy."""
    root = Path(django_settings.BASE_DIR)
    helper = root / "gongkai" / "core" / "client.py"
    offenders = []
    for path in [*root.joinpath("gongkai").rglob("*.py"), *root.joinpath("config").rglob("*.py")]:
        if path == helper or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"REMOTE_ADDR|X_FORWARDED_FOR", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
    assert django_settings.RATELIMIT_IP_META_KEY.startswith("gongkai.core.client.")
    assert django_settings.AXES_CLIENT_IP_CALLABLE.startswith("gongkai.core.client.")
