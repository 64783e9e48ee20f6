"""The receipt page right after submitting (views.submitted, views.ReceiptFacts): answered from the signed cookie's
facts while the case is as it was submitted, and from the case itself once anything of it has changed."""

import datetime as dt

import pytest
from django.core import signing
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.agencies.services import agency_update
from gongkai.applications import services, tracking
from gongkai.applications.models import Application
from gongkai.applications.tests.test_public import apply_url, form_data
from gongkai.applications.views import RECEIPT_COOKIE, RECEIPT_SALT

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")
RECEIPT = "/applications/submitted/"
CASE_TABLES = ("applications_application", "applications_clockpause", "applications_extension", "agencies_agency")


def _tables_read(client, url=RECEIPT) -> tuple[str, set[str]]:
    contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
    for context in contexts:
        context.__enter__()
    try:
        page = client.get(url)
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    assert page.status_code == 200
    sql = " ".join(q["sql"] for context in contexts for q in context.captured_queries)
    return page.content.decode(), {table for table in CASE_TABLES if table in sql}


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("which", ["prefecture", "county"])
def test_right_after_submitting_the_receipt_reads_no_row_of_the_case_and_shows_what_reading_it_shows(
    client, tree, which
):
    """Issue #15: the case, its agency, its pauses and its extensions were three queries, a third of the page.
    A county's page frame names its site's agency above it (an ancestor): read only when the frame is rendered."""
    client.post(apply_url(tree[which]), form_data())
    application = Application.objects.get()
    client.get(RECEIPT)  # this process reads the agency once
    page, read = _tables_read(client)
    assert read == set()
    assert application.number in page and application.tracking_code in page
    assert timezone.localdate().strftime("%Y年%-m月%-d日") in page
    # The same page as when the case is read (a new version, nothing else changed, makes the view read it).
    tracking.case_changed(application.pk)
    again, read = _tables_read(client)
    assert "applications_application" in read
    assert _main(again) == _main(page)


def test_a_correction_request_after_submitting_shows_on_the_receipt_at_once(client, prefecture, alice):
    """条例 第三十条: a correction stops the clock; the receipt says so on the next visit (a new pause row gives the
    case a new version; without that check the page would still show the deadline counted at submission)."""
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    before = client.get(RECEIPT).content.decode()
    due = application.due_on.strftime("%Y年%-m月%-d日")
    assert f'id="due-on">{due}' in before
    services.application_request_correction(
        actor=alice, application=application, on=timezone.localdate(), text="请补正。"
    )  # fmt: skip
    after = client.get(RECEIPT).content.decode()
    assert 'id="due-on">计时中止' in after and f'id="due-on">{due}' not in after


def test_the_agencys_new_office_phone_shows_on_the_next_receipt(client, prefecture, alice):
    client.post(apply_url(prefecture), form_data())
    client.get(RECEIPT)
    agency_update(actor=alice, agency=prefecture, office_phone="0855-1234567")
    assert "0855-1234567" in client.get(RECEIPT).content.decode()


def test_a_made_or_changed_cookie_shows_no_case(client, prefecture):
    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    signed = client.cookies[RECEIPT_COOKIE].value
    facts = signing.loads(signed, salt=RECEIPT_SALT)
    payload, stamp, signature = signed.rsplit(":", 2)
    tampered = payload[:-1] + ("A" if payload[-1] != "A" else "B") + f":{stamp}:{signature}"
    made = signing.dumps([application.pk, *facts[1:]], salt="another salt")
    for value in (str(application.pk), tampered, made, signed[:-2] + "xx", ""):
        client.cookies[RECEIPT_COOKIE] = value
        response = client.get(RECEIPT)
        assert response.status_code == 302 and response["Location"] == "/", value


def test_a_cookie_set_before_the_facts_were_kept_still_shows_its_receipt(client, prefecture):
    """An applicant whose receipt cookie was set by the release before (the case's id alone) keeps the receipt
    until the cookie lapses."""
    from django.http import HttpResponse

    client.post(apply_url(prefecture), form_data())
    application = Application.objects.get()
    old = HttpResponse()
    old.set_signed_cookie(RECEIPT_COOKIE, str(application.pk), salt=RECEIPT_SALT)
    client.cookies[RECEIPT_COOKIE] = old.cookies[RECEIPT_COOKIE].value
    page = client.get(RECEIPT)
    assert page.status_code == 200 and application.tracking_code in page.content.decode()


def test_the_cookie_lapses_after_eight_hours(client, prefecture):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        client.post(apply_url(prefecture), form_data())
    with time_machine.travel(dt.datetime(2026, 3, 2, 16, 59, tzinfo=dt.UTC), tick=False):
        assert client.get(RECEIPT).status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 2, 17, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(RECEIPT)["Location"] == "/"


def test_the_pages_frame_is_kept_and_the_page_is_the_one_rendered_whole(client, prefecture, settings):
    """Issue #15: the header, navigation and footer are the same for every receipt of an agency in a language,
    so they are rendered once per process (kept.receipt_page) and each receipt put into them."""
    client.post(apply_url(prefecture), form_data())
    first = client.get(RECEIPT)
    again = client.get(RECEIPT)
    rendered = [t.name for t in again.templates]
    assert "applications/_receipt.html" in rendered and "portal/base.html" not in rendered
    assert "portal/base.html" in [t.name for t in first.templates]
    # A visitor with a session gets the page rendered whole for them: the same page.
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    whole = client.get(RECEIPT)
    assert "portal/base.html" in [t.name for t in whole.templates]
    assert whole.content == again.content == first.content


def test_a_new_agency_name_and_another_language_get_their_own_frame(client, prefecture, alice, settings):
    client.post(apply_url(prefecture), form_data())
    client.get(RECEIPT)
    agency_update(actor=alice, agency=prefecture, name="黔东南苗族侗族自治州人民政府")
    page = client.get(RECEIPT).content.decode()
    assert page.count("黔东南苗族侗族自治州人民政府") >= 2  # the header and the receipt's 受理机关
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(RECEIPT).content.decode()
    assert 'lang="en"' in english and "申请已提交" not in english
