"""Back office: draft, review and publish concerns, consultations and surveys; moderate comments; export answers."""

import csv
import html
import io
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from gongkai.accounts.staff import staff_view
from gongkai.catalogue.access import item_can_edit, item_can_review
from gongkai.catalogue.models import Category, ItemStatus
from gongkai.catalogue.services import item_approve, item_reject, item_submit
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.participation import access, services
from gongkai.participation.forms import (
    ConcernForm,
    ConsultationForm,
    FeedbackForm,
    InterpretationDraftForm,
    QuestionForm,
    ReasonForm,
    ReviewForm,
    SurveyForm,
)
from gongkai.participation.models import Comment, CommentStatus
from gongkai.participation.selectors import (
    catalogue_item_url,
    comments_to_moderate,
    interpretable_documents,
    survey_export_rows,
    survey_results,
)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    visible_to: object
    get_for_user: object
    form: type
    create: object
    update: object
    field: str  # the keyword of the update service
    history_type: str  # the audit trail's object type


KINDS = {
    "concerns": Kind(
        "concerns", gettext_lazy("回应关切"), access.concerns_visible_to, access.concern_get_for_user, ConcernForm,
        services.concern_create, services.concern_update, "concern", "participation.concernresponse",
    ),
    "consultations": Kind(
        "consultations", gettext_lazy("网上征集"), access.consultations_visible_to, access.consultation_get_for_user,
        ConsultationForm, services.consultation_create, services.consultation_update, "consultation", "participation.consultation",
    ),
    "surveys": Kind(
        "surveys", gettext_lazy("网上调查"), access.surveys_visible_to, access.survey_get_for_user, SurveyForm,
        services.survey_create, services.survey_update, "survey", "participation.survey",
    ),
}  # fmt: skip

ACTIONS = {
    "submit": services.publication_submit,
    "publish": services.publication_publish,
    "return": services.publication_return,
    "withdraw": services.publication_withdraw,
    "redraft": services.publication_redraft,
}


def _kind(key: str) -> Kind:
    if key not in KINDS:
        raise Http404
    return KINDS[key]


@staff_view
def record_list(request, kind: str = "concerns"):
    k = _kind(kind)
    records = k.visible_to(request.user).order_by("-created_at", "-id")
    if request.agency is not None:
        records = records.filter(agency=request.agency)
    return render(
        request,
        "participation/staff_list.html",
        {
            "kind": k,
            "kinds": KINDS.values(),
            "records": records,
            "can_edit": request.agency is not None and access.participation_can_edit(request.user, request.agency),
        },
    )


@staff_view
def record_new(request, kind: str):
    k = _kind(kind)
    if request.agency is None or not access.participation_can_edit(request.user, request.agency):
        raise PermissionDenied
    form = k.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = k.create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("participation_staff:detail", kind=kind, pk=obj.pk)
    return render(request, "participation/staff_form.html", {"kind": k, "form": form, "object": None})


@staff_view
def record_edit(request, kind: str, pk: int):
    k = _kind(kind)
    obj = k.get_for_user(request.user, pk)
    if not access.participation_can_edit(request.user, obj.agency):
        raise PermissionDenied
    form = k.form(request.POST or None, instance=k.get_for_user(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            k.update(actor=request.user, **{k.field: obj}, **form.cleaned_data)
        except (ValidationError, IllegalTransition) as exc:
            apply_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已保存。"))
            return redirect("participation_staff:detail", kind=kind, pk=obj.pk)
    return render(request, "participation/staff_form.html", {"kind": k, "form": form, "object": obj})


@staff_view
def record_detail(request, kind: str, pk: int):
    k = _kind(kind)
    obj = k.get_for_user(request.user, pk)
    context = {
        "kind": k,
        "object": obj,
        "can_edit": access.participation_can_edit(request.user, obj.agency),
        "can_publish": access.participation_can_publish(request.user, obj.agency),
        "today": timezone.localdate(),
        "reason_form": ReasonForm(),
    }
    if kind == "consultations":
        context["comments"] = comments_to_moderate(obj)
        context["feedback_form"] = FeedbackForm(initial={"feedback": obj.feedback})
    if kind == "surveys":
        context["question_form"] = QuestionForm()
        context["total"], context["results"] = survey_results(obj)
    return render(request, "participation/staff_detail.html", context)


@require_POST
@staff_view
def record_action(request, kind: str, pk: int, action: str):
    k = _kind(kind)
    obj = k.get_for_user(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    extra = {"reason": reason} if action in ("return", "withdraw") else {}
    try:
        ACTIONS[action](actor=request.user, obj=obj, **extra)
    except (ValidationError, IllegalTransition) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("状态已更新为“%(s)s”。") % {"s": obj.get_status_display()})
    return redirect("participation_staff:detail", kind=kind, pk=obj.pk)


@require_POST
@staff_view
def comment_moderate(request, pk: int, comment_pk: int):
    consultation = access.consultation_get_for_user(request.user, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, consultation=consultation)
    status = request.POST.get("status", "")
    if status not in CommentStatus.values:
        messages.error(request, _("请选择审核结果。"))
    else:
        try:
            services.comment_moderate(actor=request.user, comment=comment, status=status)
        except IllegalTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("意见审核结果已保存。"))
    return redirect("participation_staff:detail", kind="consultations", pk=consultation.pk)


@staff_view
def consultation_feedback(request, pk: int):
    consultation = access.consultation_get_for_user(request.user, pk)
    if not access.participation_can_publish(request.user, consultation.agency):
        raise PermissionDenied
    form = FeedbackForm(request.POST or None, initial={"feedback": consultation.feedback})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_publish_feedback(
                actor=request.user, consultation=consultation, feedback=form.cleaned_data["feedback"]
            )
        except (ValidationError, IllegalTransition) as exc:
            apply_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("意见采纳情况已发布。"))
            return redirect("participation_staff:detail", kind="consultations", pk=consultation.pk)
    return render(request, "participation/staff_feedback.html", {"object": consultation, "form": form})


@staff_view
def survey_question_add(request, pk: int):
    survey = access.survey_get_for_user(request.user, pk)
    if not access.participation_can_edit(request.user, survey.agency):
        raise PermissionDenied
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.survey_question_add(
                actor=request.user,
                survey=survey,
                text=data["text"],
                kind=data["kind"],
                required=data["required"],
                choices=data["choices"].splitlines(),
            )
        except (ValidationError, IllegalTransition) as exc:
            apply_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("已添加题目。"))
            return redirect("participation_staff:detail", kind="surveys", pk=survey.pk)
    return render(request, "participation/staff_question.html", {"object": survey, "form": form})


def _spreadsheet_safe(cell: str) -> str:
    """Public free text starting with = + - @ would run as a formula in Excel; quote it (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@staff_view
def survey_export(request, pk: int, fmt: str):
    survey = access.survey_get_for_user(request.user, pk)
    header, raw = survey_export_rows(survey)
    rows = [[_spreadsheet_safe(cell) for cell in row] for row in raw]
    filename = f"survey-{survey.pk}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        # The byte-order mark makes Excel on Chinese Windows read the file as UTF-8.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = _("答卷")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# ------------------------------------------------------------------------------------ policy interpretations
@staff_view
def interpretation_list(request):
    items = access.interpretations_visible_to(request.user).order_by("-created_at", "-id")
    if request.agency is not None:
        items = items.filter(agency=request.agency)
    return render(
        request,
        "participation/staff_interpretations.html",
        {
            "items": items,
            "kinds": KINDS.values(),
            "can_edit": request.agency is not None and access.participation_can_edit(request.user, request.agency),
        },
    )


@staff_view
def interpretation_new(request):
    if request.agency is None or not access.participation_can_edit(request.user, request.agency):
        raise PermissionDenied
    form = InterpretationDraftForm(
        request.POST or None,
        documents=interpretable_documents(request.agency),
        categories=Category.objects.filter(agency=request.agency, is_active=True).order_by("sort_order", "id"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.interpretation_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存解读草稿。"))
            return redirect("participation_staff:interpretation", pk=item.pk)
    return render(request, "participation/staff_interpretation_form.html", {"form": form, "kinds": KINDS.values()})


def _interpretation_initial(item) -> dict:
    media = re.search(r'<a href="([^"]+)"', item.body or "")
    lines = [line for line in (item.body_text or "").splitlines() if line.strip() not in (_("观看视频"), _("查看图解"))]
    return {
        "title": item.title,
        "interpretation_form": item.interpretation_form,
        "interprets": item.interprets_id,
        "category": item.category_id,
        "date_written": item.date_written,
        "summary": item.summary,
        "text": "\n".join(lines),
        "media_url": html.unescape(media.group(1)) if media else "",
    }


@staff_view
def interpretation_edit(request, pk: int):
    item = access.interpretation_get_for_user(request.user, pk)
    if not item_can_edit(request.user, item):
        raise PermissionDenied
    form = InterpretationDraftForm(
        request.POST or None,
        initial=_interpretation_initial(item),
        documents=interpretable_documents(item.agency),
        categories=Category.objects.filter(agency=item.agency, is_active=True).order_by("sort_order", "id"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interpretation_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("participation_staff:interpretation", pk=item.pk)
    return render(
        request,
        "participation/staff_interpretation_form.html",
        {"form": form, "kinds": KINDS.values(), "object": item},
    )


@staff_view
def interpretation_detail(request, pk: int):
    item = access.interpretation_get_for_user(request.user, pk)
    return render(
        request,
        "participation/staff_interpretation.html",
        {
            "object": item,
            "step": item.current_step(),
            "findings": [f for f in item.findings.all() if f.is_open],
            "can_submit": item.status == ItemStatus.DRAFT and access.participation_can_edit(request.user, item.agency),
            "can_edit": item_can_edit(request.user, item),
            "can_review": item_can_review(request.user, item),
            "review_form": ReviewForm(),
            "document_url": catalogue_item_url(item.interprets) if item.interprets else "",
            "public_url": reverse("participation:interpretation", args=[item.agency.slug, item.pk])
            if item.status == ItemStatus.PUBLISHED
            else "",
        },
    )


@require_POST
@staff_view
def interpretation_action(request, pk: int, action: str):
    """Submit, pass or return an interpretation: the catalogue's review chain, through its services."""
    item = access.interpretation_get_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "submit":
            if not access.participation_can_edit(request.user, item.agency):
                raise PermissionDenied
            item_submit(actor=request.user, item=item)
        elif action == "approve":
            item_approve(
                actor=request.user, item=item, proofread=data.get("proofread", False), comment=data.get("comment", "")
            )
        elif action == "reject":
            item_reject(actor=request.user, item=item, comment=data.get("comment", ""))
        else:
            raise Http404
    except (ValidationError, IllegalTransition) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        item.refresh_from_db()
        messages.success(request, _("状态已更新为“%(s)s”。") % {"s": item.get_status_display()})
    return redirect("participation_staff:interpretation", pk=item.pk)
