from django import template
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.registry import slot_panels

register = template.Library()


def _render_panel(context, request, panel, values: dict) -> str:
    """A panel's template with its own values and what the context processors gave the page (request, user,
    csrf_token, the header's values), never the page's other variables (as `{% include ... only %}`).

    The processors already ran for the page: rendering each panel with the request would run them all again,
    once per panel.
    """
    index = getattr(context, "_processors_index", None)
    if index is None:  # not a page rendered with a request: as before
        return render_to_string(panel.template, values, request=request)
    processed = context.dicts[index]
    # The Django backend's wrapper holds the engine's Template, which renders a Context (the wrapper wants a dict).
    engine_template = get_template(panel.template).template  # type: ignore[attr-defined]
    return engine_template.render(context.new({**processed, **values}))


@register.simple_tag(takes_context=True)
def slot(context, name: str, obj=None):
    """Render the panels other apps registered for this slot of the page, in order."""
    request = context.get("request")
    parts: list[str] = []
    for panel in slot_panels(name):
        panel_context = panel.context(request, obj)
        if isinstance(panel_context, SafeString):  # the panel's HTML, rendered (and kept) by the panel itself
            parts.append(panel_context)
        elif panel_context is not None:
            parts.append(_render_panel(context, request, panel, {"obj": obj, "ctx": panel_context, **panel_context}))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a template rendered with autoescaping
