"""Back office: compile gazette issues, choose the documents they carry, submit and publish them."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.views import RecordFormView
from gongkai.gazette import access, services
from gongkai.gazette.forms import AddDocumentForm, GazetteIssueForm
from gongkai.gazette.models import GazetteEntry, IssueStatus
from gongkai.gazette.selectors import gazette_candidate_items, gazette_issue_documents


def _can_edit(user, issue) -> bool:
    return access.gazette_can_edit(user, issue.agency)


def _can_publish(user, issue) -> bool:
    return access.gazette_can_publish(user, issue.agency)


def _is(status):
    return lambda issue: issue.status == status


# The status buttons of an issue: a clerk submits a draft, a reviewer or approver publishes or returns it.
ISSUE_ACTIONS = ActionSet(
    [
        Action("submit", _("提交审核"), call_service(services.gazette_issue_submit, "issue"),
               allowed=_can_edit, possible=_is(IssueStatus.DRAFT), success=_("已提交审核。")),
        Action("publish", _("审核通过并出版"), call_service(services.gazette_issue_publish, "issue"),
               allowed=_can_publish, possible=_is(IssueStatus.SUBMITTED), success=_("公报已出版。")),
        Action("return", _("退回修改"), call_service(services.gazette_issue_return, "issue"),
               allowed=_can_publish, possible=_is(IssueStatus.SUBMITTED), success=_("已退回修改。"), style="secondary"),
    ],
    url_name="gazette_staff:issue_action",
)  # fmt: skip

# The contents of a draft issue: add a document by its reference (posted to the issue's page), remove one.
DOCUMENT_ACTIONS = ActionSet(
    [
        Action(
            name="add",
            label=_("收录"),
            perform=lambda request, issue, data: services.gazette_issue_add_document(
                actor=request.user, issue=issue, item=data["item"]
            ),
            form=AddDocumentForm,
            form_kwargs=lambda issue: {"candidates": gazette_candidate_items(issue)},
            allowed=_can_edit,
            possible=_is(IssueStatus.DRAFT),
            success=_("已收录文件。"),
            url=lambda issue: reverse("gazette_staff:issue", args=[issue.pk]),
        )
    ]
)
ENTRY_ACTIONS = ActionSet(
    [
        Action(
            name="remove",
            label=_("移除"),
            perform=lambda request, entry, data: services.gazette_issue_remove_document(
                actor=request.user, issue=entry.issue, entry=entry
            ),
            allowed=lambda user, entry: _can_edit(user, entry.issue),
            possible=lambda entry: entry.issue.status == IssueStatus.DRAFT,
            success=_("已移除文件。"),
            url=lambda entry: reverse("gazette_staff:remove_document", args=[entry.issue_id, entry.pk]),
            style="secondary",
        )
    ]
)


def _issue_url(issue) -> str:
    return reverse("gazette_staff:issue", args=[issue.pk])


@staff_view
def issue_list(request):
    issues = access.gazette_issues_visible_to(request.user)
    if request.agency is not None:
        issues = issues.filter(agency=request.agency)
    can_edit = request.agency is not None and access.gazette_can_edit(request.user, request.agency)
    return render(request, "gazette/staff_list.html", {"issues": issues, "can_edit": can_edit})


class IssueFormView(RecordFormView):
    form_class = GazetteIssueForm
    template_name = "gazette/staff_form.html"

    def get_record(self, pk: int):
        return access.gazette_issue_get_for_user(self.request.user, pk)

    def may_edit(self, user, agency) -> bool:
        return access.gazette_can_edit(user, agency)

    def get_success_url(self) -> str:
        return _issue_url(self.result)


class IssueNew(IssueFormView):
    success_message = _("已新建公报。")

    def perform(self, form):
        return services.gazette_issue_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)


class IssueEdit(IssueFormView):
    success_message = _("已保存。")

    def perform(self, form):
        return services.gazette_issue_update(actor=self.request.user, issue=self.record, **form.cleaned_data)


issue_new = staff_view(IssueNew.as_view())
issue_edit = staff_view(IssueEdit.as_view())


def _issue_page(request, issue, *, bound=None, status=200):
    """The issue's page: its status buttons, its contents (each with its remove button) and the add form."""
    user = request.user
    failed = {bound.name: bound} if bound is not None else {}
    rows = []
    for doc in gazette_issue_documents(issue):
        entry = GazetteEntry(pk=doc.entry_id, issue=issue)
        rows.append((doc, next(iter(ENTRY_ACTIONS.available(user, entry)), None)))
    return render(
        request,
        "gazette/staff_detail.html",
        {
            "object": issue,
            "rows": rows,
            "actions": ISSUE_ACTIONS.available(
                user, issue, bound=next((failed[n] for n in failed if n in ISSUE_ACTIONS), None)
            ),
            "add": next(iter(DOCUMENT_ACTIONS.available(user, issue, bound=failed.get("add"))), None),
            "removal": failed.get("remove"),
            "can_edit": _can_edit(user, issue),
        },
        status=status,
    )


@staff_view
def issue_detail(request, pk: int):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    if request.method == "POST":
        return run_action(request, DOCUMENT_ACTIONS, "add", issue, page=_issue_page, success_url=_issue_url)
    return _issue_page(request, issue)


@require_POST
@staff_view
def issue_remove_document(request, pk: int, entry_pk: int):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    entry = GazetteEntry.objects.filter(pk=entry_pk, issue=issue).select_related("item").first()
    if entry is None:
        raise Http404
    entry.issue = issue
    return run_action(
        request, ENTRY_ACTIONS, "remove", entry,
        page=lambda request, entry, **kw: _issue_page(request, entry.issue, **kw),
        success_url=lambda entry: _issue_url(entry.issue),
    )  # fmt: skip


@require_POST
@staff_view
def issue_action(request, pk: int, action: str):
    issue = access.gazette_issue_get_for_user(request.user, pk)
    return run_action(request, ISSUE_ACTIONS, action, issue, page=_issue_page, success_url=_issue_url)
