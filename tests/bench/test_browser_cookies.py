"""The load benchmark's cookie jar (bench/browser_cookies.py) sends what `http.cookiejar` sends, for the cookies
this platform sets: a lighter load generator must not change the requests the server sees (issue #15)."""

import http.client
import http.cookiejar
import importlib.util
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from django.http import HttpResponse

_spec = importlib.util.spec_from_file_location(
    "browser_cookies", Path(__file__).resolve().parents[2] / "bench" / "browser_cookies.py"
)
browser_cookies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_cookies)

HOST = "http://127.0.0.1:8765"


def _request(path: str) -> urllib.request.Request:
    """A request object for `http.cookiejar` to read (never opened)."""
    return urllib.request.Request(HOST + path)  # noqa: S310 - a fixed http URL, not opened


class _Answer:
    """What `http.cookiejar.CookieJar.extract_cookies` reads of an answer: its headers."""

    def __init__(self, set_cookies: list[str]):
        self.message = http.client.HTTPMessage()
        for value in set_cookies:
            self.message["Set-Cookie"] = value

    def info(self) -> Message:
        return self.message


def _set_cookie_headers(response: HttpResponse) -> list[str]:
    return [morsel.OutputString() for morsel in response.cookies.values()]


def _both(steps):
    """Feed the same answers to both jars; after each, the Cookie header each sends for every path asked."""
    reference = http.cookiejar.CookieJar()
    ours = browser_cookies.BrowserCookies()
    seen = []
    for request_path, response, asked in steps:
        headers = _set_cookie_headers(response)
        reference.extract_cookies(_Answer(headers), _request(request_path))
        ours.keep(headers, request_path)
        for path in asked:
            request = _request(path)
            reference.add_cookie_header(request)
            seen.append((path, request.get_header("Cookie"), ours.header_for(path)))
    return seen


def _response(*cookies, delete=()):
    response = HttpResponse()
    for name, value, options in cookies:
        response.set_cookie(name, value, **options)
    for name, options in delete:
        response.delete_cookie(name, **options)
    return response


PATHS = ["/", "/apply/qdn/", "/apply/submitted/", "/apply/submitted/x", "/apply/submittedx", "/track/", "/staff/"]


@pytest.mark.parametrize(
    "steps",
    [
        # The visit cookie, then a session and a CSRF cookie, then a receipt on its own path (the online form).
        [
            ("/", _response(("gk_returning", "1", {"max_age": 31536000, "httponly": True, "samesite": "Lax"})), PATHS),
            (
                "/apply/qdn/",
                _response(
                    ("csrftoken", "abcDEF123", {"max_age": 31449600, "samesite": "Lax"}),
                    ("sessionid", "s3ss10n", {"max_age": 28800, "httponly": True}),
                ),
                PATHS,
            ),
            ("/apply/qdn/", _response(("gk_receipt", "eyJ4IjoxfQ:1t:sig", {"path": "/apply/submitted/"})), PATHS),
        ],
        # A value set again keeps its place; a deleted cookie (Max-Age=0 and an Expires in 1970) is no longer sent.
        [
            ("/", _response(("a", "1", {}), ("b", "2", {})), PATHS),
            ("/", _response(("a", "3", {})), PATHS),
            ("/", _response(delete=[("a", {})]), PATHS),
            ("/staff/", _response(delete=[("b", {"path": "/"})]), PATHS),
        ],
        # No Path: the request's directory; a Secure cookie is never sent over plain HTTP.
        [
            ("/apply/qdn/form", _response(("dir", "d", {})), PATHS + ["/apply/qdn/", "/apply/qdn"]),
            ("/track/", _response(("safe", "s", {"secure": True}), ("plain", "p", {"path": "/track"})), PATHS),
            ("/", _response(("expired", "e", {"expires": "Thu, 01 Jan 1970 00:00:00 GMT"})), PATHS),
        ],
    ],
    ids=["the platform's cookies", "set again and deleted", "default path, secure, expired"],
)
def test_sends_what_http_cookiejar_sends(steps):
    for path, reference, ours in _both(steps):
        assert ours == reference, path


def test_the_cases_above_send_cookies_at_all():
    """The comparison above is not between two empty headers."""
    seen = _both([("/", _response(("a", "1", {}), ("b", "2", {"path": "/apply/"})), ["/apply/x"])])
    assert seen == [("/apply/x", "b=2; a=1", "b=2; a=1")]


def test_clear_forgets_every_cookie():
    ours = browser_cookies.BrowserCookies()
    ours.keep(["a=1; Path=/"], "/")
    ours.clear()
    assert ours.header_for("/") is None
