"""The one create/edit view of the back office: a FormView whose `form_valid` calls the service.

A page that creates or edits something subclasses `ServiceFormView`, says who may open it (`check_access`),
builds its form from plain `initial=` values (never a ModelForm over an instance the service will change, so the
service's before-snapshot sees the stored values), and calls the service in `perform`. A `ValidationError`
from the service goes back onto the form, field by field, and the page is shown again with everything the user
typed; an `IllegalTransition` becomes the form's error; a refusal (`PermissionDenied`) is a 403. No view outside
`core` catches `ValidationError` itself.

Wrap the view with the app's access decorator in its module, e.g. `item_new = staff_view(ItemNew.as_view())`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.generic.edit import FormView

from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors, initial_from


class ServiceFormView(FormView):
    """Show a form; on a valid POST call `perform`; on a service error show the form again with the errors."""

    success_message: str = ""
    invalid_status: int = 200
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load(**kwargs)
        self.check_access()
        return super().dispatch(request, *args, **kwargs)

    # --- hooks a page fills in

    def load(self, **kwargs: Any) -> None:
        """Fetch the objects the page works on (through their access functions) from the URL's arguments."""

    def check_access(self) -> None:
        """Raise `PermissionDenied` when the user may not use this page."""

    def perform(self, form: Any) -> Any:
        """Call the service with the form's cleaned data; return what it returns (kept as `self.result`)."""
        raise NotImplementedError

    def get_success_url(self) -> str:
        return super().get_success_url()

    # --- the flow

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(self.get_extra_form_kwargs())
        return kwargs

    def get_extra_form_kwargs(self) -> dict[str, Any]:
        return {}

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if message := self.get_success_message():
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return str(self.success_message)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=self.invalid_status)


class RecordFormView(ServiceFormView):
    """The create-or-edit page of one kind of record that belongs to an agency.

    With a `pk` in the URL the page edits the record `get_record(pk)` fetches once, through its access function;
    without one it creates a record in the user's current agency (`request.agency`). `may_edit(user, agency)`
    says who may do either (anyone else gets a 403). The edit form starts from the record's stored values
    (`initial=`) and never wraps the record, so the service snapshots what is stored. The template gets
    `record` (None on a create page) and `title`.
    """

    record: Any = None
    title: str = ""

    def load(self, pk: int | None = None, **kwargs: Any) -> None:
        if pk is not None:
            self.record = self.get_record(pk)

    def get_record(self, pk: int) -> Any:
        raise NotImplementedError

    def may_edit(self, user: Any, agency: Any) -> bool:
        raise NotImplementedError

    def record_agency(self) -> Any:
        return self.record.agency if self.record is not None else getattr(self.request, "agency", None)

    def check_access(self) -> None:
        agency = self.record_agency()
        if agency is None or not self.may_edit(self.request.user, agency):
            raise PermissionDenied

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.record is None:
            return initial
        return {**initial_from(self.record, self.get_form_class()), **initial}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("record", self.record)
        kwargs.setdefault("title", self.title)
        return super().get_context_data(**kwargs)
