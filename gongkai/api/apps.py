from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The open-data layer: the public JSON API at /api/v1/, bulk downloads and API keys (top layer)."""

    name = "gongkai.api"
    label = "api"
    verbose_name = _("开放数据")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from gongkai.api import tasks
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.core.registry import (
            PortalSection,
            StaffNavItem,
            register_page_names,
            register_portal_section,
            register_staff_nav_item,
        )

        register_audit_verbs(
            {
                "api_key.issue": _("签发接口密钥"),
                "api_key.revoke": _("吊销接口密钥"),
            }
        )
        register_staff_nav_item(
            StaffNavItem("api_keys", _("接口密钥"), "api_staff:keys", frozenset({"site_admin"}), 95)
        )
        # The catalogue's published record changes → its bulk files are rewritten after the commit (tasks.py).
        post_save.connect(tasks.audit_event_saved, sender="audit.AuditEvent", dispatch_uid="opendata_bulk_changes")
        register_portal_section(PortalSection("opendata", _("数据下载"), lambda a: _downloads_url(a), 90))
        register_page_names({"opendata:downloads": _("数据下载"), "api-v1:openapi-view": _("开放接口文档")})


def _downloads_url(agency) -> str:
    from django.urls import reverse

    return reverse("opendata:downloads") + f"?agency={agency.slug}"
