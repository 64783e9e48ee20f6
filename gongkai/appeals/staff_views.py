"""Back office: register reconsideration and litigation cases, follow their deadlines and record their results."""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

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
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.core.storage import file_response

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


def _applications_for(request):
    return applications_visible_to(request.user).filter(agency=request.agency)


@staff_view
def reconsideration_new(request):
    _require_current_agency(request)
    form = ReconsiderationForm(
        request.POST or None,
        applications=_applications_for(request),
        initial={"application": request.GET.get("application")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.reconsideration_register(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("已登记行政复议案件，书面答复期限为%(due)s。") % {"due": case.answer_due or "—"}
            )
            return redirect("appeals:reconsideration", pk=case.pk)
    return render(request, "appeals/form.html", {"form": form, "title": _("登记行政复议")})


@staff_view
def lawsuit_new(request):
    _require_current_agency(request)
    form = LawsuitForm(
        request.POST or None,
        applications=_applications_for(request),
        reconsiderations=reconsiderations_visible_to(request.user).filter(agency=request.agency),
        initial={"reconsideration": request.GET.get("reconsideration"), "application": request.GET.get("application")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.lawsuit_register(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记行政诉讼案件，答辩期限为%(due)s。") % {"due": case.defence_due or "—"})
            return redirect("appeals:lawsuit", pk=case.pk)
    return render(request, "appeals/form.html", {"form": form, "title": _("登记行政诉讼")})


@staff_view
def reconsideration_detail(request, pk: int):
    case = reconsideration_get_for_user(request.user, pk)
    can_act = user_has_role(request.user, case.agency, *ACTING)
    answer_form = AnswerForm(request.POST if request.POST.get("action") == "answer" else None, prefix="answer")
    decision_form = DecisionForm(request.POST if request.POST.get("action") == "decide" else None, prefix="decide")
    document_form = DocumentForm(
        request.POST if request.POST.get("action") == "document" else None,
        request.FILES if request.POST.get("action") == "document" else None,
        prefix="doc",
    )
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "answer" and answer_form.is_valid():
                services.reconsideration_record_answer(actor=request.user, case=case, **answer_form.cleaned_data)
                return redirect("appeals:reconsideration", pk=case.pk)
            if action == "decide" and decision_form.is_valid():
                services.reconsideration_decide(actor=request.user, case=case, **decision_form.cleaned_data)
                return redirect("appeals:reconsideration", pk=case.pk)
            if action == "document" and document_form.is_valid():
                services.appeal_document_add(actor=request.user, case=case, **document_form.cleaned_data)
                return redirect("appeals:reconsideration", pk=case.pk)
        except ValidationError as exc:
            apply_service_errors({"answer": answer_form, "decide": decision_form}.get(action, document_form), exc)
        except IllegalTransition as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "appeals/reconsideration.html",
        {
            "case": case,
            "can_act": can_act,
            "answer_form": answer_form,
            "decision_form": decision_form,
            "document_form": document_form,
            "answer_state": case.answer_state(timezone.localdate()),
            **appeal_application_links(case),
            "pending": case.result == AppealResult.PENDING,
        },
    )


@staff_view
def lawsuit_detail(request, pk: int):
    case = lawsuit_get_for_user(request.user, pk)
    can_act = user_has_role(request.user, case.agency, *ACTING)
    is_progress = request.POST.get("action") == "progress"
    progress_form = LawsuitProgressForm(request.POST if is_progress else None, instance=case, prefix="p")
    document_form = DocumentForm(
        request.POST if request.POST.get("action") == "document" else None,
        request.FILES if request.POST.get("action") == "document" else None,
        prefix="doc",
    )
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        try:
            if is_progress and progress_form.is_valid():
                fields = {name: progress_form.cleaned_data[name] for name in progress_form.changed_data}
                services.lawsuit_update(actor=request.user, case=lawsuit_get_for_user(request.user, pk), **fields)
                messages.success(request, _("案件进展已保存。"))
                return redirect("appeals:lawsuit", pk=case.pk)
            if request.POST.get("action") == "document" and document_form.is_valid():
                services.appeal_document_add(actor=request.user, case=case, **document_form.cleaned_data)
                return redirect("appeals:lawsuit", pk=case.pk)
        except ValidationError as exc:
            apply_service_errors(progress_form if is_progress else document_form, exc)
    return render(
        request,
        "appeals/lawsuit.html",
        {
            "case": case,
            "can_act": can_act,
            "progress_form": progress_form,
            "document_form": document_form,
            "defence_state": case.defence_state(timezone.localdate()),
            **appeal_application_links(case),
        },
    )


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
