"""The fast path in front of Django answers a cached page as the full stack did, still never stale, still counted.

These tests call the WSGI application itself (config/wsgi.py wraps Django's handler the same way), since
Django's test client bypasses the WSGI layer.
"""

import io
import sys

import pytest

from gongkai.analytics.models import Hit
from gongkai.catalogue.services import item_correct, item_withdraw
from gongkai.catalogue.tests.factories import publish, second_reviewer

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
# Headers that differ from answer to answer by design.
PER_RESPONSE = {"date", "content-length", "set-cookie", "x-page-cache", "vary"}


def get(app, path, *, query="", cookie="", agent=BROWSER, **headers):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "443", "HTTP_HOST": "testserver", "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "REMOTE_ADDR": "203.0.113.9",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": agent, "HTTP_COOKIE": cookie, **headers,
    }  # fmt: skip
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), response_headers

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    headers = {}
    for name, value in answer["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return answer["status"], headers, body


@pytest.fixture
def published(prefecture, alice, rob, ann):
    return publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])


def test_a_page_served_from_the_cache_is_answered_again_without_django_byte_for_byte(app, prefecture, published):
    url = f"/catalogue/{prefecture.slug}/"
    status, through_django, body = get(app, url)  # rendered and stored through the whole stack: remembered
    assert status == 200 and through_django["x-page-cache"] == ["miss"] and app.application.calls == 1
    status, fast, fast_body = get(app, url, cookie="gk_returning=1")
    assert app.application.calls == 1, "answered before Django"
    assert status == 200 and fast["x-page-cache"] == ["hit"] and fast_body == body
    assert published.title in fast_body.decode()
    # Every header of the full stack's answer (CSP, frame and content-type options, language, ETag...) is there.
    for name, values in through_django.items():
        if name not in PER_RESPONSE:
            assert fast.get(name) == values, name
    assert fast["content-length"] == [str(len(body))]
    # No header the full stack does not send: the server adds Date to every answer (a second one is invalid).
    assert set(fast) - set(through_django) == set(), set(fast) - set(through_django)


def test_publishing_withdrawing_and_correcting_show_at_once_on_the_fast_path(
    app, prefecture, alice, rob, ann, published
):
    lists, item_url = f"/catalogue/{prefecture.slug}/", f"/catalogue/items/{published.pk}/"
    for _ in range(3):
        get(app, lists), get(app, item_url)
    calls = app.application.calls
    get(app, lists), get(app, item_url)
    assert app.application.calls == calls
    newer = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann], title="关于开展2024年防汛演练的通知")
    status, headers, body = get(app, lists)
    assert f"/catalogue/items/{newer.pk}/" in body.decode() and headers["x-page-cache"] == ["miss"]
    item_correct(actor=ann, item=published, correction_note="更正标题", title="关于做好春季森林防火工作的通知（更正）")
    assert "（更正）" in get(app, item_url)[2].decode()
    item_withdraw(actor=ann, item=published, reason="内容有误")
    assert get(app, item_url)[0] == 404
    assert f"/catalogue/items/{published.pk}/" not in get(app, lists)[2].decode()


def test_every_view_on_the_fast_path_is_counted_like_the_full_stacks(app, prefecture, published):
    url = f"/agencies/{prefecture.slug}/"
    get(app, url), get(app, url)
    calls, counted = app.application.calls, Hit.objects.count()
    assert counted == 2
    status, headers, _body = get(app, url)  # a new visitor: counted as new, and told it has been here
    assert status == 200 and app.application.calls == calls
    assert headers["set-cookie"][0].startswith("gk_returning=1;") and "HttpOnly" in headers["set-cookie"][0]
    status, headers, _body = get(app, url, cookie="gk_returning=1")  # a returning visitor: no cookie again
    assert "set-cookie" not in headers
    get(app, url, agent="Mozilla/5.0 (compatible; Baiduspider/2.0)")  # a crawler: served, not counted
    assert app.application.calls == calls
    hits = list(Hit.objects.order_by("id").values_list("agency_id", "path", "is_new_visitor"))
    assert len(hits) == counted + 2
    assert hits[-2:] == [(prefecture.pk, url, True), (prefecture.pk, url, False)]


def test_visitors_with_a_session_and_requests_other_than_get_go_to_django(app, prefecture, published):
    url = f"/catalogue/{prefecture.slug}/"
    get(app, url), get(app, url)
    calls = app.application.calls
    status, headers, _body = get(app, url, cookie="sessionid=abc")
    assert app.application.calls == calls + 1 and "x-page-cache" not in headers
    get(app, url, REQUEST_METHOD="HEAD")
    assert app.application.calls == calls + 2


def test_a_revalidation_gets_304_on_the_fast_path(app, prefecture, published):
    url = f"/catalogue/items/{published.pk}/"
    get(app, url)
    etag = get(app, url)[1]["etag"][0]
    calls = app.application.calls
    status, headers, body = get(app, url, HTTP_IF_NONE_MATCH=etag)
    assert (status, body, app.application.calls) == (304, b"", calls) and headers["etag"] == [etag]


def test_two_visitors_get_the_same_bytes_with_no_token_or_session(app, prefecture, published):
    url = f"/catalogue/{prefecture.slug}/"
    get(app, url), get(app, url)
    one, two = get(app, url, REMOTE_ADDR="198.51.100.1"), get(app, url, REMOTE_ADDR="198.51.100.2")
    assert one[2] == two[2] and b"csrfmiddlewaretoken" not in one[2] and b"sessionid" not in one[2]
    assert all("csrftoken" not in c and "sessionid" not in c for c in one[1].get("set-cookie", []))


def test_on_one_machine_a_page_from_the_fast_path_asks_the_database_nothing_until_something_changes(
    app, settings, tmp_path, prefecture, alice, rob, ann, published
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.core.pagecache import forget_tokens

    settings.GONGKAI_PAGE_VERSIONS_FILE = str(tmp_path / "page-versions")
    forget_tokens()
    lists = f"/catalogue/{prefecture.slug}/"
    for _ in range(3):
        get(app, lists, cookie="gk_returning=1")
    with CaptureQueriesContext(connection) as queries:
        status, headers, _body = get(app, lists, cookie="gk_returning=1")
    assert status == 200 and headers["x-page-cache"] == ["hit"]
    # Only the page view is written (at once in tests: ANALYTICS_HIT_BATCH = 1); no version is read.
    assert [q["sql"] for q in queries.captured_queries if "_cache" in q["sql"]] == []
    newer = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann], title="关于开展2024年防汛演练的通知")
    status, headers, body = get(app, lists, cookie="gk_returning=1")
    assert f"/catalogue/items/{newer.pk}/" in body.decode() and headers["x-page-cache"] == ["miss"]


def test_the_fast_path_answers_gzip_to_a_browser_that_accepts_it_and_plain_to_one_that_does_not(
    app, prefecture, published
):
    import gzip

    url = f"/catalogue/{prefecture.slug}/"
    _status, through_django, body = get(app, url)
    status, fast, packed = get(app, url, cookie="gk_returning=1", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert app.application.calls == 1, "answered before Django"
    assert status == 200 and fast["content-encoding"] == ["gzip"] and gzip.decompress(packed) == body
    assert fast["content-length"] == [str(len(packed))] and fast["vary"] == through_django["vary"]
    assert "Accept-Encoding" in fast["vary"][0] and fast["etag"] != through_django["etag"]
    status, plain, plain_body = get(app, url, cookie="gk_returning=1")
    assert status == 200 and "content-encoding" not in plain and plain_body == body
    status, revalidated, _ = get(app, url, cookie="gk_returning=1", HTTP_ACCEPT_ENCODING="gzip",
                                 HTTP_IF_NONE_MATCH=fast["etag"][0])  # fmt: skip
    assert status == 304 and app.application.calls == 1
