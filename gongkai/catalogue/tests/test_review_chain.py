import pytest
from django.core.exceptions import ValidationError

from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import ItemStatus, ReviewDecision
from gongkai.catalogue.services import item_approve, item_reject, item_submit, item_withdraw
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer
from gongkai.core.errors import AccessDenied, IllegalTransition

pytestmark = pytest.mark.django_db


def test_an_item_passes_three_different_reviewers_and_is_published_with_an_index_number(prefecture, alice, rob, ann):
    rita = second_reviewer(prefecture)
    item = publish(alice, prefecture, [rob, rita, ann])
    assert item.status == ItemStatus.PUBLISHED
    assert item.index_number == f"{prefecture.credit_code}/{item.published_at.year}-00001"
    steps = list(item.reviews.filter(decision=ReviewDecision.APPROVE).values_list("step_name", "reviewer__username"))
    assert steps == [("初审", "rob"), ("复审", "rita"), ("终审", "ann")]
    assert all(item.reviews.filter(decision=ReviewDecision.APPROVE).values_list("proofread", flat=True))
    verbs = list(AuditEvent.objects.filter(object_id=str(item.pk)).values_list("verb", flat=True))
    assert "catalogue.item_publish" in verbs and verbs.count("catalogue.item_approve") == 3


def test_the_same_reviewer_cannot_do_two_steps(prefecture, alice, rob):
    item = item_submit(actor=alice, item=draft(alice, prefecture))
    item = item_approve(actor=rob, item=item, proofread=True)
    with pytest.raises(ValidationError, match="不同的人"):
        item_approve(actor=rob, item=item, proofread=True)
    item.refresh_from_db()
    assert item.review_position == 1


def test_the_author_cannot_review_their_own_item(prefecture, rob):
    item = item_submit(actor=rob, item=draft(rob, prefecture))
    with pytest.raises(ValidationError, match="起草人"):
        item_approve(actor=rob, item=item, proofread=True)


def test_a_step_needs_the_proofreading_sign_off(prefecture, alice, rob):
    item = item_submit(actor=alice, item=draft(alice, prefecture))
    with pytest.raises(ValidationError) as error:
        item_approve(actor=rob, item=item, proofread=False)
    assert "proofread" in error.value.message_dict


def test_a_clerk_cannot_do_the_final_approval(prefecture, alice, rob, kim):
    rita = second_reviewer(prefecture)
    item = item_submit(actor=alice, item=draft(alice, prefecture))
    item = item_approve(actor=rob, item=item, proofread=True)
    item = item_approve(actor=rita, item=item, proofread=True)
    with pytest.raises(AccessDenied):
        item_approve(actor=kim, item=item, proofread=True)
    with pytest.raises(AccessDenied):
        item_approve(actor=rob, item=item, proofread=True)


def test_rejection_returns_the_item_to_draft_with_the_comment(prefecture, alice, rob):
    item = item_submit(actor=alice, item=draft(alice, prefecture))
    with pytest.raises(ValidationError):
        item_reject(actor=rob, item=item, comment="  ")
    item = item_reject(actor=rob, item=item, comment="请补充施行日期")
    assert item.status == ItemStatus.DRAFT
    assert item.reviews.get(decision=ReviewDecision.REJECT).comment == "请补充施行日期"


def test_a_draft_cannot_be_withdrawn(prefecture, alice, ann):
    item = draft(alice, prefecture)
    with pytest.raises((IllegalTransition, AccessDenied)):
        item_withdraw(actor=ann, item=item, reason="误发")
