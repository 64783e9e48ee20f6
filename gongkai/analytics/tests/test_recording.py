"""Portal hits are counted without storing any identifier of the visitor, and bots and staff are not counted."""

import datetime as dt

import pytest
from django.db import connection

from gongkai.analytics.middleware import RETURNING_COOKIE
from gongkai.analytics.models import DailySalt, Hit
from gongkai.analytics.services import daily_salt, visitor_digest

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
ADDRESS = "203.0.113.77"


def visit(client, url, *, address=ADDRESS, agent=BROWSER, **extra):
    return client.get(url, REMOTE_ADDR=address, HTTP_USER_AGENT=agent, secure=True, **extra)


def test_a_portal_page_view_is_recorded_without_the_address_or_browser_string(client, tree):
    response = visit(client, "/")
    assert response.status_code == 200
    hit = Hit.objects.get()
    assert hit.agency == tree["prefecture"] and hit.path == "/" and hit.is_new_visitor
    assert len(hit.visitor) == 32 and int(hit.visitor, 16) >= 0
    # Nothing in the raw table, whatever the column, holds the address or the browser string.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM analytics_hit")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert ADDRESS not in stored and "Mozilla" not in stored and "Chrome" not in stored


def test_the_returning_cookie_holds_no_identifier_and_makes_the_next_view_not_new(client, tree):
    first = visit(client, "/")
    cookie = first.cookies[RETURNING_COOKIE]
    assert cookie.value == "1" and cookie["httponly"]
    visit(client, "/agencies/")
    assert list(Hit.objects.order_by("id").values_list("is_new_visitor", flat=True)) == [True, False]
    other = visit(client.__class__(), "/", address="198.51.100.5")
    assert other.cookies[RETURNING_COOKIE].value == "1"  # the same value for everyone


def test_the_same_visitor_has_one_digest_a_day_and_an_unrelated_one_the_next_day(db):
    today, tomorrow = dt.date(2024, 5, 6), dt.date(2024, 5, 7)
    a = visitor_digest(salt=daily_salt(today), client_address=ADDRESS, user_agent=BROWSER)
    again = visitor_digest(salt=daily_salt(today), client_address=ADDRESS, user_agent=BROWSER)
    other_day = visitor_digest(salt=daily_salt(tomorrow), client_address=ADDRESS, user_agent=BROWSER)
    other_person = visitor_digest(salt=daily_salt(today), client_address="198.51.100.5", user_agent=BROWSER)
    assert a == again and a != other_day and a != other_person
    assert DailySalt.objects.filter(day=today).get().salt != DailySalt.objects.filter(day=tomorrow).get().salt


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Sogou web spider/4.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0 Safari/537.36",
        "",
    ],
)
def test_bots_and_scripts_are_not_counted(client, tree, agent):
    assert visit(client, "/", agent=agent).status_code == 200
    assert not Hit.objects.exists()


def test_each_agency_page_counts_for_that_agencys_section_and_searches_are_kept(client, tree):
    visit(client, "/agencies/qdn-czj/", data={"q": " 财政预算 "})
    visit(client, "/agencies/kaili/")
    assert list(Hit.objects.order_by("id").values_list("agency__slug", "search_term")) == [
        ("qdn-czj", "财政预算"),
        ("kaili", ""),
    ]


def test_staff_pages_missing_pages_and_logged_in_staff_are_not_counted(client, tree, alice, login):
    assert visit(client, "/agencies/no-such-agency/").status_code == 404
    visit(client, "/staff/login/")
    login(alice)
    visit(client, "/")
    assert not Hit.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("征地拆迁", "征地拆迁"),
        ("  征地   拆迁 ", "征地 拆迁"),
        ("522601199001011234 低保", "****************** 低保"),
        ("52260119900101123X", "******************"),
        ("电话13985512345", "电话***********"),
        ("2024年预算", "2024年预算"),
    ],
)
def test_numbers_that_could_identify_a_searcher_are_masked_before_storing(client, tree, typed, stored):
    visit(client, "/", data={"q": typed})
    assert Hit.objects.get().search_term == stored
