from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("门户网站")

    def ready(self) -> None:
        from django.urls import reverse

        from gongkai.core.pagecache import set_change_classifier
        from gongkai.core.registry import PortalSection, register_page_names, register_portal_section
        from gongkai.portal.pagecache import classify_change

        set_change_classifier(classify_change)

        register_portal_section(
            PortalSection("about", _("机构概况"), lambda agency: reverse("portal:agency", args=[agency.slug]), order=10)
        )
        register_portal_section(
            PortalSection("directory", _("机构导航"), lambda agency: reverse("portal:directory"), order=90)
        )
        register_page_names(
            {"portal:home": _("门户首页"), "portal:directory": _("机构导航"), "portal:agency": _("机关首页")}
        )
