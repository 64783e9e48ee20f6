"""Registries the apps fill when Django starts: portal sections, dashboard panels and the portal pages' names.

They live at the bottom of the dependency order so that a domain app can add its own portal section or
back-office panel without importing the portal or back-office apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix


@dataclass(frozen=True)
class PortalSection:
    key: str
    label: str
    # agency -> URL of this section for that agency: from its slug only (the URL is kept per slug, below)
    url_for_agency: Callable
    order: int = 100


_sections: dict[str, PortalSection] = {}


def register_portal_section(section: PortalSection) -> None:
    _sections[section.key] = section


def portal_sections() -> list[PortalSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# (section, agency slug, script prefix) → URL, per process: reversing the nine sections' URLs cost a third of a
# millisecond on every dynamic portal page (the application form, its receipt, tracking), and a URL depends only
# on the URL configuration, fixed while the process runs, and its arguments.
_section_urls: dict[tuple[str, str, str], str] = {}
SECTION_URLS_SIZE = 20_000


def _section_url(section: PortalSection, agency) -> str:
    key = (section.key, agency.slug, get_script_prefix())
    url = _section_urls.get(key)
    if url is None:
        url = section.url_for_agency(agency)
        if len(_section_urls) >= SECTION_URLS_SIZE:
            _section_urls.clear()
        _section_urls[key] = url
    return url


def portal_nav_items(agency, current: str = "") -> list[dict]:
    """The navigation bar for pages of `agency`: one link per registered section."""
    if agency is None:
        return []
    return [
        {"key": s.key, "label": s.label, "url": _section_url(s, agency), "current": s.key == current}
        for s in portal_sections()
    ]


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    # (request, agency) -> context dict for the panel's template, or None to hide the panel.
    context: Callable
    roles: frozenset[str]  # who sees it; "site_admin" for site administrators
    order: int = 100


_panels: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def dashboard_panels_for(roles: set[str]) -> list[DashboardPanel]:
    return sorted((p for p in _panels.values() if p.roles & roles), key=lambda p: (p.order, p.key))


@dataclass(frozen=True)
class StaffNavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset[str]  # who sees the link; "site_admin" for site administrators
    order: int = 100


_staff_nav: dict[str, StaffNavItem] = {}


def register_staff_nav_item(item: StaffNavItem) -> None:
    _staff_nav[item.key] = item


def staff_nav_items_for(roles: set[str]) -> list[StaffNavItem]:
    return sorted((i for i in _staff_nav.values() if i.roles & roles), key=lambda i: (i.order, i.key))


@dataclass(frozen=True)
class SlotPanel:
    """A section one app adds to a page of another: an application's appeals, the work queue's other deadlines.

    A page declares a slot by name (`{% slot "applications.application" obj %}`); panels registered for that
    slot are rendered there in order, each with its own template and context.
    """

    key: str
    slot: str
    template: str
    # (request, obj) -> the template's values (a dict), None to hide the panel, or the panel already rendered from
    # `template` (a SafeString: a panel that keeps its HTML between changes, as the case page's Article 44 panel)
    context: Callable
    order: int = 100


_slot_panels: dict[str, SlotPanel] = {}


def register_slot_panel(panel: SlotPanel) -> None:
    _slot_panels[panel.key] = panel


def slot_panels(slot: str) -> list[SlotPanel]:
    return sorted((p for p in _slot_panels.values() if p.slot == slot), key=lambda p: (p.order, p.key))


# 访问统计's 热门页面 (analytics/pages.py) names each counted portal page from its URL: a view name ("catalogue:item")
# → the page's name, or a function of the URL's keyword arguments that names one object's page and gives None when
# the object is gone. Each app names its own public pages when Django starts.
PageName = str | Callable[[dict], str | None]

_page_names: dict[str, PageName] = {}


def register_page_names(names: dict[str, PageName]) -> None:
    _page_names.update(names)


def page_name_for(view_name: str) -> PageName | None:
    return _page_names.get(view_name)


def page_name_from(model, field: str = "title") -> Callable[[dict], str | None]:
    """A page's name read from one field of the object the URL's `pk` names (None when the object is gone)."""
    return lambda kwargs: model._default_manager.filter(pk=kwargs["pk"]).values_list(field, flat=True).first()
