"""The catalogue's portal sections, dashboard panels and back-office menu links (registered at start-up)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.models import ACTING_ROLES, Role
from gongkai.core.registry import (
    DashboardPanel,
    PortalSection,
    StaffNavItem,
    register_dashboard_panel,
    register_portal_section,
    register_staff_nav_item,
)

STAFF = frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"})


def review_queue(request, agency):
    from gongkai.catalogue.access import item_can_review, items_visible_to
    from gongkai.catalogue.models import ItemStatus

    waiting = [
        i
        for i in items_visible_to(request.user).filter(status=ItemStatus.IN_REVIEW).select_related("agency")[:200]
        if item_can_review(request.user, i)
    ]
    return {"items": waiting[:8], "count": len(waiting)} if waiting else None


def at_risk(request, agency):
    from gongkai.catalogue.access import items_visible_to
    from gongkai.catalogue.selectors import items_at_risk

    items = items_at_risk(items=items_visible_to(request.user), today=timezone.localdate())
    return {"items": items[:8], "count": len(items), "today": timezone.localdate()} if items else None


def supervision(request, agency):
    from gongkai.catalogue.selectors import catalogue_published_with_personal_data, catalogue_review_backlog

    agencies = list(agencies_visible_to(request.user).values_list("pk", flat=True))
    return {
        "backlog": catalogue_review_backlog(agencies=agencies),
        "personal": catalogue_published_with_personal_data(agencies=agencies),
    }


def register() -> None:
    register_portal_section(
        PortalSection("catalogue", _("信息公开目录"), lambda a: reverse("catalogue:browse", args=[a.slug]), order=20)
    )
    register_portal_section(
        PortalSection("guide", _("信息公开指南"), lambda a: reverse("catalogue:guide", args=[a.slug]), order=21)
    )
    register_portal_section(PortalSection("search", _("信息检索"), lambda a: reverse("catalogue:search"), order=22))
    register_staff_nav_item(StaffNavItem("catalogue", _("主动公开目录"), "catalogue_staff:items", STAFF, order=20))
    register_staff_nav_item(
        StaffNavItem("catalogue_monitoring", _("内容监测"), "catalogue_staff:monitoring", STAFF, order=22)
    )
    register_staff_nav_item(
        StaffNavItem(
            "catalogue_settings", _("目录设置"), "catalogue_staff:settings", frozenset({Role.AGENCY_ADMIN}), order=21
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            "catalogue_review_queue",
            "catalogue/panels/review_queue.html",
            review_queue,
            frozenset({Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN, "site_admin"}),
            order=10,
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            "catalogue_at_risk",
            "catalogue/panels/at_risk.html",
            at_risk,
            frozenset(ACTING_ROLES | {"site_admin"}),
            order=11,
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            "catalogue_supervision",
            "catalogue/panels/supervision.html",
            supervision,
            frozenset({Role.SUPERVISOR, "site_admin"}),
            order=12,
        )
    )


def item_page_agency(kwargs: dict):
    """The agency an item's public page belongs to, so the page cache keys it by that agency's versions."""
    from gongkai.catalogue.models import Item

    return Item.objects.filter(pk=kwargs.get("pk")).values_list("agency_id", flat=True).first()


def register_page_scopes() -> None:
    from gongkai.core.pagecache import register_page_scope

    register_page_scope("catalogue:item", item_page_agency)
    register_page_scope("catalogue:item_print", item_page_agency)


def register_page_names() -> None:
    """The catalogue's public pages as 访问统计's 热门页面 names them (gongkai/core/registry.py)."""
    from gongkai.catalogue.models import Category
    from gongkai.catalogue.selectors.shared import item_page_name
    from gongkai.core.registry import register_page_names as register

    def category_page(kwargs: dict) -> str | None:
        name = Category.objects.filter(agency__slug=kwargs["slug"], code=kwargs["category"]).values_list("name")
        return f"{_('政府信息公开目录')} · {name[0][0]}" if name else None

    register(
        {
            "catalogue:search": _("信息检索"),
            "catalogue:item": item_page_name,
            "catalogue:item_print": lambda kwargs: (
                _("打印：%(title)s") % {"title": t} if (t := item_page_name(kwargs)) else None
            ),
            "catalogue:browse": _("政府信息公开目录"),
            "catalogue:browse_category": category_page,
            "catalogue:guide": _("政府信息公开指南"),
        }
    )
