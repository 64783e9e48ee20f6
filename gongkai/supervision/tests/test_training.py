"""Training sessions: recorded by the agency's clerk, counted per year for the annual report."""

import datetime as dt

from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.supervision.models import TrainingSession
from gongkai.supervision.selectors import training_count
from gongkai.supervision.services import training_session_create


def test_a_clerk_records_a_training_session(login, alice, tree):
    response = login(alice).post(
        "/staff/supervision/training/new/",
        {
            "held_on": "2024-05-16",
            "topic": "全州政务公开业务培训",
            "audience": "县（市）政务公开工作人员",
            "trained_count": "126",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.agency, session.trained_count) == (tree["prefecture"], 126)


def test_a_session_in_the_future_or_without_people_is_refused_with_the_input_kept(login, alice, tree):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = login(alice)
    page = client.post(
        "/staff/supervision/training/new/",
        {"held_on": tomorrow.isoformat(), "topic": "明天的培训", "audience": "全体", "trained_count": "10"},
    ).content.decode()
    assert "举办日期不能晚于今天" in page and "明天的培训" in page
    page = client.post(
        "/staff/supervision/training/new/",
        {"held_on": "2024-05-16", "topic": "培训", "audience": "全体", "trained_count": "0"},
    ).content.decode()
    assert "form-errors" in page and "培训人数</a>" in page and not TrainingSession.objects.exists()


def test_training_count_counts_the_years_sessions_of_the_agencies(tree):
    for day, agency in [
        (dt.date(2024, 5, 16), "prefecture"),
        (dt.date(2024, 10, 24), "prefecture"),
        (dt.date(2023, 12, 30), "prefecture"),
        (dt.date(2024, 6, 1), "county"),
    ]:
        training_session_create(
            actor=None, agency=tree[agency], held_on=day, topic="培训", audience="工作人员", trained_count=20
        )
    cell = training_count(agencies=[tree["prefecture"], tree["office"]], year=2024)
    assert cell.value == 2 and cell.model == "supervision.trainingsession" and len(cell.ids) == 2


def test_a_supervisor_sees_training_but_cannot_record_it(login, sue, tree):
    training_session_create(actor=None, agency=tree["county"], held_on=dt.date(2024, 6, 1), topic="凯里培训",
                            audience="工作人员", trained_count=20)  # fmt: skip
    client = login(sue)
    assert "凯里培训" in client.get("/staff/supervision/training/").content.decode()
    assert client.get("/staff/supervision/training/new/").status_code == 403


def test_a_clerk_corrects_a_session_and_the_change_is_audited(login, alice, tree):
    session = training_session_create(actor=None, agency=tree["prefecture"], held_on=dt.date(2024, 5, 16),
                                      topic="培训", audience="工作人员", trained_count=20)  # fmt: skip
    client = login(alice)
    assert (
        f"/staff/supervision/training/{session.pk}/edit/" in client.get("/staff/supervision/training/").content.decode()
    )
    response = client.post(
        f"/staff/supervision/training/{session.pk}/edit/",
        {"held_on": "2024-05-16", "topic": "全州政务公开业务培训", "audience": "工作人员", "trained_count": "126"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.topic, session.trained_count) == ("全州政务公开业务培训", 126)
    event = AuditEvent.objects.get(verb="training_session.update", object_id=str(session.pk))
    assert event.before == {"topic": "培训", "trained_count": 20}


def test_a_clerk_of_another_agency_cannot_correct_a_session(login, kim, tree):
    session = training_session_create(actor=None, agency=tree["prefecture"], held_on=dt.date(2024, 5, 16),
                                      topic="培训", audience="工作人员", trained_count=20)  # fmt: skip
    assert login(kim).get(f"/staff/supervision/training/{session.pk}/edit/").status_code == 404
