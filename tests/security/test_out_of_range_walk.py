"""Every URL pattern, filled with out-of-range ids, slugs, years, months, pages and dates, answers without a
server error: 400, 404, a redirect or an (empty) page, never 500 (issue #15)."""

import re

import pytest
from django.test import Client

from tests.security.test_access_table import ROUTES, walk_patterns

HUGE = "99999999999999999999"  # past 2**63: SQLite's integers overflow, PostgreSQL's bigint too
VALUES = {"int": [HUGE, "0"], "str": ["x" * 300, "..%2F..", "9999-99-99"], "slug": ["x" * 300, "9" * 25]}
QUERIES = [
    "",
    "?year=99999&month=9999-12&page=99999999999999999999",
    "?year=-1&month=0-0&page=-1&days=400&start=9999-12-30",
    f"?agency={HUGE}&category={HUGE}&item={HUGE}&user={HUGE}&status=x&kind=x&state=x&q=%00",
    "?start=0001-01-01&end=9999-12-31&date=9999-99-99&from=99999-01-01&to=0-0-0&since=x",
    "?page=0&per_page=100000000&sort=-x&order=x&fmt=x&format=x&year=0&month=2024-13&week=99",
]
PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def fill(pattern: str, variant: int) -> str:
    def value(match):
        choices = VALUES.get(match.group("converter") or "str", VALUES["str"])
        return choices[variant % len(choices)]

    return "/" + PARAM.sub(value, pattern)


@pytest.mark.parametrize("who", ["visitor", "sam", "sue"])
def test_no_route_answers_a_server_error_to_out_of_range_values(
    request, tree, sam, sue, alice, who, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = Client(raise_request_exception=False)
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    errors = []
    for pattern, name in walk_patterns():
        if ROUTES[name].audience == "account":
            continue
        for variant in range(3 if PARAM.search(pattern) else 1):
            for query in QUERIES:
                url = fill(pattern, variant) + query
                response = client.get(url)
                if response.status_code >= 500:
                    errors.append(f"{response.status_code} {url}")
    print("\n".join(errors))
    assert errors == []
