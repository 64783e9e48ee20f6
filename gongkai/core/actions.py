"""Workflow buttons declared once and run by one runner.

An `Action` says what a button on a staff page does: its name and label, the service it calls, the form it
takes (if any), who may run it (`allowed`) and in which state it makes sense (`possible`). An `ActionSet` groups
the actions of one kind of object. The page asks the set which actions to show (`ActionSet.available`), and the
POST goes through `run_action`, so the buttons on a page and the answers to a POST come from the same
declarations and every app answers the same way:

- the user may not run the action (`allowed` is false, or the service raises `PermissionDenied`): 403;
- the form is invalid, or the service raises `ValidationError` or `IllegalTransition`: the page again, status
  400, with the errors on the action's form and everything the user typed kept;
- success: a message and a redirect (post/redirect/get).

Modelled on Wagtail's `wagtail/actions/` (check, then execute) and Django's `FormMixin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors


class ActionForm(forms.Form):
    """The form of an action that takes no input: it exists to carry the service's errors back to the page."""


def call_service(
    service: Callable[..., Any], obj_arg: str = "", **fixed: Any
) -> Callable[[HttpRequest, Any, dict], Any]:
    """The usual `perform`: `service(actor=request.user, <obj_arg>=obj, **the form's data, **fixed)`.

    Without `obj_arg` the object is not passed (a page whose actions create or name their own objects).
    """

    def perform(request: HttpRequest, obj: Any, data: dict) -> Any:
        return service(actor=request.user, **({obj_arg: obj} if obj_arg else {}), **data, **fixed)

    return perform


def always(user: Any, obj: Any) -> bool:
    return True


def in_any_state(obj: Any) -> bool:
    return True


class PageRenderer(Protocol):
    def __call__(self, request: HttpRequest, obj: Any, *, bound: BoundAction | None, status: int) -> HttpResponse: ...


@dataclass(frozen=True)
class Action:
    """One workflow step a staff page offers.

    `perform(request, obj, data)` calls the service with the form's cleaned data and returns what it returns.
    `allowed(user, obj)` says who may (a role check; false → 403); `possible(obj)` says whether the object's
    state offers the step now (false → the page does not show the button; the service still has the last word
    and raises `IllegalTransition` if a stale page posts it anyway). `success` is the message after it ran, or a
    function of the object that returns it (e.g. to name the new status).
    """

    name: str
    label: str
    perform: Callable[[HttpRequest, Any, dict], Any]
    form: type[forms.Form] | None = None
    form_kwargs: Callable[[Any], dict] | None = None
    allowed: Callable[[Any, Any], bool] = always
    possible: Callable[[Any], bool] = in_any_state
    success: str | Promise | Callable[[Any], str] = _("已保存。")
    url: Callable[[Any], str] | None = None
    style: str = ""
    confirm: str = ""
    order: int = 0

    def make_form(self, obj: Any, data: Any = None, files: Any = None) -> forms.Form:
        form_class = self.form or ActionForm
        kwargs: dict[str, Any] = {}
        if self.form_kwargs is not None:
            kwargs.update(self.form_kwargs(obj))
        return form_class(data, files, **kwargs)

    def offered_to(self, user: Any, obj: Any) -> bool:
        return bool(self.allowed(user, obj) and self.possible(obj))


@dataclass
class BoundAction:
    """An action as one page shows it: its declaration, the form to render (bound after a failed POST) and the
    URL its form posts to.

    Given the object instead of a form, the form is built the first time it is read: a page that shows some
    actions folded (only their label until the user opens them) builds and renders no form for those.
    """

    action: Action
    bound_form: forms.Form | None = None
    url: str = ""
    failed: bool = False
    obj: Any = None

    @property
    def form(self) -> forms.Form:
        if self.bound_form is None:
            self.bound_form = self.action.make_form(self.obj)
        return self.bound_form

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def has_fields(self) -> bool:
        return bool(self.form.fields)


@dataclass
class ActionSet:
    """The actions of one kind of object, in the order of the work."""

    actions: Iterable[Action]
    by_name: dict[str, Action] = field(init=False)
    # A URL pattern taking (obj.pk, action name), for the actions that declare no `url` of their own.
    url_name: str = ""

    def __post_init__(self) -> None:
        self.actions = tuple(self.actions)
        self.by_name = {a.name: a for a in self.actions}
        if len(self.by_name) != len(self.actions):
            raise ValueError("two actions share a name")

    def __iter__(self):
        return iter(self.actions)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def get(self, name: str) -> Action:
        try:
            return self.by_name[name]
        except KeyError:
            raise Http404 from None

    def available(self, user: Any, obj: Any, *, bound: BoundAction | None = None) -> list[BoundAction]:
        """The actions this user can run on this object now, in order; the bound one keeps its errors."""
        offered = []
        for action in self.actions:
            if bound is not None and bound.action is action and bound.url == self.url_for(action, obj):
                # The action that was just posted for this object (a page listing several objects, such as
                # the rows of a table, shows its errors on the row it came from only).
                offered.append(bound)
            elif action.offered_to(user, obj):
                offered.append(BoundAction(action, url=self.url_for(action, obj), obj=obj))
        return offered

    def url_for(self, action: Action, obj: Any) -> str:
        if action.url is not None:
            return action.url(obj)
        return reverse(self.url_name, args=[obj.pk, action.name]) if self.url_name else ""

    def names_available(self, user: Any, obj: Any) -> set[str]:
        return {a.name for a in self.actions if a.offered_to(user, obj)}


def run_action(
    request: HttpRequest,
    actions: ActionSet,
    name: str,
    obj: Any,
    *,
    page: PageRenderer,
    success_url: Callable[[Any], str] | str,
) -> HttpResponse:
    """Run one declared action for a POST and answer the same way in every app (see the module's docstring)."""
    if request.method != "POST":
        raise Http404
    action = actions.get(name)
    if not action.allowed(request.user, obj):
        raise PermissionDenied
    form = action.make_form(obj, request.POST, request.FILES)
    bound = BoundAction(action, form, actions.url_for(action, obj), failed=True)
    if not form.is_valid():
        return page(request, obj, bound=bound, status=400)
    try:
        action.perform(request, obj, form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
    except IllegalTransition as exc:
        form.add_error(None, str(exc))
    else:
        text = action.success(obj) if callable(action.success) else action.success
        if text:
            messages.success(request, str(text))
        return redirect(success_url(obj) if callable(success_url) else success_url)
    # The service ran in a transaction that rolled back; the instance may still hold what it set in memory.
    if hasattr(obj, "refresh_from_db"):
        obj.refresh_from_db()
    return page(request, obj, bound=bound, status=400)
