"""Helpers shared by the forms of every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

# The first, empty choice of a select the user must answer (Django's default "---------" reads as nothing).
BLANK_LABEL = _("请选择")
# The empty choice of a select that may be left empty: it means "none".
NONE_LABEL = _("（无）")
DJANGO_BLANK = BLANK_CHOICE_DASH[0][1]  # "---------", also ModelChoiceField's default empty_label


class FormRenderer(DjangoTemplates):
    """Django's renderer (settings.FORM_RENDERER), with one change for every form, staff and public: a select's
    empty first choice, which Django labels "---------", says what it means: 请选择 when the field is required,
    （无） when it may be left empty. A choice given its own words (全部, 请选择已发布的文件) keeps them."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and widget.get("optgroups"):
            label = BLANK_LABEL if widget.get("attrs", {}).get("required") else NONE_LABEL
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option.get("label") == DJANGO_BLANK and str(option.get("value") or "") == "":
                        option["label"] = label
        return super().render(template_name, context, request)


def blank_choice(choices) -> list:
    """The choices after a first, empty one that says what to do (BLANK_LABEL): for a choice with no safe default
    (an outcome, a result, whom to consult), so that a required field is chosen, never submitted as preselected."""
    return [("", BLANK_LABEL), *choices]


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


class ListedChoiceIterator(ModelChoiceIterator):
    """A select's choices read with one plain query (the queryset's own list), not Django's `.iterator()`.

    On PostgreSQL `.iterator()` opens a server-side cursor: DECLARE, two FETCHes and CLOSE, four round trips for
    a list of a few dozen names (the case page's handler select, on every visit: issue #15). The choices offered
    by a form are short lists; streaming them saves nothing.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's field with its choices read as one list (`ListedChoiceIterator`); for selects shown on a page."""

    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """As `ModelChoiceField`, for several choices."""

    iterator = ListedChoiceIterator
