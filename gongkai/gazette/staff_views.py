"""Back office: compile gazette issues, choose the documents they carry, submit and publish them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.gazette import access, services
from gongkai.gazette.forms import AddDocumentForm, GazetteIssueForm
from gongkai.gazette.models import GazetteEntry
from gongkai.gazette.selectors import gazette_candidate_items, gazette_issue_documents


@staff_view
def issue_list(request):
    issues = access.gazette_issues_visible_to(request.user)
    if request.agency is not None:
        issues = issues.filter(agency=request.agency)
    can_edit = request.agency is not None and access.gazette_can_edit(request.user, request.agency)
    return render(request, "gazette/staff_list.html", {"issues": issues, "can_edit": can_edit})


@staff_view
def issue_new(request):
    if request.agency is None or not access.gazette_can_edit(request.user, request.agency):
        raise PermissionDenied
    form = GazetteIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.gazette_issue_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建公报。"))
            return redirect("gazette_staff:issue", pk=issue.pk)
    return render(request, "gazette/staff_form.html", {"form": form, "object": None})


@staff_view
def issue_edit(request, pk: int):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    if not access.gazette_can_edit(request.user, issue.agency):
        raise PermissionDenied
    form = GazetteIssueForm(request.POST or None, instance=access.gazette_issue_get_for_user(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.gazette_issue_update(actor=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("gazette_staff:issue", pk=issue.pk)
    return render(request, "gazette/staff_form.html", {"form": form, "object": issue})


@staff_view
def issue_detail(request, pk: int):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    can_edit = access.gazette_can_edit(request.user, issue.agency)
    form = AddDocumentForm(request.POST or None, candidates=gazette_candidate_items(issue))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.gazette_issue_add_document(actor=request.user, issue=issue, item=form.cleaned_data["item"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except IllegalTransition as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已收录文件。"))
                return redirect("gazette_staff:issue", pk=issue.pk)
    return render(
        request,
        "gazette/staff_detail.html",
        {
            "object": issue,
            "documents": gazette_issue_documents(issue),
            "form": form,
            "can_edit": can_edit,
            "can_publish": access.gazette_can_publish(request.user, issue.agency),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view
def issue_remove_document(request, pk: int, entry_pk: int):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    entry = GazetteEntry.objects.filter(pk=entry_pk, issue=issue).select_related("item").first()
    if entry is None:
        raise Http404
    try:
        services.gazette_issue_remove_document(actor=request.user, issue=issue, entry=entry)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已移除文件。"))
    return redirect("gazette_staff:issue", pk=issue.pk)


ACTIONS = {
    "submit": services.gazette_issue_submit,
    "publish": services.gazette_issue_publish,
    "return": services.gazette_issue_return,
}


@require_POST
@staff_view
def issue_action(request, pk: int, action: str):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](actor=request.user, issue=issue)
    except (IllegalTransition, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("状态已更新为“%(s)s”。") % {"s": issue.get_status_display()})
    return redirect("gazette_staff:issue", pk=issue.pk)
