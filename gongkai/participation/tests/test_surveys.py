import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.participation.models import Answer, QuestionKind, SurveyResponse
from gongkai.participation.services import survey_question_add, survey_response_submit
from gongkai.participation.tests.factories import make_survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def survey(tree, alice, rob):
    today = timezone.localdate()
    return make_survey(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=7)
    )


def ids(survey):
    single, multiple, text = survey.questions.all()
    return single, multiple, text


def answer(survey, pick=0, channels=(0,), text=""):
    single, multiple, free = ids(survey)
    return {
        f"q{single.pk}": str(single.choices.all()[pick].pk),
        f"q{multiple.pk}": [str(multiple.choices.all()[i].pk) for i in channels],
        f"q{free.pk}": text,
    }


def url(s):
    return f"/participation/qdn/surveys/{s.pk}/"


def test_a_citizen_answers_once_and_a_second_answer_is_refused(survey, client):
    client.get(url(survey))  # the visit hands the browser its respondent cookie
    response = client.post(url(survey), answer(survey, 0, (0, 1), "希望延长办理时间"))
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1 and Answer.objects.count() == 3
    page = client.get(url(survey)).content.decode()
    assert "您已经参加过本次调查" in page and 'type="radio"' not in page
    assert client.post(url(survey), answer(survey)).status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_two_browsers_each_answer(survey, client, django_user_model):
    from django.test import Client

    client.get(url(survey))
    other = Client()
    other.get(url(survey))
    assert client.post(url(survey), answer(survey)).status_code == 302
    assert other.post(url(survey), answer(survey, 2)).status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_a_missing_required_answer_is_named_and_the_other_answers_are_kept(survey, client):
    single, multiple, free = ids(survey)
    data = answer(survey, 1, (2,), "建议多开窗口")
    del data[f"q{single.pk}"]
    response = client.post(url(survey), data)
    page = response.content.decode()
    assert response.status_code == 400 and "您对政务服务是否满意？" in page and "建议多开窗口" in page
    assert not SurveyResponse.objects.exists()


def test_two_choices_on_a_single_choice_question_are_refused_by_the_service(survey):
    single, multiple, free = ids(survey)
    both = [c.pk for c in single.choices.all()[:2]]
    with pytest.raises(Exception, match="只能选一项"):
        survey_response_submit(
            survey=survey,
            answers={single.pk: both, multiple.pk: [multiple.choices.first().pk]},
            respondent="a",
            client="b",
        )
    assert not SurveyResponse.objects.exists()


def test_a_choice_from_another_question_is_refused(survey):
    single, multiple, free = ids(survey)
    with pytest.raises(Exception, match="不属于此题"):
        survey_response_submit(
            survey=survey, answers={single.pk: [multiple.choices.first().pk], multiple.pk: [multiple.choices.first().pk]},
            respondent="a", client="b",
        )  # fmt: skip


def test_results_are_hidden_while_open_and_shown_as_charts_once_closed(survey, client):
    for pick, channels in ((0, (0, 1)), (0, (1,)), (2, (1, 2))):
        survey_response_submit(survey=survey, answers={q.pk: v for q, v in zip(ids(survey), [
            [ids(survey)[0].choices.all()[pick].pk], [ids(survey)[1].choices.all()[i].pk for i in channels], "好"], strict=True)},
            respondent=f"r{pick}{channels}", client="c")  # fmt: skip
    page = client.get(url(survey)).content.decode()
    assert "调查结果" not in page
    survey.closes_on = timezone.localdate() - dt.timedelta(days=1)
    survey.save()
    page = client.get(url(survey)).content.decode()
    assert "调查结果" in page and "共收到 3 份答卷" in page
    assert '<rect class="bar-fill" width="66.7"' in page  # 满意: 2 of 3
    assert '<rect class="bar-fill" width="100.0"' in page  # 窗口: 3 of 3 (multiple choice)
    assert client.post(url(survey), answer(survey)).status_code == 403


def test_staff_export_the_answers_as_csv_and_xlsx(survey, alice, login, client):
    survey_response_submit(survey=survey, answers={q.pk: v for q, v in zip(ids(survey), [
        [ids(survey)[0].choices.first().pk], [c.pk for c in ids(survey)[1].choices.all()], "=HYPERLINK(1)"], strict=True)},
        respondent="x", client="y")  # fmt: skip
    login(alice)
    response = client.get(f"/staff/participation/surveys/{survey.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:] == ["1. 您对政务服务是否满意？", "2. 您通过哪些渠道办事？", "3. 您的建议"]
    assert rows[1][2:] == ["满意", "网上；窗口；电话", "'=HYPERLINK(1)"]
    response = client.get(f"/staff/participation/surveys/{survey.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][2] == "满意"


def test_another_agencys_clerk_cannot_export(survey, kim, login, client):
    login(kim)
    assert client.get(f"/staff/participation/surveys/{survey.pk}/export.csv").status_code == 404


def test_a_choice_question_needs_two_distinct_options(tree, alice, login, client):
    login(alice)
    client.post(
        "/staff/participation/surveys/new/",
        {"title": "调查", "summary": "说明", "opens_on": "2024-01-01", "closes_on": "2024-01-31"},
    )
    from gongkai.participation.models import Survey

    survey = Survey.objects.get()
    response = client.post(
        f"/staff/participation/surveys/{survey.pk}/questions/new/",
        {"text": "您满意吗？", "kind": "single", "choices": "满意\n满意"},
    )
    assert response.status_code == 200 and "至少需要两个互不相同的选项" in response.content.decode()
    assert not survey.questions.exists()
    with pytest.raises(Exception, match="填空题不需要选项"):
        survey_question_add(actor=alice, survey=survey, text="建议", kind=QuestionKind.TEXT, choices=["a"])


def test_a_survey_without_questions_cannot_be_submitted(tree, alice, login, client):
    login(alice)
    client.post(
        "/staff/participation/surveys/new/",
        {"title": "空调查", "summary": "说明", "opens_on": "2024-01-01", "closes_on": "2024-01-31"},
    )
    from gongkai.participation.models import Survey

    survey = Survey.objects.get()
    response = client.post(f"/staff/participation/surveys/{survey.pk}/submit/", follow=True)
    assert "至少需要一道题目" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == "draft"


def test_a_period_that_ends_before_it_starts_is_refused(tree, alice, login, client):
    login(alice)
    response = client.post(
        "/staff/participation/surveys/new/",
        {"title": "调查", "summary": "说明", "opens_on": "2024-02-01", "closes_on": "2024-01-31"},
    )
    assert response.status_code == 200 and "截止日期不能早于开始日期" in response.content.decode()


def test_a_phone_number_in_a_free_text_answer_is_masked_in_the_published_results(survey, client):
    single, multiple, free = ids(survey)
    survey_response_submit(
        survey=survey,
        answers={
            single.pk: [single.choices.first().pk],
            multiple.pk: [multiple.choices.first().pk],
            free.pk: "请打13812345678",
        },
        respondent="p",
        client="q",
    )
    survey.closes_on = timezone.localdate() - dt.timedelta(days=1)
    survey.save()
    page = client.get(url(survey)).content.decode()
    assert "请打138****5678" in page and "13812345678" not in page
