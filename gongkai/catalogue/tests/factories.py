"""Helpers that build catalogue items through the services, for the tests."""

import datetime as dt

from django.utils import timezone

from conftest import make_user
from gongkai.accounts.models import Role
from gongkai.catalogue.models import Category, DocumentType, Item
from gongkai.catalogue.services import (
    category_tree_ensure_default,
    item_approve,
    item_create,
    item_submit,
)


def category(agency, code: str = "normative") -> Category:
    category_tree_ensure_default(actor=None, agency=agency)
    return Category.objects.get(agency=agency, code=code)


def draft(author, agency, **fields) -> Item:
    values = {
        "title": "关于做好2024年春季森林防火工作的通知",
        "summary": "部署春季森林防火工作。",
        "body": "<p>各县（市）人民政府，州直各部门：</p><p>为切实做好春季森林防火工作，现将有关事项通知如下。</p>",
        "category": category(agency, fields.pop("category_code", "normative")),
        "document_type": DocumentType.NORMATIVE,
        "document_number": "黔东南府办发〔2024〕12号",
        "date_written": timezone.localdate() - dt.timedelta(days=3),
        **fields,
    }
    return item_create(actor=author, agency=agency, **values)


def second_reviewer(agency):
    from gongkai.accounts.models import User

    return User.objects.filter(username="rita").first() or make_user("rita", (agency, Role.REVIEWER), full_name="吴婷")


def publish(author, agency, reviewers, **fields) -> Item:
    """Draft, submit and pass the three default review steps."""
    item = draft(author, agency, **fields)
    item = item_submit(actor=author, item=item)
    for reviewer in reviewers:
        item = item_approve(actor=reviewer, item=item, proofread=True)
    return item
