"""The action runner and the service form view answer the same way for every app."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.errors import IllegalTransition
from gongkai.core.views import RecordFormView, ServiceFormView


class Thing:
    def __init__(self, status="draft"):
        self.status = status
        self.calls = []


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见")


def _perform(request, thing, data):
    if data.get("comment") == "bad":
        raise ValidationError({"comment": "意见不能写 bad"})
    if thing.status == "done":
        raise IllegalTransition("已办结的事项不能再退回。")
    thing.calls.append(data)


ACTIONS = ActionSet(
    [
        Action(
            name="return",
            label="退回",
            perform=_perform,
            form=CommentForm,
            allowed=lambda user, thing: getattr(user, "may", False),
            possible=lambda thing: thing.status == "draft",
            success="已退回。",
        ),
        Action(name="noop", label="无", perform=lambda request, thing, data: thing.calls.append("noop")),
    ]
)


def _request(data, may=True):
    request = RequestFactory().post("/x/", data)
    request.user = AnonymousUser()
    request.user.may = may
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _page(request, thing, *, bound, status):
    errors = bound.form.errors.as_text() if bound else ""
    typed = bound.form.data.get("comment", "") if bound else ""
    return HttpResponse(f"page {errors} typed={typed}", status=status)


def test_a_valid_action_calls_the_service_and_redirects():
    thing = Thing()
    response = run_action(_request({"comment": "请核对"}), ACTIONS, "return", thing, page=_page, success_url="/done/")
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert thing.calls == [{"comment": "请核对"}]


def test_a_refused_user_gets_403_and_the_service_is_not_called():
    thing = Thing()
    with pytest.raises(PermissionDenied):
        run_action(_request({"comment": "x"}, may=False), ACTIONS, "return", thing, page=_page, success_url="/")
    assert thing.calls == []


def test_an_invalid_form_shows_the_page_again_with_400_and_what_was_typed():
    response = run_action(_request({"comment": ""}), ACTIONS, "return", Thing(), page=_page, success_url="/")
    assert response.status_code == 400 and "comment" in response.content.decode()


def test_a_service_validation_error_lands_on_the_field_and_keeps_the_input():
    response = run_action(_request({"comment": "bad"}), ACTIONS, "return", Thing(), page=_page, success_url="/")
    page = response.content.decode()
    assert response.status_code == 400 and "bad" in page and "typed=bad" in page


def test_an_illegal_transition_is_the_forms_error_not_a_500():
    response = run_action(_request({"comment": "ok"}), ACTIONS, "return", Thing("done"), page=_page, success_url="/")
    assert response.status_code == 400 and "已办结的事项不能再退回" in response.content.decode()


def test_an_unknown_action_is_404():
    with pytest.raises(Http404):
        run_action(_request({}), ACTIONS, "explode", Thing(), page=_page, success_url="/")


def test_a_page_offers_only_the_actions_the_runner_would_accept():
    user = AnonymousUser()
    user.may = True
    assert [a.name for a in ACTIONS.available(user, Thing())] == ["return", "noop"]
    assert [a.name for a in ACTIONS.available(user, Thing("done"))] == ["noop"]
    user.may = False
    assert [a.name for a in ACTIONS.available(user, Thing())] == ["noop"]


class NameForm(forms.Form):
    name = forms.CharField(label="名称")


class RenameView(ServiceFormView):
    form_class = NameForm
    template_name = "core/action.html"  # any template renders; the test reads the status and the form
    success_url = "/renamed/"
    success_message = "已保存。"

    def perform(self, form):
        if form.cleaned_data["name"] == "重名":
            raise ValidationError({"name": "名称已被使用"})
        return form.cleaned_data["name"]

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        return HttpResponse(f"{form.errors.as_text()} {form.data.get('name', '')}", status=kwargs.get("status", 200))


def test_the_service_form_view_redirects_after_the_service_succeeds():
    response = RenameView.as_view()(_request({"name": "新名称"}))
    assert response.status_code == 302 and response["Location"] == "/renamed/"


def test_the_service_form_view_hands_the_services_errors_back_to_the_form():
    response = RenameView.as_view()(_request({"name": "重名"}))
    body = response.content.decode()
    assert response.status_code == 200 and "名称已被使用" in body and "重名" in body


ROW_ACTIONS = ActionSet(
    [
        Action(
            name="return",
            label="退回",
            perform=_perform,
            form=CommentForm,
            url=lambda thing: f"/things/{id(thing)}/return/",
            success=lambda thing: f"已退回，共 {len(thing.calls)} 次。",
        ),
    ]
)


def test_a_failed_action_keeps_its_errors_on_its_own_row_only():
    posted, other = Thing(), Thing()
    seen = {}

    def page(request, thing, *, bound, status):
        seen["posted"] = ROW_ACTIONS.available(request.user, posted, bound=bound)[0]
        seen["other"] = ROW_ACTIONS.available(request.user, other, bound=bound)[0]
        return HttpResponse(status=status)

    response = run_action(_request({"comment": "bad"}), ROW_ACTIONS, "return", posted, page=page, success_url="/")
    assert response.status_code == 400
    assert seen["posted"].form.errors and seen["posted"].form.data["comment"] == "bad"
    assert not seen["other"].form.is_bound


def test_a_success_message_can_name_the_new_state_of_the_object():
    request = _request({"comment": "请核对"})
    run_action(request, ROW_ACTIONS, "return", Thing(), page=_page, success_url="/")
    assert [str(m) for m in request._messages] == ["已退回，共 1 次。"]


def _record_service(*, actor, thing, comment):
    thing.calls.append((actor, comment))


def test_call_service_passes_the_actor_the_object_and_the_forms_data():
    action = Action(name="note", label="备注", perform=call_service(_record_service, "thing"), form=CommentForm)
    thing = Thing()
    request = _request({"comment": "已核对"})
    run_action(request, ActionSet([action]), "note", thing, page=_page, success_url="/")
    assert thing.calls == [(request.user, "已核对")]


def test_an_action_set_with_a_url_name_gives_each_action_its_own_url(prefecture):
    actions = ActionSet(
        [Action(name="submit", label="提交", perform=_perform), Action(name="x", label="x", perform=_perform, url=str)],
        url_name="gazette_staff:issue_action",
    )
    user = AnonymousUser()
    urls = {a.name: a.url for a in actions.available(user, prefecture)}
    assert urls == {"submit": f"/staff/gazette/{prefecture.pk}/submit/", "x": str(prefecture)}


class ThingForm(forms.Form):
    name = forms.CharField(label="名称")
    short_name = forms.CharField(label="简称")


class ThingEdit(RecordFormView):
    form_class = ThingForm
    success_url = "/done/"

    def get_record(self, pk):
        from gongkai.agencies.models import Agency

        return Agency.objects.get(pk=pk)

    def record_agency(self):
        return self.record

    def may_edit(self, user, agency):
        return getattr(user, "may", False)

    def perform(self, form):
        return form.cleaned_data

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        return HttpResponse(f"{form['short_name'].value()}|{context['record'].pk}", status=kwargs.get("status", 200))


def test_a_record_form_view_starts_from_the_stored_values_and_refuses_who_may_not_edit(prefecture):
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    request.user.may = True
    response = ThingEdit.as_view()(request, pk=prefecture.pk)
    assert response.content.decode() == f"{prefecture.short_name}|{prefecture.pk}"
    request.user.may = False
    with pytest.raises(PermissionDenied):
        ThingEdit.as_view()(request, pk=prefecture.pk)
