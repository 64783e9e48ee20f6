"""The back office: the work queue, registration of paper applications, the case page and its actions, letters."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.models import User
from gongkai.accounts.staff import staff_view
from gongkai.applications import forms, services
from gongkai.applications.access import (
    HANDLING_ROLES,
    agency_can_register_applications,
    application_can_approve,
    application_can_handle,
    application_get_for_user,
    applications_visible_to,
    letter_templates_can_edit,
)
from gongkai.applications.letters import DEFAULT_BODIES
from gongkai.applications.models import LetterKind, PauseKind, Status
from gongkai.applications.selectors import application_queue
from gongkai.applications.views import letter_file_response
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.core.storage import file_response


@staff_view
def queue(request):
    state = request.GET.get("state", "")
    if state not in ("", "due_soon", "overdue", "closed"):
        state = ""
    agency = request.agency
    mine = applications_visible_to(request.user).filter(agency=agency) if agency else applications_visible_to(None)
    if state == "closed":
        rows = mine.filter(status=Status.CLOSED).select_related("applicant", "handler").order_by("-closed_on", "-pk")
    else:
        rows = application_queue(mine, state=state)
    return render(
        request,
        "applications/staff/queue.html",
        {
            "rows": rows[:500],
            "state": state,
            "today": timezone.localdate(),
            "can_register": agency is not None and agency_can_register_applications(request.user, agency),
        },
    )


@staff_view
def queue_export(request):
    """The agency's cases as CSV (Excel opens it); identity numbers and phones stay masked in exports."""
    agency = request.agency
    mine = applications_visible_to(request.user).filter(agency=agency) if agency else applications_visible_to(None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    response.write("\ufeff")  # a byte-order mark, so Excel reads the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [_("申请编号"), _("申请人"), _("证件号码"), _("联系电话"), _("所需信息名称"), _("收到日期"), _("状态"),
         _("答复期限"), _("办理结果"), _("办结日期")]
    )  # fmt: skip
    for a in mine.select_related("applicant").order_by("received_on", "pk"):
        writer.writerow(
            [a.number, a.applicant.name, a.applicant.masked_id_number or a.applicant.credit_code,
             a.applicant.masked_phone, a.title, a.received_on, a.get_status_display(), a.due_on or "",
             a.get_outcome_display(), a.closed_on or ""]
        )  # fmt: skip
    return response


@staff_view
def register(request):
    agency = request.agency
    if agency is None or not agency_can_register_applications(request.user, agency):
        raise PermissionDenied
    form = forms.RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_register(
                actor=request.user,
                agency=agency,
                applicant=form.applicant_data(),
                request=form.request_data(),
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                topics=form.topic_list(),
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("申请已登记，编号 %(number)s。") % {"number": application.number})
            return redirect("applications_staff:detail", pk=application.pk)
    return render(request, "applications/staff/register.html", {"form": form})


def _staff_of(application):
    return (
        User.objects.filter(
            is_active=True, roles__agency=application.agency, roles__role__in=HANDLING_ROLES
        ).distinct().order_by("username")
    )  # fmt: skip


ACTIONS = {
    "assign": forms.AssignForm,
    "topics": forms.TopicsForm,
    "correction_request": forms.CorrectionRequestForm,
    "correction_receive": forms.CorrectionReceiveForm,
    "correction_lapse": forms.ActionForm,
    "consultation_start": forms.ConsultationStartForm,
    "consultation_end": forms.ConsultationEndForm,
    "extension_request": forms.ExtensionRequestForm,
    "extension_approve": forms.ActionForm,
    "fee_notify": forms.FeeNotifyForm,
    "fee_paid": forms.PaymentForm,
    "fee_lapse": forms.ActionForm,
    "reply": forms.ReplyForm,
    "withdraw": forms.WithdrawForm,
    "deliver": forms.DeliverForm,
}


def _make_form(name, application, data=None):
    kwargs = {"prefix": name}
    if name == "assign":
        kwargs.update(staff=_staff_of(application), initial={"handler": application.handler_id})
    if name == "deliver":
        kwargs["letters"] = application.letters.all()
    if name == "topics":
        kwargs["initial"] = {"topics": "，".join(application.topics.values_list("name", flat=True))}
    return ACTIONS[name](data, **kwargs)


def _available(application, user) -> list[str]:
    """The actions that make sense now, so the page offers only those."""
    if not application_can_handle(user, application):
        return []
    status = application.status
    names = ["assign", "topics"]
    if application.letters.exists():
        names.append("deliver")
    if status == Status.IN_PROGRESS:
        if not application.pauses.filter(kind=PauseKind.CORRECTION).exists():
            names.append("correction_request")
        names += ["consultation_start", "extension_request"]
        if not application.fees.exists():
            names.append("fee_notify")
        names += ["reply", "withdraw"]
    elif status == Status.AWAITING_CORRECTION:
        names += ["correction_receive", "correction_lapse", "withdraw"]
    elif status == Status.CONSULTING:
        names += ["consultation_end", "extension_request", "withdraw"]
    elif status == Status.AWAITING_FEE:
        names += ["fee_paid", "fee_lapse", "withdraw"]
    if application.extensions.filter(approved_on__isnull=True).exists() and application_can_approve(user, application):
        names.append("extension_approve")
    return names


def _run(name, request, application, data):
    user, on = request.user, data.get("on")
    if name == "assign":
        return services.application_assign(actor=user, application=application, handler=data["handler"])
    if name == "topics":
        topics = forms.split_topics(data["topics"])
        return services.application_set_topics(actor=user, application=application, topics=topics)
    if name == "correction_request":
        return services.application_request_correction(
            actor=user, application=application, on=on, text=data["text"], period_days=data["period_days"]
        )
    if name == "correction_receive":
        return services.application_receive_correction(actor=user, application=application, on=on, text=data["text"])
    if name == "correction_lapse":
        return services.application_close_without_correction(actor=user, application=application, on=on)
    if name == "consultation_start":
        return services.application_start_consultation(
            actor=user, application=application, on=on, kind=data["kind"], party=data["party"], text=data["text"]
        )
    if name == "consultation_end":
        return services.application_end_consultation(actor=user, application=application, on=on, result=data["result"])
    if name == "extension_request":
        return services.application_request_extension(
            actor=user, application=application, on=on, days=data["days"], reason=data["reason"], kind=data["kind"]
        )
    if name == "extension_approve":
        extension = application.extensions.filter(approved_on__isnull=True).first()
        if extension is None:
            raise IllegalTransition(_("没有待批准的延期申请。"))
        return services.application_approve_extension(actor=user, extension=extension, on=on)
    if name == "fee_notify":
        return services.application_notify_fee(
            actor=user, application=application, on=on, method=data["method"], quantity=data["quantity"]
        )
    if name == "fee_paid":
        return services.application_record_payment(
            actor=user, application=application, on=on, receipt_number=data["receipt_number"]
        )
    if name == "fee_lapse":
        return services.application_close_fee_unpaid(actor=user, application=application, on=on)
    if name == "reply":
        return services.application_reply(
            actor=user, application=application, outcome=data["outcome"], detail=data["detail"], on=on,
            topics=forms.split_topics(data["topics"]) or None,
        )  # fmt: skip
    if name == "withdraw":
        return services.application_withdraw(actor=user, application=application, on=on, reason=data["reason"])
    if name == "deliver":
        return services.letter_deliver(actor=user, letter=data["letter"], method=data["method"], on=on)
    raise Http404


def _detail_page(request, application, bound=None, status=200):
    available = _available(application, request.user)
    action_forms = []
    for name in available:
        form = bound if bound is not None and bound.prefix == name else _make_form(name, application)
        action_forms.append((name, form))
    deadline = services.application_deadline(application) if application.is_open else None
    return render(
        request,
        "applications/staff/detail.html",
        {
            "object": application,
            "deadline": deadline,
            "action_forms": action_forms,
            "pauses": application.pauses.all(),
            "extensions": application.extensions.select_related("requested_by", "approved_by"),
            "fees": application.fees.all(),
            "letters": application.letters.all(),
            "attachments": application.attachments.all(),
            "topics": application.topics.all(),
            "can_handle": application_can_handle(request.user, application),
            "today": timezone.localdate(),
        },
        status=status,
    )


@staff_view
def detail(request, pk: int):
    return _detail_page(request, application_get_for_user(request.user, pk))


@require_POST
@staff_view
def action(request, pk: int, name: str):
    application = application_get_for_user(request.user, pk)
    if name not in ACTIONS:
        raise Http404
    if not application_can_handle(request.user, application) and not (
        name == "extension_approve" and application_can_approve(request.user, application)
    ):
        raise PermissionDenied
    form = _make_form(name, application, request.POST)
    if form.is_valid():
        try:
            _run(name, request, application, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("applications_staff:detail", pk=application.pk)
    return _detail_page(request, application_get_for_user(request.user, pk), bound=form, status=400)


@staff_view
def letter_download(request, pk: int, letter_id: int, fmt: str):
    application = application_get_for_user(request.user, pk)
    letter = application.letters.filter(pk=letter_id).first()
    if letter is None:
        raise Http404
    return letter_file_response(letter, fmt)


@staff_view
def attachment_download(request, pk: int, attachment_id: int):
    application = application_get_for_user(request.user, pk)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return file_response(attachment.file, filename=attachment.name)


@staff_view
def letter_templates(request):
    agency = request.agency
    if agency is None or not letter_templates_can_edit(request.user, agency):
        raise PermissionDenied
    rows = [
        {
            "kind": kind,
            "group": group,
            "label": LetterKind(kind).label,
            "body": services.letter_template_body(agency, kind, group),
        }
        for kind, group in DEFAULT_BODIES
    ]
    return render(request, "applications/staff/templates.html", {"rows": rows})


@staff_view
def letter_template_edit(request, kind: str, group: str = ""):
    agency = request.agency
    if agency is None or not letter_templates_can_edit(request.user, agency):
        raise PermissionDenied
    if (kind, group) not in DEFAULT_BODIES:
        raise Http404
    form = forms.LetterTemplateForm(
        request.POST or None, initial={"body": services.letter_template_body(agency, kind, group)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_template_save(
                actor=request.user, agency=agency, kind=kind, outcome_group=group, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("模板已保存，此后出具的文书使用新模板。"))
            return redirect("applications_staff:templates")
    return render(
        request,
        "applications/staff/template_form.html",
        {"form": form, "label": LetterKind(kind).label, "group": group},
    )
