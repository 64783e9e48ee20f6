"""Back office: draft, review and publish concerns, consultations and surveys; moderate comments; export answers."""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from gongkai.accounts.staff import staff_view
from gongkai.core.actions import Action, ActionSet, run_action
from gongkai.core.views import ServiceFormView
from gongkai.participation import access, services
from gongkai.participation.forms import (
    ConcernForm,
    ConsultationForm,
    FeedbackForm,
    QuestionForm,
    ReasonForm,
    SurveyForm,
)
from gongkai.participation.models import (
    COMMENT_TRANSITIONS,
    PUBLICATION_TRANSITIONS,
    Comment,
    CommentStatus,
    ConcernResponse,
    Consultation,
    PublicationStatus,
    Survey,
)
from gongkai.participation.selectors import (
    comments_to_moderate,
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


class RecordNew(ServiceFormView):
    template_name = "participation/staff_form.html"
    success_message = gettext_lazy("已保存草稿。")

    def load(self, kind):
        self.kind = _kind(kind)

    def check_access(self):
        agency = self.request.agency
        if agency is None or not access.participation_can_edit(self.request.user, agency):
            raise PermissionDenied

    def get_form_class(self):
        return self.kind.form

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, object=None, **kwargs)

    def perform(self, form):
        return self.kind.create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_url(self):
        return reverse("participation_staff:detail", args=[self.kind.key, self.result.pk])


class RecordEdit(RecordNew):
    success_message = gettext_lazy("已保存。")

    def load(self, kind, pk):
        self.kind = _kind(kind)
        self.object = self.kind.get_for_user(self.request.user, pk)

    def check_access(self):
        if not access.participation_can_edit(self.request.user, self.object.agency):
            raise PermissionDenied

    def get_initial(self):
        return self.kind.form.initial_from(self.object)

    def get_context_data(self, **kwargs):
        return ServiceFormView.get_context_data(self, kind=self.kind, object=self.object, **kwargs)

    def perform(self, form):
        return self.kind.update(actor=self.request.user, **{self.kind.field: self.object}, **form.cleaned_data)


record_new = staff_view(RecordNew.as_view())
record_edit = staff_view(RecordEdit.as_view())


def _may_edit(user, obj) -> bool:
    return access.participation_can_edit(user, obj.agency)


def _may_publish(user, obj) -> bool:
    return access.participation_can_publish(user, obj.agency)


def _status_now(obj) -> str:
    obj.refresh_from_db(fields=["status"])
    return _("状态已更新为“%(s)s”。") % {"s": obj.get_status_display()}


def _reason_form(name):
    return lambda obj: {"auto_id": f"id_{name}_%s"}


def _record_action(name, label, service, *, to, allowed, reason=False, style=""):
    def perform(request, obj, data):
        extra = {"reason": data["reason"]} if reason else {}
        return service(actor=request.user, obj=obj, **extra)

    return Action(
        name=name,
        label=label,
        perform=perform,
        form=ReasonForm if reason else None,
        form_kwargs=_reason_form(name) if reason else None,
        allowed=allowed,
        possible=lambda obj: obj.status == FROM_STATUS[name] and PUBLICATION_TRANSITIONS.allows(obj.status, to),
        success=_status_now,
        url=lambda obj: reverse("participation_staff:action", args=[_kind_of(obj), obj.pk, name]),
        style=style,
    )


# Which status each button starts from (返回 and 重新编辑 both lead to a draft, from different places).
FROM_STATUS = {
    "submit": PublicationStatus.DRAFT,
    "publish": PublicationStatus.SUBMITTED,
    "return": PublicationStatus.SUBMITTED,
    "withdraw": PublicationStatus.PUBLISHED,
    "redraft": PublicationStatus.WITHDRAWN,
}

# The review chain of concerns, consultations and surveys: a clerk drafts and submits, a reviewer or approver
# publishes or returns; what is published can be withdrawn and redrafted.
RECORD_ACTIONS = ActionSet(
    [
        _record_action(
            "submit", gettext_lazy("提交审核"), services.publication_submit,
            to=PublicationStatus.SUBMITTED, allowed=_may_edit,
        ),
        _record_action(
            "publish", gettext_lazy("审核通过并发布"), services.publication_publish,
            to=PublicationStatus.PUBLISHED, allowed=_may_publish,
        ),
        _record_action(
            "return", gettext_lazy("退回修改"), services.publication_return,
            to=PublicationStatus.DRAFT, allowed=_may_publish, reason=True, style="secondary",
        ),
        _record_action(
            "withdraw", gettext_lazy("撤回"), services.publication_withdraw,
            to=PublicationStatus.WITHDRAWN, allowed=_may_publish, reason=True, style="danger",
        ),
        _record_action(
            "redraft", gettext_lazy("重新编辑"), services.publication_redraft,
            to=PublicationStatus.DRAFT, allowed=_may_edit, style="secondary",
        ),
    ]
)  # fmt: skip


def _comment_action(status, label, style=""):
    return Action(
        name=status,
        label=label,
        perform=lambda request, comment, data: services.comment_moderate(
            actor=request.user, comment=comment, status=status
        ),
        allowed=lambda user, comment: access.participation_can_edit(user, comment.consultation.agency),
        possible=lambda comment: COMMENT_TRANSITIONS.allows(comment.status, status),
        success=gettext_lazy("意见审核结果已保存。"),
        url=lambda comment: reverse("participation_staff:moderate", args=[comment.consultation_id, comment.pk]),
        style=style,
    )


# 条例 第十九条 consultations: each comment is published (公开) or kept off the portal (不予公开).
COMMENT_ACTIONS = ActionSet(
    [
        _comment_action(CommentStatus.APPROVED, gettext_lazy("公开")),
        _comment_action(CommentStatus.REJECTED, gettext_lazy("不予公开"), style="secondary"),
    ]
)


def _kind_of(obj) -> str:
    return {ConcernResponse: "concerns", Consultation: "consultations", Survey: "surveys"}[type(obj)]


def _record_page(request, obj, *, bound=None, status=200):
    k = _kind(_kind_of(obj))
    context = {
        "kind": k,
        "object": obj,
        "can_edit": access.participation_can_edit(request.user, obj.agency),
        "can_publish": access.participation_can_publish(request.user, obj.agency),
        "today": timezone.localdate(),
        "actions": RECORD_ACTIONS.available(request.user, obj, bound=bound),
    }
    if k.key == "consultations":
        comments = list(comments_to_moderate(obj))
        for c in comments:
            c.consultation = obj
            c.actions = COMMENT_ACTIONS.available(request.user, c, bound=bound)
        context["comments"] = comments
    if k.key == "surveys":
        context["total"], context["results"] = survey_results(obj)
    return render(request, "participation/staff_detail.html", context, status=status)


@staff_view
def record_detail(request, kind: str, pk: int):
    return _record_page(request, _kind(kind).get_for_user(request.user, pk))


def _detail_url(obj) -> str:
    return reverse("participation_staff:detail", args=[_kind_of(obj), obj.pk])


@require_POST
@staff_view
def record_action(request, kind: str, pk: int, action: str):
    obj = _kind(kind).get_for_user(request.user, pk)
    return run_action(request, RECORD_ACTIONS, action, obj, page=_record_page, success_url=_detail_url)


@require_POST
@staff_view
def comment_moderate(request, pk: int, comment_pk: int):
    consultation = access.consultation_get_for_user(request.user, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, consultation=consultation)
    comment.consultation = consultation
    return run_action(
        request,
        COMMENT_ACTIONS,
        request.POST.get("status", ""),
        comment,
        page=lambda request, comment, **kw: _record_page(request, consultation, **kw),
        success_url=lambda comment: _detail_url(consultation),
    )


class _RecordPart(ServiceFormView):
    """A page that adds to one record (its feedback, a question) and returns to the record's page."""

    get_for_user = staticmethod(access.concern_get_for_user)
    may = staticmethod(access.participation_can_edit)

    def load(self, pk):
        self.object = self.get_for_user(self.request.user, pk)

    def check_access(self):
        if not self.may(self.request.user, self.object.agency):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def get_success_url(self):
        return _detail_url(self.object)


class ConsultationFeedback(_RecordPart):
    """意见采纳情况 of a closed consultation, published by a reviewer or approver."""

    form_class = FeedbackForm
    template_name = "participation/staff_feedback.html"
    success_message = gettext_lazy("意见采纳情况已发布。")
    get_for_user = staticmethod(access.consultation_get_for_user)
    may = staticmethod(access.participation_can_publish)

    def get_initial(self):
        return {"feedback": self.object.feedback}

    def perform(self, form):
        return services.consultation_publish_feedback(
            actor=self.request.user, consultation=self.object, feedback=form.cleaned_data["feedback"]
        )


class SurveyQuestionAdd(_RecordPart):
    form_class = QuestionForm
    template_name = "participation/staff_question.html"
    success_message = gettext_lazy("已添加题目。")
    get_for_user = staticmethod(access.survey_get_for_user)

    def perform(self, form):
        data = form.cleaned_data
        return services.survey_question_add(
            actor=self.request.user,
            survey=self.object,
            text=data["text"],
            kind=data["kind"],
            required=data["required"],
            choices=data["choices"].splitlines(),
        )


consultation_feedback = staff_view(ConsultationFeedback.as_view())
survey_question_add = staff_view(SurveyQuestionAdd.as_view())


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
