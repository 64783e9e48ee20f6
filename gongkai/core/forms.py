"""Helpers shared by the forms of every app."""

from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field, so the page names what to fix."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def initial_from(obj, form_class) -> dict:
    """The stored values of `obj` for the fields of `form_class`, to fill an edit page's form with `initial=`.

    An edit form never wraps the instance the service will change (a ModelForm's validation would set the new
    values on it before the service snapshots the old ones); it starts from these values instead.
    """
    from django.forms.models import model_to_dict

    return model_to_dict(obj, fields=list(form_class.base_fields))
