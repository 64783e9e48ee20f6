"""Every public page answers malformed or out-of-range parameters with 400 or an empty page, never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from gongkai.catalogue.tests.factories import publish, second_reviewer

BAD_QUERIES = [
    "year=99999", "year=-5", "year=abc", "year=0", "month=13", "month=abc", "page=0", "page=-1", "page=abc",
    "page=99999999999999999999", "page=999999", "date=2024-13-45", "from=9999-99-99", "to=abc", "sort=zzz",
    "category=abc", "category=99999999999999999999", "agency=nowhere", "document_type=zzz", "validity=zzz",
    "q=" + "长" * 300, "q=%00",
]  # fmt: skip


def _public_routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith(("staff/", "i18n/"))]


def _fill(route: str, slug: str, pk: int) -> str:
    route = route.replace("<slug:slug>", slug).replace("<slug:category>", "policy").replace("<str:code>", "en")
    route = route.replace("<int:year>", "2024").replace("<str:fmt>", "pdf")
    return "/" + re.sub(r"<int:\w+>", str(pk), route)


@pytest.fixture
def item(tree, alice, rob, ann):
    return publish(alice, tree["prefecture"], [rob, second_reviewer(tree["prefecture"]), ann])


def test_no_public_page_answers_bad_parameters_with_a_server_error(item):
    client = Client(raise_request_exception=False)
    failures = []
    for route in _public_routes():
        # Lists get every bad query; a page of one record gets an id past any integer column and a few queries.
        attempts = [(_fill(route, "qdn", item.pk), query) for query in BAD_QUERIES]
        if "<int:" in route:
            attempts = [(_fill(route, "qdn", 99999999999999999999), ""), *attempts[:: len(BAD_QUERIES) // 4]]
        for url, query in attempts:
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append((url, query, response.status_code))
    assert failures == []


def test_an_out_of_range_year_in_the_catalogue_is_a_clean_400(item, client):
    response = client.get("/catalogue/qdn/?year=99999")
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    assert client.get("/catalogue/qdn/?year=abc").status_code == 400
    assert client.get(f"/catalogue/qdn/?year={item.published_at.year}").status_code == 200
