from django.urls import reverse

from gongkai.core.registry import staff_nav_items_for


def staff_nav(request):
    """The work links of the back-office menu, for the roles the staff view found (none on public pages)."""
    roles = getattr(request, "roles", None)
    if not roles:
        return {}
    return {
        "staff_nav_items": [
            {"key": i.key, "label": i.label, "url": reverse(i.url_name)} for i in staff_nav_items_for(roles)
        ]
    }
