"""Section 二's first block (第二十条第（一）项) and the dashboard counts, computed from the catalogue."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalogue.models import DocumentType, Item, ItemStatus, Validity
from gongkai.catalogue.selectors import (
    catalogue_article20_1,
    catalogue_items_published,
    catalogue_published_with_personal_data,
    catalogue_review_backlog,
)
from gongkai.catalogue.services import item_submit
from gongkai.catalogue.tests.factories import category, draft

pytestmark = pytest.mark.django_db


def _document(agency, kind, written, **fields):
    return Item.objects.create(
        agency=agency,
        title=f"{kind} {written}",
        category=category(agency, "normative" if kind == DocumentType.NORMATIVE else "rules"),
        document_type=kind,
        status=fields.pop("status", ItemStatus.PUBLISHED),
        date_written=written,
        published_at=timezone.make_aware(dt.datetime.combine(written, dt.time(9))),
        **fields,
    )


@pytest.mark.parametrize(
    ("written", "fields", "issued", "repealed", "in_force"),
    [
        (dt.date(2024, 3, 1), {}, 1, 0, 1),
        (dt.date(2020, 3, 1), {}, 0, 0, 1),
        (dt.date(2020, 3, 1), {"validity": Validity.REPEALED, "repealed_on": dt.date(2024, 6, 1)}, 0, 1, 0),
        (dt.date(2020, 3, 1), {"validity": Validity.REPEALED, "repealed_on": dt.date(2025, 1, 1)}, 0, 0, 1),
        (dt.date(2024, 3, 1), {"validity": Validity.REPEALED, "repealed_on": dt.date(2024, 9, 1)}, 1, 1, 0),
        (dt.date(2019, 1, 1), {"validity": Validity.EXPIRED, "expires_on": dt.date(2023, 12, 31)}, 0, 0, 0),
        (dt.date(2019, 1, 1), {"expires_on": dt.date(2024, 12, 31)}, 0, 0, 1),
        (dt.date(2024, 12, 1), {"effective_from": dt.date(2025, 1, 1)}, 1, 0, 0),
        (dt.date(2025, 1, 2), {}, 0, 0, 0),
        (dt.date(2024, 3, 1), {"status": ItemStatus.DRAFT}, 0, 0, 0),
    ],
)
def test_article20_1_cells_for_one_normative_document(prefecture, written, fields, issued, repealed, in_force):
    item = _document(prefecture, DocumentType.NORMATIVE, written, **fields)
    cells = catalogue_article20_1(agencies=[prefecture], year=2024)
    assert (cells["normative.issued"].value, cells["normative.repealed"].value, cells["normative.in_force"].value) == (
        issued,
        repealed,
        in_force,
    )
    assert cells["rules.issued"].value == cells["rules.in_force"].value == 0
    if issued:
        assert cells["normative.issued"].ids == (item.pk,) and cells["normative.issued"].model == "catalogue.item"


def test_rules_and_normative_documents_are_told_apart_by_document_type(prefecture, finance):
    rule = _document(prefecture, DocumentType.RULES, dt.date(2024, 5, 1))
    _document(prefecture, DocumentType.NORMATIVE, dt.date(2024, 5, 1))
    _document(finance, DocumentType.RULES, dt.date(2024, 5, 1))
    cells = catalogue_article20_1(agencies=[prefecture], year=2024)
    assert cells["rules.issued"].ids == (rule.pk,)
    assert cells["normative.issued"].value == 1
    assert set(cells) == {f"{k}.{c}" for k in ("rules", "normative") for c in ("issued", "repealed", "in_force")}


def test_items_published_in_the_year(prefecture):
    a = _document(prefecture, DocumentType.OTHER, dt.date(2024, 1, 5))
    _document(prefecture, DocumentType.OTHER, dt.date(2023, 12, 5))
    assert catalogue_items_published(agencies=[prefecture], year=2024).ids == (a.pk,)


def test_review_backlog_and_published_personal_data(prefecture, alice):
    waiting = item_submit(actor=alice, item=draft(alice, prefecture))
    leaked = _document(prefecture, DocumentType.OTHER, dt.date(2024, 1, 5), personal_data_found=True)
    assert catalogue_review_backlog(agencies=[prefecture]).ids == (waiting.pk,)
    assert catalogue_published_with_personal_data(agencies=[prefecture.pk]).ids == (leaked.pk,)


def test_publishing_a_repealing_document_repeals_the_old_one(prefecture, alice, rob, ann):
    from gongkai.catalogue.tests.factories import publish, second_reviewer

    reviewers = [rob, second_reviewer(prefecture), ann]
    old = publish(alice, prefecture, reviewers, title="旧办法")
    new = publish(alice, prefecture, reviewers, title="新办法", repeals=old, document_number="黔东南府发〔2024〕9号")
    old.refresh_from_db()
    assert old.validity == Validity.REPEALED and old.repealed_on == timezone.localtime(new.published_at).date()
