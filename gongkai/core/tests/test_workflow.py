"""One transition table type and one audited update for every workflow."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from gongkai.audit.models import AuditEvent
from gongkai.audit.services import audited_update
from gongkai.core.errors import IllegalTransition
from gongkai.core.workflow import Transitions, move


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


TABLE = Transitions(
    {Status.DRAFT: {Status.PUBLISHED}, Status.PUBLISHED: {Status.WITHDRAWN}, Status.WITHDRAWN: {Status.DRAFT}},
    Status,
    describe=lambda obj: obj.title,
)


class Doc:
    title = "关于森林防火的通知"

    def __init__(self, status):
        self.status = status


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "published", True),
        ("draft", "withdrawn", False),
        ("published", "withdrawn", True),
        ("published", "draft", False),
        ("withdrawn", "draft", True),
        ("withdrawn", "published", False),
    ],
)
def test_the_table_decides_every_move(current, target, allowed):
    assert TABLE.allows(current, target) is allowed


def test_a_forbidden_move_names_the_object_and_both_statuses_in_chinese():
    with pytest.raises(IllegalTransition, match="“关于森林防火的通知”不能从“草稿”变为“已撤回”"):
        TABLE.check(Doc("draft"), "withdrawn")


def test_a_table_with_an_unknown_status_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown statuses"):
        Transitions({"draft": {"archived"}}, Status)


def test_audited_update_saves_only_the_changed_fields_and_records_them(prefecture):
    prefecture.refresh_from_db()
    changed = audited_update(
        prefecture, actor=None, verb="agency.update", changes={"short_name": "州政府"}, agency=prefecture
    )
    assert changed is True
    prefecture.refresh_from_db()
    assert prefecture.short_name == "州政府"
    event = AuditEvent.objects.filter(verb="agency.update").latest("pk")
    assert event.before == {"short_name": "州人民政府"} and event.after == {"short_name": "州政府"}
    assert event.agency_id == prefecture.pk


def test_audited_update_writes_no_event_when_nothing_changed(prefecture):
    before = AuditEvent.objects.count()
    assert audited_update(prefecture, actor=None, verb="agency.update", changes={"name": prefecture.name}) is False
    assert AuditEvent.objects.count() == before


def test_audited_update_validates_before_saving(prefecture):
    with pytest.raises(ValidationError):
        audited_update(prefecture, actor=None, verb="agency.update", changes={"credit_code": "not-a-code"})
    prefecture.refresh_from_db()
    assert prefecture.credit_code != "not-a-code"


def test_move_refuses_a_forbidden_move_before_touching_the_row(prefecture):
    doc = Doc("draft")
    with pytest.raises(IllegalTransition):
        move(doc, "withdrawn", transitions=TABLE, actor=None, verb="doc.withdraw")
    assert doc.status == "draft"
