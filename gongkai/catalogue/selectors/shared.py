"""What other apps read of the catalogue's items: the gazette's candidates, policy interpretations, public links.

Other apps read catalogue items only through the catalogue's selectors and access functions, never by querying
`catalogue.models` themselves (an import-linter contract in pyproject.toml holds their selectors to it), so a
rule about what is public or published lives here once.
"""

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import DocumentType, Item, ItemStatus, ReviewDecision

# A pure function of the models that other apps' reads need (条例 第四十四条: requests for the same 文号).
from gongkai.catalogue.models import normalise_document_number as normalise_document_number
from gongkai.core.stats import NotIndexed


def item_public_url(item: Item) -> str:
    """The catalogue's public page of a published item, or "" while it is not published or not mounted."""
    if item.status != ItemStatus.PUBLISHED:
        return ""
    try:
        return reverse("catalogue:item", kwargs={"pk": item.pk})
    except NoReverseMatch:
        return ""


def item_page_name(kwargs: dict) -> str | None:
    """An item's page (or its interpretation's) in 访问统计's 热门页面: its title (core/registry.py register_page_names)."""
    return Item.objects.filter(pk=kwargs["pk"]).values_list("title", flat=True).first()


def items_published_in_subtree(agency) -> QuerySet[Item]:
    """Published documents of the agency and the agencies below it, newest first."""
    return (
        Item.objects.filter(status=ItemStatus.PUBLISHED, agency__path__startswith=agency.path)
        .select_related("agency")
        .order_by("-published_at", "-id")
    )


def interpretations_published(agency) -> QuerySet[Item]:
    """An interpretation is a published catalogue item with an `interprets` link (条例 第二十条 with 解读)."""
    return (
        items_published()
        .filter(agency=agency, interprets__isnull=False)
        .select_related("interprets", "interprets__agency")
        .order_by("-published_at", "-id")
    )


def interpretations_of(item: Item) -> QuerySet[Item]:
    """The published interpretations of a document, for the document's own page."""
    return items_published().filter(interprets=item).order_by("published_at", "id")


def interpretable_documents(agency) -> QuerySet[Item]:
    """Published documents an interpretation of this agency may explain: its own and its superiors' documents."""
    return (
        items_published()
        .filter(agency_id__in=[*agency.ancestor_ids(), agency.pk])
        .filter(interprets__isnull=True)
        .exclude(document_type=DocumentType.INTERPRETATION)
        .order_by("-published_at", "-id")
    )


def interpretation_ids_published_in(*, agency_ids: list[int], year: int) -> QuerySet:
    """Ids of the interpretations of these agencies published in the year and still published."""
    return (
        Item.objects.filter(agency_id__in=agency_ids, status=ItemStatus.PUBLISHED, interprets__isnull=False)
        # Found through the link's index: interpretations are few, a province's items of the year millions
        # (a table read each). `> 0` selects the same rows (ids start at 1) but, unlike IS NOT NULL, lets
        # SQLite search that index; the date is then checked row by row (see NotIndexed).
        .filter(interprets__gt=0)
        .alias(published=NotIndexed("published_at"))
        .filter(published__year=year)
        .order_by()
        .values_list("pk", flat=True)
    )


def items_waiting_for_review_by(user, agency, roles) -> list[tuple[Item, str]]:
    """(item, step name) of the agency's items whose current review step is a role this user holds, which the
    user did not draft and has not yet passed in this round (三审三校: each step by a different person)."""
    waiting = []
    for item in Item.objects.filter(agency=agency, status=ItemStatus.IN_REVIEW).order_by("updated_at", "pk"):
        step = item.current_step()
        if step is None or step[1] not in roles or item.created_by_id == user.pk:
            continue
        last_submit = item.reviews.filter(decision=ReviewDecision.SUBMIT).order_by("-id").first()
        done = item.reviews.filter(decision=ReviewDecision.APPROVE, reviewer=user)
        if last_submit is not None:
            done = done.filter(id__gt=last_submit.id)
        if not done.exists():
            waiting.append((item, step[0]))
    return waiting


def items_withdrawn_by_rescan(agency) -> QuerySet[Item]:
    """The agency's items the nightly re-scan took off the portal (常态化监测), until restored or reopened."""
    return Item.objects.filter(agency=agency, status=ItemStatus.WITHDRAWN, withdrawn_by_rescan=True).order_by("pk")
