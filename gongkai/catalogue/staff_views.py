"""The catalogue's back office: drafting, checks, the review chain, and the agency administrator's settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import user_has_role
from gongkai.accounts.staff import staff_view
from gongkai.catalogue import services
from gongkai.catalogue.access import (
    EDITOR_ROLES,
    catalogue_can_configure,
    finding_can_override,
    item_can_correct,
    item_can_edit,
    item_can_review,
    item_can_withdraw,
    item_get_for_user,
    items_published,
    items_visible_to,
)
from gongkai.catalogue.forms import (
    ApproveForm,
    AttachmentForm,
    CategoryEditForm,
    CategoryForm,
    CorrectionForm,
    GuideForm,
    ItemFilterForm,
    ItemForm,
    ReasonForm,
    RejectForm,
    ReviewChainForm,
    SettingsForm,
    ValidityForm,
    WordForm,
)
from gongkai.catalogue.models import (
    DEFAULT_INDEX_TEMPLATE,
    Attachment,
    CatalogueSettings,
    Category,
    Finding,
    ItemStatus,
    ItemVersion,
    WordListEntry,
)
from gongkai.catalogue.selectors import disclosure_guide_text, items_at_risk, version_diff
from gongkai.catalogue.services.review import review_chain_of
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.storage import file_response


def _service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form, field by field, so the page names what to fix."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


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
            "today": timezone.localdate(),
        },
    )


def _linkable(user):
    return items_published().filter(agency__in=items_visible_to(user).values("agency"))


def _item_fields(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "correction_note"}


@staff_view
def item_new(request):
    agency = _current_agency(request)
    if not user_has_role(request.user, agency, *EDITOR_ROLES):
        raise PermissionDenied
    form = ItemForm(request.POST or None, agency=agency, linkable=_linkable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("草稿已保存，请查看自动检查结果。"))
            return redirect("catalogue_staff:item", pk=item.pk)
    return render(request, "catalogue/staff/item_form.html", {"form": form, "heading": _("起草目录条目")})


@staff_view
def item_edit(request, pk: int):
    item = item_get_for_user(request.user, pk)
    correcting = item.status == ItemStatus.PUBLISHED
    allowed = item_can_correct(request.user, item) if correcting else item_can_edit(request.user, item)
    if not allowed:
        raise PermissionDenied
    form_class = CorrectionForm if correcting else ItemForm
    form = form_class(
        request.POST or None, agency=item.agency, linkable=_linkable(request.user), initial=ItemForm.initial_from(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if correcting:
                services.item_correct(
                    actor=request.user,
                    item=item,
                    correction_note=form.cleaned_data["correction_note"],
                    **_item_fields(form.cleaned_data),
                )
            else:
                services.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("catalogue_staff:item", pk=item.pk)
    heading = _("更正已发布的条目") if correcting else _("修改目录条目")
    return render(request, "catalogue/staff/item_form.html", {"form": form, "heading": heading, "item": item})


@staff_view
def item_detail(request, pk: int):
    item = item_get_for_user(request.user, pk)
    findings = list(item.findings.select_related("overridden_by"))
    versions = list(item.versions.select_related("created_by").order_by("-number"))
    context = {
        "item": item,
        "findings": findings,
        "open_findings": [f for f in findings if f.is_open],
        "versions": versions,
        "reviews": list(item.reviews.select_related("reviewer")),
        "attachments": list(item.attachments.all()),
        "chain": item.review_chain or review_chain_of(item.agency),
        "can_edit": item_can_edit(request.user, item),
        "can_correct": item_can_correct(request.user, item),
        "can_review": item_can_review(request.user, item),
        "can_withdraw": item_can_withdraw(request.user, item),
        "can_override": finding_can_override(request.user, item),
        "can_submit": item.status == ItemStatus.DRAFT and user_has_role(request.user, item.agency, *EDITOR_ROLES),
        "can_reopen": item.status == ItemStatus.WITHDRAWN and user_has_role(request.user, item.agency, *EDITOR_ROLES),
        "approve_form": ApproveForm(),
        "reject_form": RejectForm(),
        "reason_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        "validity_form": ValidityForm(initial={"validity": item.validity}),
        "can_set_validity": item.is_published
        and item.document_type in ("rules", "normative", "other")
        and user_has_role(request.user, item.agency, "approver", "agency_admin"),
    }
    return render(request, "catalogue/staff/item_detail.html", context)


def _act(request, pk: int, action, *, form_class=None, success: str):
    """Run a workflow service for a POSTed form; errors come back to the item page as messages."""
    item = item_get_for_user(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _("提交的内容有误，请检查。"))
        return redirect("catalogue_staff:item", pk=item.pk)
    try:
        action(item, form.cleaned_data if form else {})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (IllegalTransition, AccessDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("catalogue_staff:item", pk=item.pk)


@require_POST
@staff_view
def item_submit(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, _data: services.item_submit(actor=request.user, item=item),
        success=_("已提交审核。"),
    )


@require_POST
@staff_view
def item_approve(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, data: services.item_approve(
            actor=request.user, item=item, proofread=data["proofread"], comment=data["comment"]
        ),
        form_class=ApproveForm,
        success=_("审核通过。"),
    )


@require_POST
@staff_view
def item_reject(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, data: services.item_reject(actor=request.user, item=item, comment=data["comment"]),
        form_class=RejectForm,
        success=_("已退回起草人修改。"),
    )


@require_POST
@staff_view
def item_withdraw(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, data: services.item_withdraw(actor=request.user, item=item, reason=data["reason"]),
        form_class=ReasonForm,
        success=_("条目已撤回，门户网站不再显示。"),
    )


@require_POST
@staff_view
def item_validity(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, data: services.item_set_validity(
            actor=request.user, item=item, validity=data["validity"], day=data["day"], reason=data["reason"]
        ),
        form_class=ValidityForm,
        success=_("有效性已更新。"),
    )


@require_POST
@staff_view
def item_reopen(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, _data: services.item_reopen(actor=request.user, item=item),
        success=_("条目已恢复为草稿。"),
    )


@require_POST
@staff_view
def item_recheck(request, pk: int):
    return _act(
        request,
        pk,
        lambda item, _data: services.item_check(actor=request.user, item=item),
        success=_("已重新检查。"),
    )


@require_POST
@staff_view
def finding_override(request, pk: int, finding_pk: int):
    item = item_get_for_user(request.user, pk)
    finding = get_object_or_404(Finding, pk=finding_pk, item=item)
    return _act(
        request,
        pk,
        lambda _item, data: services.finding_override(actor=request.user, finding=finding, reason=data["reason"]),
        form_class=ReasonForm,
        success=_("已忽略该检查结果，理由已记录。"),
    )


@require_POST
@staff_view
def attachment_upload(request, pk: int):
    item = item_get_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("catalogue_staff:item", pk=item.pk)
    return _act(
        request,
        pk,
        lambda item, _data: services.attachment_add(actor=request.user, item=item, upload=form.cleaned_data["file"]),
        success=_("附件已上传并检查。"),
    )


@require_POST
@staff_view
def attachment_remove(request, pk: int, attachment_pk: int):
    item = item_get_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, item=item)
    return _act(
        request,
        pk,
        lambda _item, _data: services.attachment_delete(actor=request.user, attachment=attachment),
        success=_("附件已删除。"),
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


# --- the agency administrator's settings ---


def _configurable_agency(request):
    agency = _current_agency(request)
    if not catalogue_can_configure(request.user, agency):
        raise PermissionDenied
    return agency


@staff_view
def settings_page(request):
    agency = _configurable_agency(request)
    settings_row = CatalogueSettings.objects.filter(agency=agency).first()
    chain = review_chain_of(agency)
    forms = {
        "category_form": CategoryForm(agency=agency),
        "word_form": WordForm(),
        "global_word_form": WordForm(prefix="global"),
        "chain_form": ReviewChainForm(initial={"steps": "\n".join(f"{n} {r}" for n, r in chain)}),
        "settings_form": SettingsForm(
            initial={"index_template": settings_row.index_template if settings_row else DEFAULT_INDEX_TEMPLATE}
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "default_tree":
                services.category_tree_ensure_default(actor=request.user, agency=agency)
            elif action == "category":
                form = forms["category_form"] = CategoryForm(request.POST, agency=agency)
                if form.is_valid():
                    services.category_create(actor=request.user, agency=agency, **form.cleaned_data)
            elif action == "word":
                form = forms["word_form"] = WordForm(request.POST)
                if form.is_valid():
                    services.word_entry_add(actor=request.user, agency=agency, **form.cleaned_data)
            elif action == "word_delete":
                entry = get_object_or_404(WordListEntry, pk=request.POST.get("entry"), agency=agency)
                services.word_entry_delete(actor=request.user, entry=entry)
            elif action == "global_word":
                form = forms["global_word_form"] = WordForm(request.POST, prefix="global")
                if form.is_valid():
                    services.word_entry_add(actor=request.user, agency=None, **form.cleaned_data)
            elif action == "global_word_delete":
                entry = get_object_or_404(WordListEntry, pk=request.POST.get("entry"), agency__isnull=True)
                services.word_entry_delete(actor=request.user, entry=entry)
            elif action == "chain":
                form = forms["chain_form"] = ReviewChainForm(request.POST)
                if form.is_valid():
                    services.review_chain_set(actor=request.user, agency=agency, steps=form.cleaned_data["steps"])
            elif action == "settings":
                form = forms["settings_form"] = SettingsForm(request.POST)
                if form.is_valid():
                    services.catalogue_settings_update(actor=request.user, agency=agency, **form.cleaned_data)
            else:
                form = None
        except ValidationError as exc:
            target = {
                "category": "category_form",
                "word": "word_form",
                "global_word": "global_word_form",
                "chain": "chain_form",
            }.get(action, "settings_form")
            _service_errors(forms[target], exc)
        else:
            if not any(f.errors for f in forms.values()):
                messages.success(request, _("已保存。"))
                return redirect("catalogue_staff:settings")
    context = {
        "agency": agency,
        "categories": Category.objects.filter(agency=agency).select_related("parent").order_by("sort_order", "pk"),
        "words": WordListEntry.objects.filter(agency=agency),
        "shipped_typos": WordListEntry.objects.filter(agency__isnull=True).count(),
        "global_words": WordListEntry.objects.filter(agency__isnull=True) if request.user.is_site_admin else [],
        "chain": chain,
        **forms,
    }
    return render(request, "catalogue/staff/settings.html", context)


@staff_view
def category_edit(request, pk: int):
    agency = _configurable_agency(request)
    category = get_object_or_404(Category, pk=pk, agency=agency)
    initial = {
        "name": category.name,
        "code": category.code,
        "parent": category.parent,
        "sort_order": category.sort_order,
        "is_active": category.is_active,
    }
    form = CategoryEditForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.category_delete(actor=request.user, category=category)
                messages.success(request, _("分类已删除。"))
                return redirect("catalogue_staff:settings")
            if form.is_valid():
                services.category_update(actor=request.user, category=category, **form.cleaned_data)
                messages.success(request, _("已保存。"))
                return redirect("catalogue_staff:settings")
        except ValidationError as exc:
            _service_errors(form, exc)
    return render(request, "catalogue/staff/category_form.html", {"form": form, "category": category})


@staff_view
def guide_edit(request):
    agency = _configurable_agency(request)
    text, custom = disclosure_guide_text(agency)
    form = GuideForm(request.POST or None, initial={"body": text})
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_guide_save(actor=request.user, agency=agency, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("指南已保存，门户网站已更新。"))
            return redirect("catalogue_staff:guide")
    return render(request, "catalogue/staff/guide_form.html", {"form": form, "custom": custom, "agency": agency})


@staff_view
def monitoring(request):
    """常态化监测 report: published items whose latest check left open findings, for the agency and supervisors."""
    findings = (
        Finding.objects.filter(
            item__in=items_visible_to(request.user).filter(status=ItemStatus.PUBLISHED), overridden_at__isnull=True
        )
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
