from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongkai.core.registry import slot_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, obj=None):
    """Render the panels other apps registered for this slot of the page, in order."""
    request = context.get("request")
    parts = []
    for panel in slot_panels(name):
        panel_context = panel.context(request, obj)
        if panel_context is not None:
            parts.append(
                render_to_string(panel.template, {"obj": obj, "ctx": panel_context, **panel_context}, request=request)
            )
    return mark_safe("".join(parts))  # noqa: S308 - each part is a template rendered with autoescaping
