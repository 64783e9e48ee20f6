"""Rate-limit counters survive many visitors: the database cache must not cull live counters (a culled counter
makes django-ratelimit refuse the next request of a visitor who is well within the limit)."""

import datetime as dt

import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import get_usage


def usage(address: str):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    return get_usage(request, group="bench", key="ip", rate="10/h", method="POST", increment=True)


# django-ratelimit counts in windows whose edge falls, for each address, somewhere in the hour: the clock stands still
# so that the thousand requests between the visitor's two never straddle the edge of the visitor's own window.
STILL = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(STILL, tick=False)
def test_a_visitor_within_the_limit_is_not_refused_after_a_thousand_others(db):
    cache.clear()
    try:
        assert not usage("203.0.113.1")["should_limit"]
        for n in range(1000):
            usage(f"198.18.{n // 250}.{n % 250 + 1}")
        again = usage("203.0.113.1")
        assert again["count"] == 2 and not again["should_limit"]
    finally:
        cache.clear()
