"""The catalogue's back office: drafting, checks, the review chain, and the agency administrator's settings.

Every button of the item page is an `Action` of `ITEM_ACTIONS` (or of `FINDING_ACTIONS` and `ATTACHMENT_ACTIONS`,
for the rows of its tables), run by `core.actions.run_action`. Create and edit pages are
`core.views.ServiceFormView`s. The agency administrator's settings are in `settings_views.py`.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.accounts.staff import staff_view
from gongkai.audit.selectors import audit_timeline
from gongkai.catalogue import services
from gongkai.catalogue.access import (
    EDITOR_ROLES,
    finding_can_override,
    item_can_correct,
    item_can_edit,
    item_can_review,
    item_get_for_user,
    items_can_import,
    items_published,
    items_visible_to,
)
from gongkai.catalogue.forms import (
    ApproveForm,
    AttachmentForm,
    CorrectionForm,
    ItemFilterForm,
    ItemForm,
    OverrideForm,
    ReasonForm,
    RejectForm,
    ValidityForm,
)
from gongkai.catalogue.models import (
    Attachment,
    Finding,
    FindingKind,
    ItemStatus,
    ItemVersion,
)
from gongkai.catalogue.selectors import items_at_risk, version_diff
from gongkai.catalogue.services.review import review_chain_of
from gongkai.core.actions import Action, ActionSet, run_action
from gongkai.core.storage import file_response
from gongkai.core.views import ServiceFormView


def _current_agency(request):
    if request.agency is None:
        raise Http404
    return request.agency


@staff_view
def item_list(request):
    filters = ItemFilterForm(request.GET or None)
    items = items_visible_to(request.user).select_related("agency", "category")
    if request.agency is not None:
        items = items.filter(agency=request.agency)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            items = items.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["q"]:
            items = items.filter(title__icontains=filters.cleaned_data["q"])
    items = items.defer("body", "body_text").order_by("-updated_at", "-pk")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    waiting = [
        i
        for i in items_visible_to(request.user).filter(status=ItemStatus.IN_REVIEW).select_related("agency")[:200]
        if item_can_review(request.user, i)
    ]
    at_risk = items_at_risk(items=items_visible_to(request.user), today=timezone.localdate())
    can_draft = request.agency is not None and user_has_role(request.user, request.agency, *EDITOR_ROLES)
    return render(
        request,
        "catalogue/staff/item_list.html",
        {
            "page": page,
            "filters": filters,
            "waiting": waiting,
            "at_risk": at_risk,
            "can_draft": can_draft,
            "can_import": request.agency is not None and items_can_import(request.user, request.agency),
            "today": timezone.localdate(),
        },
    )


def _linkable(user):
    return items_published().filter(agency__in=items_visible_to(user).values("agency"))


# --- drafting and correcting


class ItemNew(ServiceFormView):
    form_class = ItemForm
    template_name = "catalogue/staff/item_form.html"
    success_message = gettext_lazy("草稿已保存，请查看自动检查结果。")

    def load(self, **kwargs):
        self.agency = _current_agency(self.request)

    def check_access(self):
        if not user_has_role(self.request.user, self.agency, *EDITOR_ROLES):
            raise PermissionDenied

    def get_extra_form_kwargs(self):
        return {"agency": self.agency, "linkable": _linkable(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("起草目录条目"), **kwargs)

    def perform(self, form):
        return services.item_create(actor=self.request.user, agency=self.agency, **form.cleaned_data)

    def get_success_url(self):
        return reverse("catalogue_staff:item", args=[self.result.pk])


class ItemEdit(ServiceFormView):
    """A draft or withdrawn item is edited; a published one is corrected, with a note the portal shows."""

    template_name = "catalogue/staff/item_form.html"
    success_message = gettext_lazy("已保存。")

    def load(self, pk):
        self.item = item_get_for_user(self.request.user, pk)
        self.correcting = self.item.status == ItemStatus.PUBLISHED

    def check_access(self):
        may = item_can_correct if self.correcting else item_can_edit
        if not may(self.request.user, self.item):
            raise PermissionDenied

    def get_form_class(self):
        return CorrectionForm if self.correcting else ItemForm

    def get_initial(self):
        return ItemForm.initial_from(self.item)

    def get_extra_form_kwargs(self):
        return {"agency": self.item.agency, "linkable": _linkable(self.request.user)}

    def get_context_data(self, **kwargs):
        heading = _("更正已发布的条目") if self.correcting else _("修改目录条目")
        return super().get_context_data(heading=heading, item=self.item, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        if self.correcting:
            note = data.pop("correction_note")
            return services.item_correct(actor=self.request.user, item=self.item, correction_note=note, **data)
        return services.item_update(actor=self.request.user, item=self.item, **data)

    def get_success_url(self):
        return reverse("catalogue_staff:item", args=[self.item.pk])


item_new = staff_view(ItemNew.as_view())
item_edit = staff_view(ItemEdit.as_view())


# --- the item page's buttons


def _may_edit_agency(user, item) -> bool:
    return user_has_role(user, item.agency, *EDITOR_ROLES)


def _item_url(name):
    return lambda item: reverse(f"catalogue_staff:{name}", args=[item.pk])


def _own_ids(name):
    """Form ids of their own per action, so two forms on one page never share an element id."""
    return lambda obj: {"auto_id": f"id_{name}_%s"}


def _item_action(name, label, service, *fields, url_name, form=None, **kwargs):
    """An item page button: `service(actor=…, item=…, <fields of its form>)`, posted to its own URL."""
    kwargs.setdefault("form_kwargs", _own_ids(name))
    return Action(
        name=name,
        label=label,
        perform=lambda request, item, data: service(actor=request.user, item=item, **{f: data[f] for f in fields}),
        form=form,
        url=_item_url(url_name),
        **kwargs,
    )


def _approver(user, item) -> bool:
    return user_has_role(user, item.agency, Role.APPROVER, Role.AGENCY_ADMIN)


def _in(*statuses):
    return lambda item: item.status in statuses


# The item's way through the review chain (条例 第二十条 and 第二十六条: publish within 20 working days).
ITEM_ACTIONS = ActionSet(
    [
        _item_action(
            "submit", gettext_lazy("提交审核"), services.item_submit, url_name="item_submit",
            allowed=_may_edit_agency, possible=_in(ItemStatus.DRAFT), success=gettext_lazy("已提交审核。"),
        ),
        _item_action(
            "approve", gettext_lazy("通过"), services.item_approve, "proofread", "comment", url_name="item_approve",
            form=ApproveForm, allowed=item_can_review, possible=_in(ItemStatus.IN_REVIEW),
            success=gettext_lazy("审核通过。"),
        ),
        _item_action(
            "reject", gettext_lazy("退回"), services.item_reject, "comment", url_name="item_reject",
            form=RejectForm, allowed=item_can_review, possible=_in(ItemStatus.IN_REVIEW),
            success=gettext_lazy("已退回起草人修改。"), style="danger",
        ),
        _item_action(
            "withdraw", gettext_lazy("撤回"), services.item_withdraw, "reason", url_name="item_withdraw",
            form=ReasonForm, allowed=_approver, possible=_in(ItemStatus.PUBLISHED, ItemStatus.SCHEDULED),
            success=gettext_lazy("条目已撤回，门户网站不再显示。"), style="danger",
        ),
        # 常态化监测: an item the re-scan withdrew goes back on the portal once its finding is fixed or overridden.
        _item_action(
            "restore", gettext_lazy("恢复发布"), services.item_restore, "reason", url_name="item_restore",
            form=ReasonForm, allowed=_approver,
            possible=lambda item: item.status == ItemStatus.WITHDRAWN and item.withdrawn_by_rescan,
            success=gettext_lazy("条目已恢复发布。"),
        ),
        _item_action(
            "reopen", gettext_lazy("恢复为草稿"), services.item_reopen, url_name="item_reopen",
            allowed=_may_edit_agency, possible=_in(ItemStatus.WITHDRAWN), success=gettext_lazy("条目已恢复为草稿。"),
            style="secondary",
        ),
        # 失效 and 废止 apply to rules and normative documents (and other documents that declare a validity).
        _item_action(
            "validity", gettext_lazy("保存有效性"), services.item_set_validity, "validity", "day", "reason",
            url_name="item_validity", form=ValidityForm,
            form_kwargs=lambda item: {"initial": {"validity": item.validity}, "auto_id": "id_validity_%s"},
            allowed=_approver,
            possible=lambda item: item.is_published and item.document_type in ("rules", "normative", "other"),
            success=gettext_lazy("有效性已更新。"),
        ),
        _item_action(
            "recheck", gettext_lazy("重新检查"), services.item_check, url_name="item_recheck",
            allowed=_may_edit_agency, success=gettext_lazy("已重新检查。"), style="secondary",
        ),
        Action(
            name="attach",
            label=gettext_lazy("上传"),
            perform=lambda request, item, data: services.attachment_add(
                actor=request.user, item=item, upload=data["file"]
            ),
            form=AttachmentForm,
            allowed=item_can_edit,
            success=gettext_lazy("附件已上传并检查。"),
            url=_item_url("attachment_upload"),
        ),
    ]
)  # fmt: skip

FINDING_ACTIONS = ActionSet(
    [
        Action(
            name="override",
            label=gettext_lazy("忽略"),
            perform=lambda request, finding, data: services.finding_override(
                actor=request.user, finding=finding, reason=data["reason"]
            ),
            form=OverrideForm,
            form_kwargs=lambda finding: {"auto_id": f"id_finding{finding.pk}_%s"},
            allowed=lambda user, finding: finding_can_override(user, finding.item),
            possible=lambda finding: finding.is_open and finding.kind != FindingKind.MISSING_METADATA,
            success=gettext_lazy("已忽略该检查结果，理由已记录。"),
            url=lambda finding: reverse("catalogue_staff:finding_override", args=[finding.item_id, finding.pk]),
            style="secondary",
        ),
    ]
)

ATTACHMENT_ACTIONS = ActionSet(
    [
        Action(
            name="delete",
            label=gettext_lazy("删除"),
            perform=lambda request, attachment, data: services.attachment_delete(
                actor=request.user, attachment=attachment
            ),
            allowed=lambda user, attachment: item_can_edit(user, attachment.item),
            success=gettext_lazy("附件已删除。"),
            url=lambda a: reverse("catalogue_staff:attachment_delete", args=[a.item_id, a.pk]),
            style="dark",
        ),
    ]
)


def _offered(actions, user, obj, bound):
    """The actions this user can run on `obj` now, by name (a failed one keeps its errors on its own row)."""
    return {a.name: a for a in actions.available(user, obj, bound=bound)}


def _item_page(request, item, *, bound=None, status=200):
    user = request.user
    findings = list(item.findings.select_related("overridden_by"))
    attachments = list(item.attachments.all())
    for f in findings:
        f.item = item
        f.actions = _offered(FINDING_ACTIONS, user, f, bound)
    for a in attachments:
        a.item = item
        a.actions = _offered(ATTACHMENT_ACTIONS, user, a, bound)
    versions = list(item.versions.select_related("created_by").order_by("-number"))
    context = {
        "item": item,
        # An item imported in bulk has no event of its own until it is changed: the import is one event of the
        # agency (`items_import`), so the page links the agency's record instead of an empty one (a 404).
        "has_history": audit_timeline(object_type="catalogue.item", object_id=str(item.pk)).exists(),
        "imported": bool(versions and versions[-1].metadata.get("imported")),
        "findings": findings,
        "open_findings": [f for f in findings if f.is_open],
        "versions": versions,
        "reviews": list(item.reviews.select_related("reviewer")),
        "attachments": attachments,
        "chain": item.review_chain or review_chain_of(item.agency),
        "can_edit": item_can_edit(user, item),
        "can_correct": item_can_correct(user, item),
        "actions": _offered(ITEM_ACTIONS, user, item, bound),
    }
    return render(request, "catalogue/staff/item_detail.html", context, status=status)


@staff_view
def item_detail(request, pk: int):
    return _item_page(request, item_get_for_user(request.user, pk))


def _item_url_of(obj):
    return reverse("catalogue_staff:item", args=[getattr(obj, "item_id", None) or obj.pk])


@require_POST
@staff_view
def item_action(request, pk: int, name: str):
    """Every button of the item page: the URL names the action (item_submit, item_approve, …)."""
    item = item_get_for_user(request.user, pk)
    return run_action(request, ITEM_ACTIONS, name, item, page=_item_page, success_url=_item_url_of)


@require_POST
@staff_view
def finding_override(request, pk: int, finding_pk: int):
    item = item_get_for_user(request.user, pk)
    finding = get_object_or_404(Finding, pk=finding_pk, item=item)
    finding.item = item
    return run_action(
        request,
        FINDING_ACTIONS,
        "override",
        finding,
        page=lambda request, finding, **kw: _item_page(request, item, **kw),
        success_url=_item_url_of,
    )


@require_POST
@staff_view
def attachment_remove(request, pk: int, attachment_pk: int):
    item = item_get_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, item=item)
    attachment.item = item
    return run_action(
        request,
        ATTACHMENT_ACTIONS,
        "delete",
        attachment,
        page=lambda request, attachment, **kw: _item_page(request, item, **kw),
        success_url=_item_url_of,
    )


@staff_view
def version_compare(request, pk: int, number: int):
    item = item_get_for_user(request.user, pk)
    newer = get_object_or_404(ItemVersion, item=item, number=number)
    older = ItemVersion.objects.filter(item=item, number__lt=number).order_by("-number").first()
    if older is None:
        raise Http404
    return render(
        request,
        "catalogue/staff/version_diff.html",
        {"item": item, "older": older, "newer": newer, "lines": version_diff(older, newer)},
    )


@staff_view
def monitoring(request):
    """常态化监测 report: published items whose latest check left open findings, and the items the re-scan
    withdrew for personal data, for the agency and supervisors."""
    monitored = Q(status=ItemStatus.PUBLISHED) | Q(status=ItemStatus.WITHDRAWN, withdrawn_by_rescan=True)
    findings = (
        Finding.objects.filter(item__in=items_visible_to(request.user).filter(monitored), overridden_at__isnull=True)
        .select_related("item", "item__agency")
        .order_by("item__agency__path", "-item__published_at", "pk")
    )
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/staff/monitoring.html", {"page": page, "total": findings.count()})


@staff_view
def attachment_download(request, pk: int, attachment_pk: int):
    """An attachment of an item the staff member may see, in any state (drafts included)."""
    item = item_get_for_user(request.user, pk)
    attachment = get_object_or_404(item.attachments, pk=attachment_pk)
    return file_response(attachment.file, filename=attachment.name)
