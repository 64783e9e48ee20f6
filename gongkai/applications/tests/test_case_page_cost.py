"""Issue #15: what keeps the case page and the queue cheap, and what the clerk must not lose by it.

- The folded actions (other things possible now) carry no form: opening one fetches its form (htmx) from
  `action_form`, which checks as the page does; without JavaScript the fold's link opens it on the page.
- The header's to-do count is kept between changes (gongkai.inbox.counts): a change in another session, or the
  nightly due-date scan, shows on the next page.
- The queue shows 50 cases a page, with the total, and keeps its filter across pages.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD
from gongkai.applications.models import AlertState, Application
from gongkai.applications.services import application_alerts_scan
from gongkai.applications.tests.factories import make_application
from gongkai.applications.tests.test_staff import act, days_ago
from gongkai.applications.tests.test_steps import folded

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def case(alice, prefecture):
    return make_application(alice, prefecture, days_ago(3), topics=["征地拆迁"])


def _form_url(case, name):
    return f"/staff/applications/{case.pk}/form/{name}/"


def _session(user) -> Client:
    """A browser of its own (another session), logged in through the login form."""
    client = Client()
    assert client.post("/staff/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_folded_action_shows_its_label_and_a_way_to_open_it_but_no_form(login, alice, case):
    page = login(alice).get(f"/staff/applications/{case.pk}/").content.decode()
    later = folded(page)
    assert 'id="fold-correction_request"' in later and "发出补正通知" in later
    assert 'name="correction_request-text"' not in page  # the form is not rendered until the fold is opened
    assert f'hx-get="{_form_url(case, "correction_request")}"' in later
    assert 'href="?open=correction_request#fold-correction_request"' in later  # without JavaScript


def test_opening_a_fold_fetches_only_that_actions_form(login, alice, case):
    response = login(alice).get(_form_url(case, "correction_request"), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="/staff/applications/{case.pk}/do/correction_request/"' in html
    assert 'name="correction_request-text"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "<html" not in html and "case-fold" not in html


def test_a_fold_works_without_javascript(login, alice, case):
    client = login(alice)
    # The fold's link: the case page again, that fold open with its form.
    page = client.get(f"/staff/applications/{case.pk}/?open=correction_request").content.decode()
    later = folded(page)
    assert '<details class="case-fold" id="fold-correction_request" open>' in later
    assert 'name="correction_request-text"' in later
    assert 'name="fee_notify-method"' not in page  # the other folds stay closed and empty
    # The fragment's address opened as a page (a new tab) leads to the same place.
    response = client.get(_form_url(case, "correction_request"))
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{case.pk}/?open=correction_request#fold-correction_request"


def test_the_form_fragment_refuses_whom_the_page_refuses(login, alice, kim, case):
    client = login(alice)
    # 批准延期 is the approver's: a clerk is refused, whatever the case's state.
    assert client.get(_form_url(case, "extension_approve"), **HX).status_code == 403
    # An action the case's state does not offer now, and one that does not exist, are not found.
    assert client.get(_form_url(case, "fee_paid"), **HX).status_code == 404
    assert client.get(_form_url(case, "no_such_action"), **HX).status_code == 404
    # Another agency's case is not found, as its page is not.
    other = _session(kim)
    assert other.get(f"/staff/applications/{case.pk}/").status_code == 404
    assert other.get(_form_url(case, "correction_request"), **HX).status_code == 404


def test_a_folded_form_posted_with_errors_comes_back_open_with_what_was_typed(login, alice, case):
    client = login(alice)
    response = act(client, case, "correction_request", period_days="7", text="")
    assert response.status_code == 400
    later = folded(response.content.decode())
    assert '<details class="case-fold" id="fold-correction_request" open>' in later
    assert 'name="correction_request-period_days" value="7"' in later
    assert 'class="errorlist' in later


def test_the_header_count_follows_a_change_made_in_another_session(login, alice, adam, case):
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    before = client.get(url).context["inbox_count"]
    assert client.get(url).context["inbox_count"] == before  # from the cache
    # The agency's administrator, in a session of their own, assigns the case: it leaves alice's 新收到的申请.
    assert act(_session(adam), case, "assign", handler=adam.pk).status_code == 302
    assert client.get(url).context["inbox_count"] == before - 1


def test_the_header_count_follows_the_nightly_due_date_scan(login, alice, adam, case):
    client = login(alice)
    act(client, case, "assign", handler=alice.pk)
    url = f"/staff/applications/{case.pk}/"
    before = client.get(url).context["inbox_count"]
    administrator = _session(adam)
    administrators_before = administrator.get(url).context["inbox_count"]
    case.refresh_from_db()
    # The scan is not audited (a state derived from the date), yet it changes 即将到期或已超期的申请: the
    # administrator sees every case due, so alice's case is one more thing for them; alice counted it already.
    moved = application_alerts_scan(today=case.due_on)
    assert [a.pk for a, _state in moved] == [case.pk]
    assert administrator.get(url).context["inbox_count"] == administrators_before + 1
    assert client.get(url).context["inbox_count"] == before


def test_the_queue_shows_fifty_cases_a_page_with_the_total(login, alice, prefecture):
    for _ in range(53):
        make_application(alice, prefecture, days_ago(2))
    client = login(alice)
    first = client.get("/staff/applications/")
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert "共 53 件申请" in html and "第 1–50 件" in html
    assert 'href="?page=2"' in html and '<th scope="col">申请编号</th>' in html
    second = client.get("/staff/applications/?page=2")
    assert len(second.context["rows"]) == 3
    # A page past the end shows the last one.
    assert len(client.get("/staff/applications/?page=99").context["rows"]) == 3


def test_the_queue_keeps_its_filter_across_pages(login, alice, prefecture):
    for _ in range(52):
        make_application(alice, prefecture, days_ago(2))
    for _ in range(3):
        make_application(alice, prefecture, days_ago(1))
    soon = Application.objects.order_by("pk")[:52].values_list("pk", flat=True)
    Application.objects.filter(pk__in=list(soon)).update(alert_state=AlertState.DUE_SOON)
    client = login(alice)
    html = client.get("/staff/applications/?state=due_soon").content.decode()
    assert "共 52 件申请" in html
    assert 'href="?state=due_soon&amp;page=2"' in html
    second = client.get("/staff/applications/?state=due_soon&page=2")
    assert [a.alert_state for a in second.context["rows"]] == [AlertState.DUE_SOON] * 2
    assert second.context["state"] == "due_soon"


def test_the_article_44_panel_is_compared_once_and_again_after_a_change(login, alice, adam, prefecture):
    """The panel's comparisons are kept between changes of the agency's work: a second view compares nothing, and
    a similar case registered by someone else shows on the next view."""
    case = make_application(alice, prefecture, days_ago(3), title="2023年度部门预算公开情况说明")
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"
    assert 'id="similar-requests"' not in client.get(url).content.decode()

    def compares(response_queries):
        return [q for q in response_queries if 'AS "document_number" FROM' in q["sql"]]

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert compares(captured.captured_queries) == []  # from the cache
    other = make_application(adam, prefecture, days_ago(2), title="2023年度部门预算公开情况")
    page = client.get(url).content.decode()
    assert 'id="similar-requests"' in page and other.number in page


def test_the_assign_forms_handlers_are_kept_and_a_new_role_shows_on_the_next_visit(login, alice, adam, prefecture):
    """Issue #15: the first step's form of a new case offers the agency's staff who may handle it, read once and
    kept under the work tokens; a role granted (audited) shows on the next visit, and a posted choice is still
    checked against the staff as they are."""
    from conftest import make_user
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import role_grant

    case = make_application(alice, prefecture, days_ago(1))
    client = login(alice)
    url = f"/staff/applications/{case.pk}/"

    def handlers(page: str) -> str:
        return page.split('name="assign-handler"')[1].split("</select>")[0]

    first = handlers(client.get(url).content.decode())
    assert "张敏" in first and "陈静" in first and '<option value="" selected>' in first
    with CaptureQueriesContext(connection) as captured:
        assert handlers(client.get(url).content.decode()) == first
    assert not [q for q in captured.captured_queries if 'SELECT DISTINCT "accounts_user"' in q["sql"]]
    newcomer = make_user("newcomer", full_name="赵新")
    assert "赵新" not in handlers(client.get(url).content.decode())
    role_grant(actor=adam, user=newcomer, agency=prefecture, role=Role.CLERK)
    assert f'<option value="{newcomer.pk}">赵新</option>' in handlers(client.get(url).content.decode())
    outsider = make_user("outsider", full_name="钱外")
    response = act(client, case, "assign", handler=outsider.pk)
    assert Application.objects.get(pk=case.pk).handler_id is None and response.status_code == 400
    assert "钱外" not in handlers(response.content.decode())  # refused with the form, the kept choices shown
    response = act(client, case, "assign", handler=newcomer.pk)
    assert Application.objects.get(pk=case.pk).handler_id == newcomer.pk
