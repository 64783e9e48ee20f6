"""The portal's browsing: an agency's category tree, its published items by category and year, the feed and
the filters' choices."""

from django.db.models import QuerySet

from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import Category, Item, Validity


def agency_ids(agencies) -> list[int]:
    """The ids of agencies given as objects or ids."""
    return [getattr(a, "pk", a) for a in agencies]


def category_tree(agency) -> list[tuple[Category, list[Category]]]:
    """The agency's active categories as (top level, children) pairs, in order."""
    categories = list(Category.objects.filter(agency=agency, is_active=True).order_by("sort_order", "pk"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    return [(c, children.get(c.pk, [])) for c in categories if c.parent_id is None]


def category_with_descendants(category: Category) -> list[int]:
    ids = [category.pk]
    frontier = [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def items_browse(*, agency=None, category: Category | None = None, year: int | None = None) -> QuerySet[Item]:
    items = items_published().select_related("agency", "category").defer("body", "body_text")
    if agency is not None:
        items = items.filter(agency=agency)
    if category is not None:
        items = items.filter(category_id__in=category_with_descendants(category))
    if year:
        items = items.filter(published_at__year=year)
    return items.order_by("-published_at", "-pk")


def published_years(agency) -> list[int]:
    return sorted({d.year for d in items_published().filter(agency=agency).dates("published_at", "year")}, reverse=True)


def items_for_feed(*, agency, category: Category | None = None, limit: int = 50) -> list[Item]:
    return list(items_browse(agency=agency, category=category)[:limit])


def validity_choices_for_filter() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Validity.choices]
