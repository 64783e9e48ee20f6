"""Issue #15: the staff pages ask the database a fixed number of questions, however long a case's history or the
queue. Counted with CaptureQueriesContext (never timed): a page whose count grows with its rows slows down as the
agency's caseload grows, and 20 clerks working the queue at once made the portal miss its target."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.applications import services
from gongkai.applications.models import Application, PauseKind
from gongkai.applications.tests.factories import make_application
from gongkai.applications.tests.test_staff import TODAY, days_ago

# The whole request: session, user and roles, the case and its related rows, the clock, the header's to-do count,
# the actions' forms, the history and the panels other apps add (Article 44, online side, appeals, notices).
CASE_PAGE_MAX_QUERIES = 40
QUEUE_MAX_QUERIES = 20


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _of(case, sql: str) -> bool:
    """Whether a query reads rows of this one case (not the header's to-do count over the agency's cases)."""
    return f'"application_id" = {case.pk}' in sql or f'"application_id" IN ({case.pk})' in sql


def _busy(actor, application, rounds: int):
    """Give a case a long history of the kinds the case page lists: topics, withdrawn drafts, consultations."""
    for n in range(rounds):
        services.application_set_topics(actor=actor, application=application, topics=[f"主题{n}", "征地拆迁"])
        services.application_draft_reply(actor=actor, application=application, outcome="disclosed", detail=f"第{n}稿")
        services.application_withdraw_draft(actor=actor, application=application)
        services.application_start_consultation(
            actor=actor,
            application=application,
            on=TODAY,
            kind=PauseKind.THIRD_PARTY,
            party=f"第三方{n}",
            text="征求意见",
        )
        services.application_end_consultation(actor=actor, application=application, on=TODAY, result="同意公开")


@pytest.fixture
def client_of(login):
    return login


def test_the_case_page_asks_as_many_queries_for_a_long_history_as_for_a_short_one(client_of, alice, prefecture):
    """Each page seen once before (the header's count and the Article 44 panel are then read from the cache)."""
    short = make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])
    long = make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])
    _busy(alice, short, 1)
    _busy(alice, long, 8)
    client = client_of(alice)
    # Warm the per-process caches, and the panels' cached comparisons of each case (core.pagecache.cached_by_work).
    _queries(client, f"/staff/applications/{short.pk}/")
    cold = _queries(client, f"/staff/applications/{long.pk}/")
    assert cold <= CASE_PAGE_MAX_QUERIES, cold
    few = _queries(client, f"/staff/applications/{short.pk}/")
    many = _queries(client, f"/staff/applications/{long.pk}/")
    assert few == many
    assert many <= CASE_PAGE_MAX_QUERIES, (few, many)


def test_the_case_page_reads_each_related_kind_once(client_of, alice, prefecture):
    """The clock, the steps and each action's `possible` read the case's drafts, pauses, extensions, fees and
    letters from one prefetch, not one query each."""
    case = make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])
    client = client_of(alice)
    client.get(f"/staff/applications/{case.pk}/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/staff/applications/{case.pk}/").status_code == 200
    for table in ("applications_replydraft", "applications_clockpause", "applications_extension", "applications_fee"):
        reads = [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"] and _of(case, q["sql"])]
        # the online panel reads the corrections answered online again (with their files): pauses at most twice
        assert len(reads) <= (2 if table == "applications_clockpause" else 1), (table, reads)


def _unassigned_counts(client, url):
    """The page, and how many times it counted 新收到的申请 (the agency's open cases without a handler)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sql = '"applications_application"."handler_id" IS NULL)'
    return response, len([q for q in captured.captured_queries if q["sql"].endswith(sql)])


@pytest.mark.parametrize("page", ["case", "inbox"])
def test_the_header_to_do_count_is_counted_once_per_page(client_of, alice, prefecture, page):
    """The slot panels used to run the context processors again, and the to-do page counts the to-dos itself: the
    header's count is computed at most once, or taken from the to-do page's own count; between changes the case page
    takes it from the cache (gongkai.inbox.counts)."""
    case = make_application(alice, prefecture, days_ago(3))
    url = f"/staff/applications/{case.pk}/" if page == "case" else "/staff/inbox/"
    client = client_of(alice)
    response, first = _unassigned_counts(client, url)
    assert first == 1
    response, again = _unassigned_counts(client, url)
    assert again == (0 if page == "case" else 1)
    assert response.context["inbox_count"] >= 1  # the new case waits for a handler


def test_the_queue_asks_as_many_queries_for_fifty_rows_as_for_five(client_of, alice, prefecture, county, kim):
    for _ in range(5):
        make_application(alice, prefecture, days_ago(2))
    for _ in range(50):
        make_application(kim, county, days_ago(2))
    client = client_of(alice)
    client.get("/staff/applications/")  # warm the per-process caches
    few = _queries(client, "/staff/applications/")
    client = client_of(kim)  # a user of another agency (before, the login fixture kept alice signed in here)
    client.get("/staff/applications/")
    many = _queries(client, "/staff/applications/")
    assert few == many
    assert many <= QUEUE_MAX_QUERIES, (few, many)


FRAGMENT_MAX_QUERIES = 20


def test_a_folds_form_asks_as_many_queries_for_a_long_history_as_for_a_short_one(client_of, alice, prefecture):
    """The form a fold fetches when opened (staff_views.action_form): the case and its related rows, once."""
    short = make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])
    long = make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])
    _busy(alice, short, 1)
    _busy(alice, long, 8)
    client = client_of(alice)
    hx = {"HTTP_HX_REQUEST": "true"}
    counts = []
    for case in (short, short, long):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/staff/applications/{case.pk}/form/extension_request/", **hx).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[1] == counts[2] <= FRAGMENT_MAX_QUERIES, counts


def test_the_queue_asks_as_many_queries_for_a_second_page_as_for_a_first(client_of, alice, prefecture):
    for _ in range(60):
        make_application(alice, prefecture, days_ago(2))
    client = client_of(alice)
    client.get("/staff/applications/")  # warm the per-process caches, and keep the first page's rows
    cold = _queries(client, "/staff/applications/?page=2")  # rendered and kept (staff_views._kept_queue_rows)
    first = _queries(client, "/staff/applications/")
    second = _queries(client, "/staff/applications/?page=2")
    assert first == second <= cold <= QUEUE_MAX_QUERIES, (first, second, cold)


def test_numbers_go_on_past_9999_in_order(alice, prefecture):
    """Past 9999 a sequence has five digits: "QDN-2026-10000" sorts before "QDN-2026-9999" as text, so the
    greatest number is the longest first. Before, the 10,001st case of a year was refused (the number taken)."""
    first = make_application(alice, prefecture, days_ago(3))
    prefix = first.number.rsplit("-", 1)[0]
    Application.objects.filter(pk=first.pk).update(number=f"{prefix}-9999")
    assert make_application(alice, prefecture, days_ago(2)).number == f"{prefix}-10000"
    assert make_application(alice, prefecture, days_ago(1)).number == f"{prefix}-10001"
    other_year = make_application(alice, prefecture, days_ago(3).replace(year=days_ago(3).year - 1))
    assert other_year.number.endswith("-0001")


def test_numbering_a_new_case_reads_the_agencys_index_not_every_case_it_ever_had(alice, prefecture, query_plan):
    """A case's number is the agency's greatest of the year plus one: read from the index on (agency, number),
    newest first. Before, SQLite read every case of the agency and sorted them, on every new case."""
    make_application(alice, prefecture, days_ago(3))
    with CaptureQueriesContext(connection) as captured:
        make_application(alice, prefecture, days_ago(2))
    prefix = f" LIKE '{prefecture.slug.upper()}-"
    numbering = [q["sql"] for q in captured.captured_queries if prefix in q["sql"]]
    assert len(numbering) == 1, numbering
    plan = query_plan(numbering[0])
    assert "application_agency_number" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # (SQLite's and PostgreSQL's words for a sort)
