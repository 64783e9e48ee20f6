"""Back office: register reconsideration and litigation cases, follow their deadlines and record their results."""

import os

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.accounts.staff import staff_view
from gongkai.appeals import services
from gongkai.appeals.forms import (
    AnswerForm,
    DecisionForm,
    DocumentForm,
    LawsuitForm,
    LawsuitProgressForm,
    ReconsiderationForm,
)
from gongkai.appeals.models import AppealResult
from gongkai.appeals.selectors import (
    appeal_application_links,
    appeal_deadlines,
    lawsuit_get_for_user,
    lawsuits_visible_to,
    reconsideration_get_for_user,
    reconsiderations_visible_to,
)
from gongkai.applications.access import applications_visible_to
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.forms import initial_from
from gongkai.core.storage import file_response
from gongkai.core.views import ServiceFormView

ACTING = (Role.CLERK, Role.AGENCY_ADMIN, Role.APPROVER)


def _require_current_agency(request):
    if request.agency is None:
        raise Http404
    if not user_has_role(request.user, request.agency, *ACTING):
        raise PermissionDenied


@staff_view
def appeal_list(request):
    agencies = [request.agency] if request.agency else []
    return render(
        request,
        "appeals/list.html",
        {
            "reconsiderations": reconsiderations_visible_to(request.user).filter(agency__in=agencies),
            "lawsuits": lawsuits_visible_to(request.user).filter(agency__in=agencies),
            "deadlines": appeal_deadlines(agencies=agencies, today=timezone.localdate()),
            "can_register": request.agency is not None and user_has_role(request.user, request.agency, *ACTING),
        },
    )


class CaseRegister(ServiceFormView):
    """Register a reconsideration or a lawsuit of the current agency (links given in the query string)."""

    template_name = "appeals/form.html"
    title = ""

    def check_access(self) -> None:
        _require_current_agency(self.request)

    def get_initial(self):
        return {name: self.request.GET.get(name) for name in ("application", "reconsideration")}

    def get_extra_form_kwargs(self):
        return {"applications": applications_visible_to(self.request.user).filter(agency=self.request.agency)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class ReconsiderationNew(CaseRegister):
    form_class = ReconsiderationForm
    title = _("登记行政复议")

    def perform(self, form):
        return services.reconsideration_register(
            actor=self.request.user, agency=self.request.agency, **form.cleaned_data
        )

    def get_success_message(self) -> str:
        return _("已登记行政复议案件，书面答复期限为%(due)s。") % {"due": self.result.answer_due or "—"}

    def get_success_url(self) -> str:
        return reverse("appeals:reconsideration", args=[self.result.pk])


class LawsuitNew(CaseRegister):
    form_class = LawsuitForm
    title = _("登记行政诉讼")

    def get_extra_form_kwargs(self):
        reconsiderations = reconsiderations_visible_to(self.request.user).filter(agency=self.request.agency)
        return {**super().get_extra_form_kwargs(), "reconsiderations": reconsiderations}

    def perform(self, form):
        return services.lawsuit_register(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_message(self) -> str:
        return _("已登记行政诉讼案件，答辩期限为%(due)s。") % {"due": self.result.defence_due or "—"}

    def get_success_url(self) -> str:
        return reverse("appeals:lawsuit", args=[self.result.pk])


reconsideration_new = staff_view(ReconsiderationNew.as_view())
lawsuit_new = staff_view(LawsuitNew.as_view())


def _may_act(user, case) -> bool:
    return user_has_role(user, case.agency, *ACTING)


# A case file's documents (复议决定书, 起诉状, 判决书 ...), on both kinds of case.
DOCUMENT_ACTION = Action(
    "document", _("上传"), call_service(services.appeal_document_add, "case"), form=DocumentForm,
    form_kwargs=lambda case: {"prefix": "doc"}, allowed=_may_act, success=_("文书已上传。"),
)  # fmt: skip

# 行政复议法 第四十八条: the agency answers in writing within ten days; then the organ decides.
RECONSIDERATION_ACTIONS = ActionSet(
    [
        Action("answer", _("保存"), call_service(services.reconsideration_record_answer, "case"), form=AnswerForm,
               form_kwargs=lambda case: {"prefix": "answer"}, allowed=_may_act,
               possible=lambda case: not case.answer_sent_on, success=_("书面答复已登记。")),
        Action("decide", _("保存"), call_service(services.reconsideration_decide, "case"), form=DecisionForm,
               form_kwargs=lambda case: {"prefix": "decide"}, allowed=_may_act,
               possible=lambda case: case.result == AppealResult.PENDING, success=_("复议结果已登记。")),
        DOCUMENT_ACTION,
    ]
)  # fmt: skip

LAWSUIT_ACTIONS = ActionSet(
    [
        Action("progress", _("保存"), call_service(services.lawsuit_update, "case"), form=LawsuitProgressForm,
               form_kwargs=lambda case: {"prefix": "p", "initial": initial_from(case, LawsuitProgressForm)},
               allowed=_may_act, success=_("案件进展已保存。")),
        DOCUMENT_ACTION,
    ]
)  # fmt: skip


def _case_page(template, actions, **context):
    """The page of one kind of case: its facts, the links to its application, and its forms."""

    def page(request, case, *, bound=None, status=200):
        return render(
            request,
            template,
            {
                "case": case,
                "can_act": _may_act(request.user, case),
                "actions": {a.name: a for a in actions.available(request.user, case, bound=bound)},
                **{name: state(case, timezone.localdate()) for name, state in context.items()},
                **appeal_application_links(case),
            },
            status=status,
        )

    return page


_reconsideration_page = _case_page(
    "appeals/reconsideration.html", RECONSIDERATION_ACTIONS, answer_state=lambda case, today: case.answer_state(today)
)
_lawsuit_page = _case_page(
    "appeals/lawsuit.html", LAWSUIT_ACTIONS, defence_state=lambda case, today: case.defence_state(today)
)


def _case_view(actions, page, url_name):
    """The page of one kind of case: GET shows it, a POST runs the action its button names."""

    def view(request, case):
        if request.method == "POST":
            url = reverse(url_name, args=[case.pk])
            return run_action(request, actions, request.POST.get("action", ""), case, page=page, success_url=url)
        return page(request, case)

    return view


_show_reconsideration = _case_view(RECONSIDERATION_ACTIONS, _reconsideration_page, "appeals:reconsideration")
_show_lawsuit = _case_view(LAWSUIT_ACTIONS, _lawsuit_page, "appeals:lawsuit")


@staff_view
def reconsideration_detail(request, pk: int):
    return _show_reconsideration(request, reconsideration_get_for_user(request.user, pk))


@staff_view
def lawsuit_detail(request, pk: int):
    return _show_lawsuit(request, lawsuit_get_for_user(request.user, pk))


@staff_view
def reconsideration_document(request, pk: int, document_id: int):
    """A case document, sent only to staff who may see the case (the file lives in the private root)."""
    case = reconsideration_get_for_user(request.user, pk)
    document = get_object_or_404(case.documents, pk=document_id)
    return file_response(document.file, filename=_document_filename(document))


@staff_view
def lawsuit_document(request, pk: int, document_id: int):
    case = lawsuit_get_for_user(request.user, pk)
    document = get_object_or_404(case.documents, pk=document_id)
    return file_response(document.file, filename=_document_filename(document))


def _document_filename(document) -> str:
    extension = os.path.splitext(document.file.name)[1]
    return f"{document.title}{extension}"
