"""The names of the portal's pages in 访问统计's 热门页面.

A clerk reads "信息公开目录" and the title of a document, not `/catalogue/qdn/` and `/catalogue/items/1204/`. Each
app names its public pages when Django starts (`register_page_names` in gongkai/core/registry.py); the name is
read when the statistics are shown, so a page keeps its current title and a removed page shows its path alone.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import Resolver404, resolve

from gongkai.agencies.models import Agency
from gongkai.core.registry import page_name_for


def page_name(path: str) -> tuple[str, str]:
    """(the page's name, the agency slug its URL names): "" for a page this portal no longer has or a gone object."""
    try:
        match = resolve(path)
    except Resolver404:
        return "", ""
    namer = page_name_for(match.view_name)
    if namer is None:
        name = ""
    elif callable(namer):
        name = namer(match.kwargs) or ""
    else:
        name = str(namer)
    slug = match.kwargs.get("slug", "")
    return name, slug if isinstance(slug, str) else ""


def pages_named(rows: Iterable[Mapping[str, Any]], *, agency: Agency) -> list[dict[str, Any]]:
    """Each row of counted pages with its `name`, and `agency_name` where the page is another agency's.

    The overview is of one agency (with its subordinates, if asked): a subordinate's page says whose it is.
    """
    named = [(row, *page_name(row["path"])) for row in rows]
    slugs = {slug for _row, _name, slug in named if slug and slug != agency.slug}
    short_names = dict(Agency.objects.filter(slug__in=slugs).values_list("slug", "short_name")) if slugs else {}
    return [{**row, "name": name, "agency_name": short_names.get(slug, "")} for row, name, slug in named]
