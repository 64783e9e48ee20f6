"""A small world with public and non-public records of every family the API serves.

Every record that must never appear in an answer carries a marker in its text (SECRET_MARKERS), so a test can
look for the marker in any response body."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_user
from gongkai.accounts.models import Role
from gongkai.annual_reports import selectors as report_selectors
from gongkai.annual_reports.models import ReportScope
from gongkai.annual_reports.services import (
    annual_report_approve,
    annual_report_create,
    annual_report_publish,
    annual_report_review,
    annual_report_update_text,
)
from gongkai.annual_reports.tests.seed import seed_figures, seed_text
from gongkai.catalogue.services import item_withdraw
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer
from gongkai.enforcement.models import DecisionKind, SubjectKind
from gongkai.enforcement.services import decision_create, decision_publish, fee_record_create
from gongkai.gazette.services import (
    gazette_issue_add_document,
    gazette_issue_create,
    gazette_issue_publish,
    gazette_issue_submit,
)
from gongkai.participation.models import CommentStatus
from gongkai.participation.services import comment_moderate, comment_submit
from gongkai.participation.tests.factories import make_concern, make_consultation, make_survey

SECRET_MARKERS = [
    "草稿绝密",
    "撤回绝密",
    "县级草稿绝密",
    "未发布关切",
    "征集人隐私",
    "13912345678",
    "张三丰",
    "未公开处罚",
]


@pytest.fixture(autouse=True)
def _media_and_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_PER_MINUTE = 0  # most tests are not about the limit; test_rate_limits turns it on
    settings.SITE_URL = "https://gk.example.gov.cn"


@pytest.fixture
def world(tree, alice, rob, ann, kim, monkeypatch):
    p, county = tree["prefecture"], tree["county"]
    reviewers = [rob, second_reviewer(p), ann]
    doc = publish(alice, p, reviewers, title="黔东南州森林防火规定", document_number="黔东南府发〔2024〕1号")
    other = publish(
        alice, p, reviewers, title="关于公布2024年行政许可事项清单的通知", document_type="other", document_number=""
    )
    interpretation = publish(
        alice, p, reviewers, title="《黔东南州森林防火规定》解读", document_type="interpretation",
        document_number="", interprets=doc, interpretation_form="text",
    )  # fmt: skip
    secret_draft = draft(alice, p, title="草稿绝密：尚未审核的通知", document_number="")
    withdrawn = publish(alice, p, reviewers, title="撤回绝密：已撤回的通知", document_number="黔东南府发〔2024〕9号")
    withdrawn = item_withdraw(actor=ann, item=withdrawn, reason="内容有误")
    kim_reviewer = make_user("kira", (county, Role.REVIEWER))
    county_draft = draft(kim, county, title="县级草稿绝密：凯里市的草稿", document_number="")

    concern = make_concern(p, alice, rob, title="关于城区停车难的回应")
    hidden_concern = make_concern(p, alice, rob, title="未发布关切：内部讨论稿", publish=False)
    today = dt.date.today()
    consultation = make_consultation(
        p, alice, rob, opens=today - dt.timedelta(days=30), closes=today - dt.timedelta(days=1)
    )
    comment = comment_submit(
        consultation=consultation,
        content="建议增加停车位。",
        name="征集人隐私",
        contact="13912345678",
        client="t",
        now=timezone.now() - dt.timedelta(days=2),
    )
    comment_moderate(actor=rob, comment=comment, status=CommentStatus.APPROVED)
    survey = make_survey(p, alice, rob, opens=today - dt.timedelta(days=30), closes=today - dt.timedelta(days=1))

    issue = gazette_issue_create(
        actor=alice, agency=p, title="黔东南州人民政府公报", year=2024, number=1, issued_on=dt.date(2024, 2, 28),
        copies=100,
    )  # fmt: skip
    gazette_issue_add_document(actor=alice, issue=issue, item=doc)
    gazette_issue_submit(actor=alice, issue=issue)
    issue = gazette_issue_publish(actor=rob, issue=issue)

    penalty = decision_create(
        actor=alice, agency=p, kind=DecisionKind.PENALTY, decided_on=dt.date(2024, 4, 1), number="黔东南罚〔2024〕1号",
        subject="张三丰", subject_kind=SubjectKind.PERSON, summary="违法占道经营，罚款2000元。", social_impact=True,
    )  # fmt: skip
    decision_publish(actor=rob, decision=penalty)
    hidden_penalty = decision_create(
        actor=alice, agency=p, kind=DecisionKind.PENALTY, decided_on=dt.date(2024, 5, 1), number="黔东南罚〔2024〕2号",
        subject="某公司", summary="未公开处罚：一般程序", social_impact=False,
    )  # fmt: skip
    licensing = decision_create(
        actor=alice, agency=p, kind=DecisionKind.LICENSING, decided_on=dt.date(2024, 3, 1), number="黔东南许〔2024〕5号",
        subject="某某水务有限公司", summary="准予取水许可。",
    )  # fmt: skip
    fee_record_create(
        actor=alice, agency=p, collected_on=dt.date(2024, 1, 5), item="不动产登记费", amount=Decimal("80")
    )

    # The annual report, with the seed's figures standing in for the records (as the report's own tests do).
    monkeypatch.setattr(report_selectors, "compile_figures", lambda *, agencies, year: copy.deepcopy(seed_figures()))
    report = annual_report_create(actor=alice, agency=p, year=2024, scope=ReportScope.AGENCY)
    text = seed_text()
    annual_report_update_text(
        actor=alice, report=report, title=report.title, preamble=report.preamble, **text.section1,
        problems=text.problems, improvements=text.improvements, other=text.other,
    )  # fmt: skip
    annual_report_review(actor=rob, report=report)
    annual_report_approve(actor=ann, report=report)
    report = annual_report_publish(actor=ann, report=report)
    draft_report = annual_report_create(actor=alice, agency=p, year=2023, scope=ReportScope.AGENCY)
    return {
        "tree": tree, "doc": doc, "other": other, "interpretation": interpretation, "draft": secret_draft,
        "withdrawn": withdrawn, "county_draft": county_draft, "concern": concern, "hidden_concern": hidden_concern,
        "consultation": consultation, "survey": survey, "issue": issue, "penalty": penalty,
        "hidden_penalty": hidden_penalty, "licensing": licensing, "report": report, "draft_report": draft_report,
        "kim_reviewer": kim_reviewer,
    }  # fmt: skip
