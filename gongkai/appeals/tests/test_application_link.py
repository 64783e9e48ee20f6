"""An application shows its appeals; an appeal shows the application and its reply letter; deadlines in the queue."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongkai.appeals import services
from gongkai.appeals.models import Reconsideration
from gongkai.applications.tests.factories import make_application, reply

D = dt.date


@pytest.fixture
def answered(prefecture, alice):
    application = make_application(alice, prefecture, D(2024, 3, 4), title="凯里市某地块征收补偿方案")
    reply(alice, application, outcome="unavailable_not_held", on=D(2024, 3, 20))
    return application


def test_the_applications_page_lists_its_appeals_and_the_appeal_links_back(answered, alice, login):
    case = services.reconsideration_register(
        actor=alice, agency=answered.agency, applicant_name="杨某", organ="贵州省人民政府", subject="不服答复",
        filed_on=D(2024, 4, 1), received_on=D(2024, 4, 3), application=answered,
    )  # fmt: skip
    suit = services.lawsuit_register(
        actor=alice, agency=answered.agency, plaintiff="杨某", court="凯里市人民法院", subject="撤销答复",
        filed_on=D(2024, 6, 1), served_on=D(2024, 6, 3), reconsideration=case,
    )  # fmt: skip
    assert suit.application == answered  # inherited from the reconsideration
    client = login(alice)
    page = client.get(f"/staff/applications/{answered.pk}/").content.decode()
    assert "行政复议和行政诉讼" in page
    assert f"/staff/appeals/reconsiderations/{case.pk}/" in page and f"/staff/appeals/lawsuits/{suit.pk}/" in page
    appeal_page = client.get(f"/staff/appeals/reconsiderations/{case.pk}/").content.decode()
    assert "凯里市某地块征收补偿方案" in appeal_page
    assert f"/staff/applications/{answered.pk}/" in appeal_page
    letter = answered.letters.get(kind="reply")
    assert f"/staff/applications/{answered.pk}/letters/{letter.pk}.pdf" in appeal_page  # the reply letter appealed


def test_the_application_must_belong_to_the_same_agency(answered, county):
    with pytest.raises(ValidationError):
        services.reconsideration_register(
            actor=None, agency=county, applicant_name="杨某", organ="黔东南州人民政府", subject="不服答复",
            filed_on=D(2024, 4, 1), application=answered,
        )  # fmt: skip
    assert not Reconsideration.objects.exists()


def test_the_applications_work_queue_shows_appeal_deadlines(prefecture, alice, login):
    from django.utils import timezone

    today = timezone.localdate()
    services.reconsideration_register(
        actor=alice, agency=prefecture, applicant_name="杨某", organ="贵州省人民政府", subject="不服答复",
        filed_on=today - dt.timedelta(days=30), received_on=today - dt.timedelta(days=25),
    )  # fmt: skip
    page = login(alice).get("/staff/applications/").content.decode()
    assert "复议诉讼期限" in page and "已逾期" in page


def _panel(client, application) -> str:
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    return page.split("行政复议和行政诉讼</h2>", 1)[1].split("</section>", 1)[0]


def _appeal_queries(client, application) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(f"/staff/applications/{application.pk}/")
    return sum('FROM "appeals_' in q["sql"] for q in captured.captured_queries)


def test_the_case_pages_appeals_are_kept_and_every_change_shows_on_the_next_visit(answered, alice, login):
    """Issue #15: the panel's two queries ran on every visit. Kept under the agency's work and the case's version:
    a registered appeal (audited), a decision (audited) and a row saved by hand (no audit event: its signal gives
    the case a new version; without it the hand edit would not show) each show at once."""
    client = login(alice)
    assert "<li>" not in _panel(client, answered)
    assert _appeal_queries(client, answered) == 0  # kept from the visit before
    case = services.reconsideration_register(
        actor=alice, agency=answered.agency, applicant_name="杨某", organ="贵州省人民政府", subject="不服答复",
        filed_on=D(2024, 4, 1), received_on=D(2024, 4, 3), application=answered,
    )  # fmt: skip
    assert "贵州省人民政府" in _panel(client, answered)
    assert _appeal_queries(client, answered) == 0
    edited = Reconsideration.objects.get(pk=case.pk)
    edited.organ = "黔东南州人民政府"
    edited.save(update_fields=["organ"])  # by hand: no service, no audit event
    assert "黔东南州人民政府" in _panel(client, answered) and "贵州省人民政府" not in _panel(client, answered)
    services.reconsideration_decide(
        actor=alice, case=Reconsideration.objects.get(pk=case.pk), decided_on=D(2024, 5, 20), result="upheld",
    )  # fmt: skip
    assert "维持" in _panel(client, answered)
    Reconsideration.objects.filter(pk=case.pk).first().delete()
    assert "黔东南州人民政府" not in _panel(client, answered)


def _deadlines(client) -> str:
    page = client.get("/staff/applications/").content.decode()
    return page.split("复议诉讼期限</h2>", 1)[1].split("</section>", 1)[0] if "复议诉讼期限</h2>" in page else ""


def _queue_appeal_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/staff/applications/")
    return sum('FROM "appeals_' in q["sql"] for q in captured.captured_queries)


def test_the_queues_appeal_deadlines_are_kept_and_every_change_shows_on_the_next_visit(
    prefecture, alice, login, monkeypatch
):
    """Issue #15: the queue's deadlines panel read the agency's appeals on every visit. Kept per agency and day
    under the agency's work and its appeals' version: a registered appeal (audited), a row saved by hand (no audit
    event: its signal gives the agency's appeals a new version), an answer sent, and the next day (a deadline that
    was not yet near becomes overdue) each show at once."""
    from django.utils import timezone

    today = timezone.localdate()
    client = login(alice)
    assert _deadlines(client) == ""
    assert _queue_appeal_queries(client) == 0  # kept from the visit before
    case = services.reconsideration_register(
        actor=alice, agency=prefecture, applicant_name="杨某", organ="贵州省人民政府", subject="不服答复",
        filed_on=today - dt.timedelta(days=30), received_on=today - dt.timedelta(days=25),
    )  # fmt: skip
    assert "已逾期" in _deadlines(client) and "杨某" in _deadlines(client)
    assert _queue_appeal_queries(client) == 0
    edited = Reconsideration.objects.get(pk=case.pk)
    edited.applicant_name = "罗某"
    edited.save(update_fields=["applicant_name"])  # by hand: no service, no audit event
    assert "罗某" in _deadlines(client) and "杨某" not in _deadlines(client)
    services.reconsideration_record_answer(actor=alice, case=Reconsideration.objects.get(pk=case.pk), sent_on=today)
    assert _deadlines(client) == ""
    # A deadline a month away lists nothing today; on the day after it, the same queue shows it overdue.
    later = services.reconsideration_register(
        actor=alice, agency=prefecture, applicant_name="吴某", organ="贵州省人民政府", subject="不服答复",
        filed_on=today, received_on=today,
    )  # fmt: skip
    later.answer_due = today + dt.timedelta(days=30)
    later.save(update_fields=["answer_due"])
    assert _deadlines(client) == ""
    monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=31))
    assert "吴某" in _deadlines(client) and "已逾期" in _deadlines(client)
