from django import template

from gongkai.audit.verbs import audit_verb_label

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    return audit_verb_label(verb)


@register.simple_tag
def field_label(event, name: str) -> str:
    """The Chinese name of a changed field (its verbose_name), falling back to the stored key."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(event.object_type)
        field_name = name[:-3] if name.endswith("_id") else name
        return str(model._meta.get_field(field_name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
