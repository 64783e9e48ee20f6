"""Inspections of subordinate agencies: problems go verified → fed back → rectified → closed, and only so."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import IllegalTransition
from gongkai.supervision.models import PROBLEM_TRANSITIONS, Inspection, InspectionProblem, ProblemStatus
from gongkai.supervision.services import inspection_create, inspection_problem_move, inspection_problem_record

TODAY = timezone.localdate()


@pytest.fixture
def inspection(tree):
    return inspection_create(
        actor=None, agency=tree["prefecture"], title="第二季度网站检查", inspected_on=dt.date(2024, 6, 20)
    )


@pytest.fixture
def problem(inspection, tree):
    return inspection_problem_record(
        actor=None, inspection=inspection, responsible_agency=tree["county"], target_kind="site",
        target="凯里市人民政府网站 / 通知公告", category="column_stale", description="超过6个月未更新",
        deadline=TODAY + dt.timedelta(days=10),
    )  # fmt: skip


def test_a_clerk_registers_an_inspection_and_a_problem_of_a_county(login, alice, tree):
    client = login(alice)
    response = client.post(
        "/staff/supervision/inspections/new/", {"title": "第二季度网站检查", "inspected_on": "2024-06-20"}
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and inspection.agency == tree["prefecture"]
    response = client.post(
        f"/staff/supervision/inspections/{inspection.pk}/",
        {"responsible_agency": tree["county"].pk, "target_kind": "site", "target": "凯里市政府网站", "category": "typo",
         "description": "错别字2处", "deadline": "2024-07-05"},
    )  # fmt: skip
    assert response.status_code == 302
    problem = InspectionProblem.objects.get()
    assert (problem.responsible_agency, problem.status) == (tree["county"], ProblemStatus.FOUND)
    assert AuditEvent.objects.filter(verb="inspection_problem.record", object_id=str(problem.pk)).exists()


def test_the_responsible_agency_must_be_below_the_inspecting_agency(login, alice, inspection, tree):
    page = login(alice).post(
        f"/staff/supervision/inspections/{inspection.pk}/",
        {"responsible_agency": tree["prefecture"].pk, "target_kind": "site", "target": "州政府网站",
         "category": "typo", "description": "错别字", "deadline": "2024-07-05"},
    ).content.decode()  # fmt: skip
    assert "责任机关</a>" in page and "州政府网站" in page and not InspectionProblem.objects.exists()


def test_a_deadline_before_the_inspection_is_refused(login, alice, inspection, tree):
    page = login(alice).post(
        f"/staff/supervision/inspections/{inspection.pk}/",
        {"responsible_agency": tree["county"].pk, "target_kind": "site", "target": "凯里市政府网站",
         "category": "typo", "description": "错别字", "deadline": "2024-06-01"},
    ).content.decode()  # fmt: skip
    assert "整改期限不能早于检查日期" in page and not InspectionProblem.objects.exists()


def test_a_problem_goes_through_verification_feedback_rectification_and_closing(login, alice, kim, problem, client):
    steps = [
        (alice, "verified", "经核实属实"),
        (alice, "fed_back", "已反馈凯里市政府办"),
        (kim, "rectified", "已补发通知公告23条"),
        (alice, "closed", "复查已更新，同意销号"),
    ]
    for user, status, note in steps:
        client.logout()
        response = login(user).post(f"/staff/supervision/problems/{problem.pk}/move/", {"status": status, "note": note})
        assert response.status_code == 302, (status, response.content.decode()[:300])
        problem.refresh_from_db()
        assert problem.status == status
    assert problem.closing_note == "复查已更新，同意销号" and problem.closed_on == TODAY
    assert list(
        AuditEvent.objects.filter(object_type="supervision.inspectionproblem").order_by("id").values_list("verb", flat=True)
    ) == ["inspection_problem.record", "inspection_problem.verify", "inspection_problem.feed_back",
          "inspection_problem.rectify", "inspection_problem.close"]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "target", "allowed"),
    [
        ([], "verified", True),
        ([], "dismissed", True),
        ([], "fed_back", False),
        ([], "closed", False),
        (["verified"], "rectified", False),
        (["verified", "fed_back"], "closed", False),
        (["verified", "fed_back", "rectified"], "fed_back", True),
        (["verified", "fed_back", "rectified", "closed"], "verified", False),
        (["dismissed"], "verified", False),
    ],
)
def test_the_transition_table_decides_every_move(problem, path, target, allowed):
    for status in path:
        inspection_problem_move(actor=None, problem=problem, status=status, note="说明")
    assert (target in PROBLEM_TRANSITIONS[InspectionProblem.objects.get().status]) is allowed
    if allowed:
        assert inspection_problem_move(actor=None, problem=problem, status=target, note="说明").status == target
    else:
        with pytest.raises(IllegalTransition):
            inspection_problem_move(actor=None, problem=problem, status=target, note="说明")


def test_an_illegal_move_through_the_page_is_refused_with_a_clear_message(login, alice, problem):
    response = login(alice).post(
        f"/staff/supervision/problems/{problem.pk}/move/", {"status": "closed", "note": "直接销号"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "直接销号" in page
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FOUND


def test_a_move_without_a_note_is_refused(problem):
    with pytest.raises(Exception, match="请填写说明"):
        inspection_problem_move(actor=None, problem=problem, status="verified", note="  ")
    assert InspectionProblem.objects.get().status == ProblemStatus.FOUND


def test_the_responsible_agency_cannot_verify_and_a_supervisor_cannot_move_anything(login, kim, sue, problem, client):
    assert (
        login(kim)
        .post(f"/staff/supervision/problems/{problem.pk}/move/", {"status": "verified", "note": "x"})
        .status_code
        == 403
    )
    client.logout()
    sue_client = login(sue)
    assert sue_client.get(f"/staff/supervision/problems/{problem.pk}/").status_code == 200
    assert (
        sue_client.post(
            f"/staff/supervision/problems/{problem.pk}/move/", {"status": "verified", "note": "x"}
        ).status_code
        == 403
    )
    assert InspectionProblem.objects.get().status == ProblemStatus.FOUND


def test_the_responsible_agency_sees_its_problem_but_not_other_agencies_problems(login, kim, problem, inspection, tree):
    other = inspection_problem_record(
        actor=None, inspection=inspection, responsible_agency=tree["finance"], target_kind="site", target="财政局网站",
        category="typo", description="错别字", deadline=TODAY,
    )  # fmt: skip
    client = login(kim)
    assert client.get(f"/staff/supervision/problems/{problem.pk}/").status_code == 200
    assert client.get(f"/staff/supervision/problems/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("status", "deadline_offset", "overdue"),
    [
        ("found", -1, True),
        ("fed_back", -1, True),
        ("fed_back", 0, False),
        ("rectified", -5, False),
        ("closed", -5, False),
    ],
)
def test_a_problem_is_overdue_only_when_unrectified_past_its_deadline(problem, status, deadline_offset, overdue):
    problem.status, problem.deadline = status, TODAY + dt.timedelta(days=deadline_offset)
    assert problem.is_overdue(TODAY) is overdue
