"""Reading the agency tree."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from gongkai.agencies.models import Agency


def agency_subtree(agency: Agency, *, include_self: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.filter(path__startswith=agency.path)
    return qs if include_self else qs.exclude(pk=agency.pk)


def agency_ancestors(agency: Agency) -> list[Agency]:
    by_id = Agency.objects.in_bulk(agency.ancestor_ids())
    return [by_id[i] for i in agency.ancestor_ids() if i in by_id]


def agency_roots() -> QuerySet[Agency]:
    return Agency.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "id")


def agency_by_slug(slug: str) -> Agency | None:
    return Agency.objects.filter(slug=slug, is_active=True).first()


def portal_home_agency() -> Agency | None:
    """The agency whose portal "/" is: GONGKAI_PORTAL_AGENCY, or the first root of the tree."""
    if settings.PORTAL_AGENCY and (agency := agency_by_slug(settings.PORTAL_AGENCY)):
        return agency
    return agency_roots().first()


def site_identity_agency(agency: Agency | None, ancestors: list[Agency] | None = None) -> Agency | None:
    """The agency whose site identity (ICP, 政府网站标识码) a public page's footer shows: the nearest one up the
    tree that has it, else the portal's home agency. Every public page asks this one function, so the footer
    is the same whichever app serves the page. `ancestors`: the agency's, when the page has read them already."""
    if agency is not None:
        above = agency_ancestors(agency) if ancestors is None else ancestors
        for candidate in [agency, *reversed(above)]:
            if candidate.site_code:
                return candidate
    return portal_home_agency()


# Slug -> agency id, per process, for a minute: the visit recorder and the page cache look it up on every hit.
_slug_ids: dict[str, tuple[float, int | None]] = {}
SLUG_CACHE_SECONDS = 60


def agency_id_for_slug(slug: str) -> int | None:
    """The id of the active agency with this slug, remembered for a minute in this process."""
    now = time.monotonic()
    cached = _slug_ids.get(slug)
    if cached and now - cached[0] < SLUG_CACHE_SECONDS:
        return cached[1]
    agency_id = Agency.objects.filter(slug=slug, is_active=True).values_list("pk", flat=True).first()
    if len(_slug_ids) > 10_000:
        _slug_ids.clear()
    _slug_ids[slug] = (now, agency_id)
    return agency_id


_root_id: list[tuple[float, int | None]] = []


def agency_root_id() -> int | None:
    """The id of the first active root agency, remembered for a minute in this process (the visit recorder
    counts pages of no particular agency, such as the home page, under it)."""
    now = time.monotonic()
    if _root_id and now - _root_id[0][0] < SLUG_CACHE_SECONDS:
        return _root_id[0][1]
    root_id = agency_roots().values_list("pk", flat=True).first()
    _root_id[:] = [(now, root_id)]
    return root_id


def forget_agency_slugs() -> None:
    _slug_ids.clear()
    _root_id.clear()


def agency_report_members(agency: Agency) -> list[Agency]:
    """The agencies whose records one annual report covers: the agency and those reporting with it."""
    return [agency, *agency.joint_reporters.order_by("sort_order", "id")]


def agency_report_name(agency: Agency) -> str:
    """黔东南州人民政府(州政府办公室): the agency's name with its joint reporters' short names, as in the seed."""
    joint = [a.short_name for a in agency.joint_reporters.order_by("sort_order", "id")]
    return f"{agency.name}({'、'.join(joint)})" if joint else agency.name


@dataclass
class AgencyNode:
    agency: Agency
    children: list["AgencyNode"] = field(default_factory=list)


def agency_tree(agencies: QuerySet[Agency] | list[Agency]) -> list[AgencyNode]:
    """Nest a set of agencies by parent; an agency whose parent is not in the set becomes a root."""
    ordered = sorted(agencies, key=lambda a: (a.depth, a.sort_order, a.pk))
    nodes = {a.pk: AgencyNode(a) for a in ordered}
    roots: list[AgencyNode] = []
    for a in ordered:
        parent = nodes.get(a.parent_id) if a.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[a.pk])
    return roots


def agency_tree_rows(agencies) -> list[tuple[int, Agency]]:
    """The tree flattened depth-first with the indentation level of each agency, for lists and selects."""
    rows: list[tuple[int, Agency]] = []

    def walk(nodes: list[AgencyNode], level: int) -> None:
        for node in nodes:
            rows.append((level, node.agency))
            walk(node.children, level + 1)

    walk(agency_tree(agencies), 0)
    return rows


def agencies_public() -> QuerySet[Agency]:
    """The agencies the portal shows (active ones), in tree order: what the public directory and API list."""
    return Agency.objects.filter(is_active=True).order_by("path")
