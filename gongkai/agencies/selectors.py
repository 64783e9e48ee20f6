"""Reading the agency tree."""

from dataclasses import dataclass, field

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
