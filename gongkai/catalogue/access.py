"""Who may see and change catalogue items, built on gongkai.accounts.access. Views never filter themselves."""

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.models import Role
from gongkai.catalogue.models import Item, ItemStatus

EDITOR_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)


def items_visible_to(user) -> QuerySet[Item]:
    """Items of the agencies the user may read (a supervisor: the subtree, read-only)."""
    return Item.objects.filter(agency__in=agencies_visible_to(user))


def item_get_for_user(user, pk) -> Item:
    item = items_visible_to(user).select_related("agency", "category").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def item_can_edit(user, item: Item) -> bool:
    """Drafts and withdrawn items: any acting role of the agency."""
    return item.status in (ItemStatus.DRAFT, ItemStatus.WITHDRAWN) and user_has_role(user, item.agency, *EDITOR_ROLES)


def item_can_correct(user, item: Item) -> bool:
    """A published item is corrected (with a visible note) by a reviewer, approver or agency administrator."""
    return item.status == ItemStatus.PUBLISHED and user_has_role(
        user, item.agency, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN
    )


def item_can_review(user, item: Item) -> bool:
    step = item.current_step()
    return step is not None and user_has_role(user, item.agency, step[1])


def item_can_withdraw(user, item: Item) -> bool:
    return item.status in (ItemStatus.PUBLISHED, ItemStatus.SCHEDULED) and user_has_role(
        user, item.agency, Role.APPROVER, Role.AGENCY_ADMIN
    )


def item_can_restore(user, item: Item) -> bool:
    """Putting back an item the re-scan withdrew: the approvers and administrators who may withdraw."""
    return (
        item.status == ItemStatus.WITHDRAWN
        and item.withdrawn_by_rescan
        and user_has_role(user, item.agency, Role.APPROVER, Role.AGENCY_ADMIN)
    )


def finding_can_override(user, item: Item) -> bool:
    return user_has_role(user, item.agency, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)


def items_can_import(user, agency) -> bool:
    """Bulk import of published items (they skip the three-level review): the agency administrator or approver."""
    return user_has_role(user, agency, Role.AGENCY_ADMIN, Role.APPROVER)


def catalogue_can_configure(user, agency) -> bool:
    """Category tree, word lists, review chain, index template, guide: the agency administrator."""
    return user_has_role(user, agency, Role.AGENCY_ADMIN)


def items_published() -> QuerySet[Item]:
    """What the public may see: published items of active agencies."""
    return Item.objects.filter(status=ItemStatus.PUBLISHED, agency__is_active=True)


def item_get_published(pk) -> Item:
    item = items_published().select_related("agency", "category", "interprets").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item
