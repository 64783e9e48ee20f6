"""Published participation records for tests, made through the services as staff would."""

import datetime as dt

from gongkai.participation.models import QuestionKind
from gongkai.participation.services import (
    concern_create,
    consultation_create,
    publication_publish,
    publication_submit,
    survey_create,
    survey_question_add,
)


def published(obj, clerk, reviewer, on=None):
    publication_submit(actor=clerk, obj=obj)
    return publication_publish(actor=reviewer, obj=obj, on=on)


def make_concern(agency, clerk, reviewer, *, title="关于城区停车难的回应", on=None, publish=True):
    concern = concern_create(
        actor=clerk,
        agency=agency,
        title=title,
        raised_where="12345热线",
        concern_summary="市民反映城区停车位不足。",
        response="已新增公共停车位500个。",
        responded_on=on or dt.date(2024, 3, 1),
    )
    return published(concern, clerk, reviewer, on) if publish else concern


def make_consultation(agency, clerk, reviewer, *, opens, closes, title="《城市管理条例（草案）》征求意见", on=None):
    consultation = consultation_create(
        actor=clerk,
        agency=agency,
        title=title,
        summary="欢迎社会各界提出意见建议。",
        draft_text="第一条 为了加强城市管理，制定本条例。",
        opens_on=opens,
        closes_on=closes,
    )
    return published(consultation, clerk, reviewer, on)


def make_survey(agency, clerk, reviewer, *, opens, closes, title="政务服务满意度调查", on=None):
    survey = survey_create(
        actor=clerk, agency=agency, title=title, summary="请您花两分钟完成调查。", opens_on=opens, closes_on=closes
    )
    survey_question_add(
        actor=clerk,
        survey=survey,
        text="您对政务服务是否满意？",
        kind=QuestionKind.SINGLE,
        choices=["满意", "一般", "不满意"],
    )
    survey_question_add(
        actor=clerk,
        survey=survey,
        text="您通过哪些渠道办事？",
        kind=QuestionKind.MULTIPLE,
        choices=["网上", "窗口", "电话"],
    )
    survey_question_add(actor=clerk, survey=survey, text="您的建议", kind=QuestionKind.TEXT, required=False)
    return published(survey, clerk, reviewer, on)
