"""Recording appeals, their deadlines, and table 四 of the annual report computed from them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongkai.appeals import services
from gongkai.appeals.models import AppealResult, DefendantRole, Lawsuit, Reconsideration
from gongkai.appeals.selectors import appeal_deadlines, appeal_report_cells
from gongkai.audit.models import AuditEvent
from gongkai.core.errors import AccessDenied

D = dt.date
MAY_6, MAY_10, AUG_1, AUG_5 = D(2024, 5, 6), D(2024, 5, 10), D(2024, 8, 1), D(2024, 8, 5)


def _reconsideration(agency, actor=None, *, filed_on=MAY_6, received_on=MAY_10, **extra):
    return services.reconsideration_register(
        actor=actor,
        agency=agency,
        applicant_name=extra.pop("applicant_name", "杨某"),
        organ=extra.pop("organ", "贵州省人民政府"),
        subject=extra.pop("subject", "不服政府信息公开答复"),
        filed_on=filed_on,
        received_on=received_on,
        **extra,
    )


def _lawsuit(agency, actor=None, *, filed_on=AUG_1, served_on=AUG_5, **extra):
    return services.lawsuit_register(
        actor=actor,
        agency=agency,
        plaintiff=extra.pop("plaintiff", "杨某"),
        court=extra.pop("court", "凯里市人民法院"),
        subject=extra.pop("subject", "请求撤销政府信息公开答复"),
        filed_on=filed_on,
        served_on=served_on,
        **extra,
    )


@pytest.mark.parametrize(
    "received_on,due",
    [
        (D(2024, 5, 10), D(2024, 5, 23)),  # Saturday 5/11 was a make-up working day after Labour Day 2024
        (D(2024, 9, 27), D(2024, 10, 16)),  # across National Day 2024 (10/1-10/7 off; 9/29 and 10/12 worked)
        (D(2026, 2, 13), D(2026, 3, 5)),  # across Spring Festival 2026 (2/15-2/23 off; 2/14 and 2/28 worked)
    ],
)
def test_the_answer_to_a_reconsideration_is_due_ten_working_days_after_receipt(prefecture, received_on, due):
    assert _reconsideration(prefecture, filed_on=received_on, received_on=received_on).answer_due == due


def test_the_defence_is_due_fifteen_days_after_service(prefecture):
    assert _lawsuit(prefecture, served_on=D(2024, 9, 28)).defence_due == D(2024, 10, 13)


def test_deadlines_show_due_soon_and_overdue(prefecture):
    case = _reconsideration(prefecture, received_on=D(2024, 5, 10))
    suit = _lawsuit(prefecture, filed_on=D(2024, 4, 20), served_on=D(2024, 5, 1))
    rows = appeal_deadlines(agencies=[prefecture], today=D(2024, 5, 22))
    states = {row.case.pk: row.state for row in rows if isinstance(row.case, Reconsideration)}
    assert states[case.pk] == "due_soon"
    assert [row.state for row in rows if isinstance(row.case, Lawsuit) and row.case.pk == suit.pk] == ["overdue"]
    services.reconsideration_record_answer(actor=None, case=case, sent_on=D(2024, 5, 20))
    assert all(
        row.case.pk != case.pk or isinstance(row.case, Lawsuit)
        for row in appeal_deadlines(agencies=[prefecture], today=D(2024, 5, 22))
    )


@pytest.mark.parametrize(
    "result,column",
    [
        (AppealResult.UPHELD, "C1"),
        (AppealResult.REVOKED, "C2"),
        (AppealResult.CHANGED, "C2"),
        (AppealResult.CONFIRMED_ILLEGAL, "C2"),
        (AppealResult.ORDERED_TO_PERFORM, "C2"),
        (AppealResult.DISMISSED, "C3"),
        (AppealResult.TERMINATED, "C3"),
        (AppealResult.WITHDRAWN, "C3"),
        (AppealResult.SETTLED, "C3"),
    ],
)
def test_each_result_counts_in_its_column(prefecture, result, column):
    case = _reconsideration(prefecture)
    services.reconsideration_decide(actor=None, case=case, result=result, decided_on=D(2024, 7, 1))
    cells = appeal_report_cells(agencies=[prefecture], year=2024)
    assert cells[column].value == 1 and cells[column].ids == (case.pk,)
    assert cells["C5"].value == 1


def test_a_case_decided_after_the_year_end_counts_as_pending(prefecture):
    case = _reconsideration(prefecture, filed_on=D(2024, 11, 20), received_on=D(2024, 11, 22))
    services.reconsideration_decide(actor=None, case=case, result=AppealResult.UPHELD, decided_on=D(2025, 1, 15))
    assert appeal_report_cells(agencies=[prefecture], year=2024)["C4"].value == 1
    assert appeal_report_cells(agencies=[prefecture], year=2025)["C5"].value == 0  # counted in the year it began


def test_lawsuits_split_into_direct_and_after_reconsideration_and_appeals_count_by_final_outcome(prefecture):
    reconsideration = _reconsideration(prefecture)
    services.reconsideration_decide(
        actor=None, case=reconsideration, result=AppealResult.UPHELD, decided_on=D(2024, 7, 1)
    )
    after = _lawsuit(prefecture, reconsideration=reconsideration)
    direct = _lawsuit(prefecture, plaintiff="李某")
    services.lawsuit_update(actor=None, case=direct, result=AppealResult.UPHELD, judgment_on=D(2024, 10, 1))
    services.lawsuit_update(actor=None, case=direct, appealed_on=D(2024, 10, 10), appeal_court="黔东南州中级人民法院")
    cells = appeal_report_cells(agencies=[prefecture], year=2024)
    assert (cells["C9"].value, cells["C10"].value) == (1, 1)  # appealed, second instance pending
    assert (cells["C14"].value, cells["C15"].value) == (1, 1)
    assert cells["C14"].ids == (after.pk,)
    services.lawsuit_update(
        actor=None, case=direct, appeal_result=AppealResult.REVOKED, appeal_decided_on=D(2024, 12, 20)
    )
    assert appeal_report_cells(agencies=[prefecture], year=2024)["C7"].value == 1


def test_a_reconsideration_organ_sued_as_co_defendant_does_not_count_the_case(prefecture, county):
    _lawsuit(prefecture, defendant_role=DefendantRole.RECONSIDERATION_ORGAN)
    _lawsuit(county)  # the original agency counts it
    assert appeal_report_cells(agencies=[prefecture], year=2024)["C10"].value == 0
    assert appeal_report_cells(agencies=[county], year=2024)["C10"].value == 1


def test_totals_are_the_sum_of_their_parts(prefecture):
    for result in (AppealResult.UPHELD, AppealResult.REVOKED, AppealResult.DISMISSED, None):
        case = _reconsideration(prefecture)
        if result:
            services.reconsideration_decide(actor=None, case=case, result=result, decided_on=D(2024, 6, 1))
        _lawsuit(prefecture)
    cells = appeal_report_cells(agencies=[prefecture], year=2024)
    for total, parts in {"C5": "C1 C2 C3 C4", "C10": "C6 C7 C8 C9", "C15": "C11 C12 C13 C14"}.items():
        assert cells[total].value == sum(cells[p].value for p in parts.split())
    assert cells["C5"].value == 4 and cells["C10"].value == 4


def test_a_decision_needs_a_result_and_cannot_be_recorded_twice(prefecture):
    from gongkai.core.errors import IllegalTransition

    case = _reconsideration(prefecture)
    with pytest.raises(ValidationError):
        services.reconsideration_decide(actor=None, case=case, result=AppealResult.PENDING, decided_on=D(2024, 6, 1))
    services.reconsideration_decide(actor=None, case=case, result=AppealResult.UPHELD, decided_on=D(2024, 6, 1))
    with pytest.raises(IllegalTransition):
        services.reconsideration_decide(actor=None, case=case, result=AppealResult.REVOKED, decided_on=D(2024, 6, 2))


def test_dates_must_be_in_order(prefecture):
    with pytest.raises(ValidationError) as excinfo:
        _reconsideration(prefecture, filed_on=D(2024, 5, 10), received_on=D(2024, 5, 1))
    assert "received_on" in excinfo.value.error_dict
    assert not Reconsideration.objects.exists()


def test_staff_register_and_follow_a_reconsideration_through_http(prefecture, alice, login):
    client = login(alice)
    response = client.post(
        "/staff/appeals/reconsiderations/new/",
        {
            "applicant_name": "杨某",
            "organ": "贵州省人民政府",
            "subject": "不服答复",
            "filed_on": "2024-05-06",
            "received_on": "2024-05-10",
        },
    )
    case = Reconsideration.objects.get()
    assert response.status_code == 302 and case.answer_due == D(2024, 5, 23)
    page = client.get(f"/staff/appeals/reconsiderations/{case.pk}/").content.decode()
    assert "2024-05-23" in page and "第八十八条" in page
    client.post(f"/staff/appeals/reconsiderations/{case.pk}/", {"action": "answer", "answer-sent_on": "2024-05-20"})
    client.post(
        f"/staff/appeals/reconsiderations/{case.pk}/",
        {
            "action": "decide",
            "decide-result": "upheld",
            "decide-decided_on": "2024-07-01",
            "decide-summary": "维持原答复",
        },
    )
    case.refresh_from_db()
    assert case.answer_sent_on == D(2024, 5, 20) and case.result == AppealResult.UPHELD
    verbs = list(AuditEvent.objects.filter(object_type="appeals.reconsideration").values_list("verb", flat=True))
    assert verbs == ["reconsideration.register", "reconsideration.answer", "reconsideration.decide"]
    # The list keeps the date, the organ and the result each on one line (2024-05-\n06 before).
    listed = client.get("/staff/appeals/").content.decode()
    assert '<td data-label="申请复议日期" class="nowrap">2024-05-06</td>' in listed
    assert '<td data-label="复议机关" class="nowrap">贵州省人民政府</td>' in listed


def test_the_result_is_chosen_never_preselected(prefecture, alice, login):
    """复议结果 starts at 请选择: a clerk who records only the date is asked for the result, and nothing is saved."""
    client = login(alice)
    case = services.reconsideration_register(
        actor=alice, agency=prefecture, applicant_name="杨某", organ="贵州省人民政府", subject="不服答复",
        filed_on=D(2024, 5, 6), received_on=D(2024, 5, 10),
    )  # fmt: skip
    page = client.get(f"/staff/appeals/reconsiderations/{case.pk}/").content.decode()
    assert '<option value="" selected>请选择</option>' in page
    response = client.post(
        f"/staff/appeals/reconsiderations/{case.pk}/",
        {"action": "decide", "decide-result": "", "decide-decided_on": "2024-07-01", "decide-summary": "维持原答复"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "复议结果</a>：这个字段是必填项。" in page and "维持原答复" in page
    case.refresh_from_db()
    assert case.result == AppealResult.PENDING and case.decided_on is None


def test_a_bad_date_is_named_and_the_form_keeps_what_was_typed(prefecture, alice, login):
    response = login(alice).post(
        "/staff/appeals/reconsiderations/new/",
        {
            "applicant_name": "杨某",
            "organ": "贵州省人民政府",
            "subject": "不服答复",
            "filed_on": "2024-05-10",
            "received_on": "2024-05-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "不能早于" in page and "贵州省人民政府" in page
    assert not Reconsideration.objects.exists()


def test_staff_record_a_lawsuit_after_reconsideration_and_its_judgment(prefecture, alice, login):
    reconsideration = _reconsideration(prefecture)
    client = login(alice)
    client.post(
        "/staff/appeals/lawsuits/new/",
        {"plaintiff": "杨某", "court": "凯里市人民法院", "subject": "请求撤销答复", "filed_on": "2024-08-01",
         "served_on": "2024-08-05", "defendant_role": "original", "reconsideration": reconsideration.pk},
    )  # fmt: skip
    suit = Lawsuit.objects.get()
    assert suit.after_reconsideration and suit.defence_due == D(2024, 8, 20)
    response = client.post(
        f"/staff/appeals/lawsuits/{suit.pk}/",
        {"action": "progress", "p-result": "upheld", "p-case_number": suit.case_number},
    )
    assert "裁判日期" in response.content.decode()  # a result needs its date
    client.post(
        f"/staff/appeals/lawsuits/{suit.pk}/",
        {
            "action": "progress",
            "p-result": "dismissed",
            "p-judgment_on": "2024-11-30",
            "p-defence_sent_on": "2024-08-15",
        },
    )
    suit.refresh_from_db()
    assert suit.result == AppealResult.DISMISSED and suit.defence_sent_on == D(2024, 8, 15)


def test_other_agencies_and_supervisors_cannot_change_cases(prefecture, county, alice, kim, sue, login, client):
    case = _reconsideration(prefecture)
    assert login(kim).get(f"/staff/appeals/reconsiderations/{case.pk}/").status_code == 404
    client.logout()
    client = login(sue)
    assert client.get(f"/staff/appeals/reconsiderations/{case.pk}/").status_code == 200
    response = client.post(
        f"/staff/appeals/reconsiderations/{case.pk}/", {"action": "answer", "answer-sent_on": "2024-05-20"}
    )
    assert response.status_code == 403
    with pytest.raises(AccessDenied):
        services.reconsideration_record_answer(actor=sue, case=case, sent_on=D(2024, 5, 20))
