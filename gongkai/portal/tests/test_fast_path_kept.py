"""Kept pages with holes on the fast path (issue #15): a case's tracking page and the blank application form,
once the full stack has answered a request with one, are answered again before Django: the same page, each
visitor with a CSRF token (and a submission key) of their own that Django then accepts, never stale, counted.

Through the WSGI application, as test_fast_path.py does (Django's test client bypasses the WSGI layer).
"""

import io
import re
from urllib.parse import urlencode

import pytest
from django.middleware.csrf import _unmask_cipher_token

from gongkai.analytics.models import Hit
from gongkai.applications.forms import OnlineApplicationForm
from gongkai.applications.models import Application
from gongkai.applications.services import application_submit_online
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.portal.tests.test_fast_path import PER_RESPONSE, get

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
TRACK = "/applications/track/"


@pytest.fixture
def case(app, prefecture):
    # Through the service, not Django's test client: the client connects Django's handler to the request
    # signals again after each request, which would close the test's database connection here.
    form = OnlineApplicationForm(data=form_data())
    assert form.is_valid(), form.errors
    application, _created = application_submit_online(
        agency=prefecture, applicant=form.applicant_data(), request=form.request_data(), submission_key="k-1"
    )
    return application


def cookie_value(headers: dict, name: str) -> str:
    cookies = [c.strip() for c in headers.get("set-cookie", [])]
    values = [c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith(name + "=")]
    assert len(values) == 1, headers.get("set-cookie")
    return values[0]


def post(app, path: str, data: dict, *, cookie: str, **headers):
    body = urlencode(data).encode()
    return get(
        app, path, cookie=cookie, REQUEST_METHOD="POST", CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)), HTTP_REFERER=f"https://testserver{path}", **{"wsgi.input": io.BytesIO(body)},
        **headers,
    )  # fmt: skip


def without_tokens(body: bytes) -> str:
    return KEY.sub("", TOKEN.sub("", body.decode()))


def test_a_tracking_page_is_answered_again_before_django_with_a_token_that_django_accepts(app, case):
    query = f"code={case.tracking_code}"
    status, through_django, body = get(app, TRACK, query=query)
    assert status == 200 and app.application.calls == 1 and case.number in body.decode()
    status, fast, fast_body = get(app, TRACK, query=query)
    assert app.application.calls == 1, "answered before Django"
    assert status == 200 and fast["x-page-cache"] == ["kept"]
    assert without_tokens(fast_body) == without_tokens(body)
    assert TOKEN.search(fast_body.decode())[1] != TOKEN.search(body.decode())[1]
    # Every header of the full stack's answer is there (private caching, CSP, frame options, language, Vary...),
    # and none it does not send.
    for name, values in through_django.items():
        if name not in PER_RESPONSE:
            assert fast.get(name) == values, name
    assert fast["vary"] == through_django["vary"] and fast["cache-control"] == ["private, no-cache"]
    assert set(fast) - set(through_django) == {"x-page-cache"}
    assert fast["content-length"] == [str(len(fast_body))]
    # A new visitor gets the CSRF cookie as from Django, and the page's token is one of that secret.
    secret = cookie_value(fast, "csrftoken")
    token = TOKEN.search(fast_body.decode())[1]
    assert _unmask_cipher_token(token) == secret
    # Django accepts that token with that cookie: the look-up by case number on the same page finds the case.
    status, _headers, found = post(
        app, TRACK, {"csrfmiddlewaretoken": token, "number": case.number, "suffix": "512345"},
        cookie=f"csrftoken={secret}",
    )  # fmt: skip
    assert status == 200 and case.tracking_code in found.decode()


def test_a_visitor_who_has_a_csrf_cookie_keeps_its_secret(app, case):
    query = f"code={case.tracking_code}"
    secret = cookie_value(get(app, TRACK, query=query)[1], "csrftoken")
    status, fast, body = get(app, TRACK, query=query, cookie=f"csrftoken={secret}; gk_returning=1")
    assert status == 200 and fast["x-page-cache"] == ["kept"] and app.application.calls == 1
    assert cookie_value(fast, "csrftoken") == secret  # sent again, as Django does whenever a token is used
    assert _unmask_cipher_token(TOKEN.search(body.decode())[1]) == secret
    # A malformed cookie is replaced by a new secret, as Django replaces it.
    status, fast, body = get(app, TRACK, query=query, cookie="csrftoken=not-a-secret")
    assert status == 200 and fast["x-page-cache"] == ["kept"]
    new = cookie_value(fast, "csrftoken")
    assert new != "not-a-secret" and _unmask_cipher_token(TOKEN.search(body.decode())[1]) == new


def test_a_change_of_the_case_goes_through_django_at_once(app, case):
    query = f"code={case.tracking_code}"
    get(app, TRACK, query=query), get(app, TRACK, query=query)
    calls = app.application.calls
    case.title = "2024年凯里经济开发区征地补偿标准（更正）"
    case.save()  # any saved row the page shows gives the case a new version (tracking.py)
    status, headers, body = get(app, TRACK, query=query)
    assert app.application.calls == calls + 1 and "x-page-cache" not in headers
    assert "（更正）" in body.decode()
    status, headers, body = get(app, TRACK, query=query)
    assert app.application.calls == calls + 1 and headers["x-page-cache"] == ["kept"] and "（更正）" in body.decode()


def test_an_address_over_its_limit_a_session_or_a_post_goes_to_django(app, case, settings):
    query = f"code={case.tracking_code}"
    get(app, TRACK, query=query), get(app, TRACK, query=query)
    calls = app.application.calls
    get(app, TRACK, query=query, cookie="sessionid=abc")
    assert app.application.calls == calls + 1
    settings.TRACK_FAILURES_PER_ADDRESS = 2
    for wrong in ("0000000000000000", "1111111111111111"):
        assert get(app, TRACK, query=f"code={wrong}", REMOTE_ADDR="198.51.100.7")[0] == 200  # not found: counted
    calls = app.application.calls
    status, headers, _body = get(app, TRACK, query=query, REMOTE_ADDR="198.51.100.7")
    assert status == 429 and app.application.calls == calls + 1, "refused by the view, as without the fast path"
    status, headers, _body = get(app, TRACK, query=query, REMOTE_ADDR="198.51.100.8")
    assert status == 200 and headers["x-page-cache"] == ["kept"]


def test_views_on_the_fast_path_are_counted_like_the_full_stacks(app, case):
    query = f"code={case.tracking_code}"
    get(app, TRACK, query=query)
    status, headers, _body = get(app, TRACK, query=query)
    assert headers["x-page-cache"] == ["kept"] and any(
        c.strip().startswith("gk_returning=1;") for c in headers["set-cookie"]
    )
    status, headers, _body = get(app, TRACK, query=query, cookie="gk_returning=1")
    assert not any(c.strip().startswith("gk_returning") for c in headers["set-cookie"])
    get(app, TRACK, query=query, agent="Mozilla/5.0 (compatible; Baiduspider/2.0)")  # served, not counted
    hits = list(Hit.objects.order_by("id").values_list("agency_id", "path", "is_new_visitor"))
    assert len(hits) == 3 and hits[1:] == [(hits[0][0], TRACK, True), (hits[0][0], TRACK, False)]
    assert hits[0][:2] == (hits[1][0], TRACK)


def test_the_blank_form_is_answered_before_django_with_a_key_and_token_of_each_visitors_own(app, prefecture):
    url = apply_url(prefecture)
    status, through_django, body = get(app, url)
    assert status == 200 and app.application.calls == 1
    status, fast, fast_body = get(app, url)
    assert app.application.calls == 1 and fast["x-page-cache"] == ["kept"]
    assert without_tokens(fast_body) == without_tokens(body)
    assert KEY.search(fast_body.decode())[1] != KEY.search(body.decode())[1]
    assert set(fast) - set(through_django) == {"x-page-cache"}
    # The English form is another page: rendered once by Django, then kept too.
    english = get(app, url, cookie="django_language=en")
    assert app.application.calls == 2 and ">Name" in english[2].decode()
    assert get(app, url, cookie="django_language=en")[1]["x-page-cache"] == ["kept"]
    # Sending the form from the fast path makes the case.
    page = fast_body.decode()
    data = form_data(submission_key=KEY.search(page)[1], csrfmiddlewaretoken=TOKEN.search(page)[1])
    status, headers, _body = post(app, url, data, cookie=f"csrftoken={cookie_value(fast, 'csrftoken')}")
    assert status == 302, _body.decode()[:2000]
    assert Application.objects.get().submission_key == KEY.search(page)[1]
