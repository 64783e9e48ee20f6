"""The back office: the work queue, registration of paper applications, the case page and its actions, letters."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongkai.accounts.models import User
from gongkai.accounts.staff import staff_view
from gongkai.agencies.services import agency_set_remedy_bodies
from gongkai.applications import forms, services, tracking
from gongkai.applications.access import (
    HANDLING_ROLES,
    agency_can_register_applications,
    application_can_approve,
    application_can_handle,
    application_get_for_user,
    applications_visible_to,
    letter_templates_can_edit,
    sign_off_can_configure,
)
from gongkai.applications.letters import DEFAULT_BODIES
from gongkai.applications.models import (
    OUTCOME_GROUP_LABELS,
    SIGN_OFF_GROUPS,
    Application,
    Attachment,
    ClockPause,
    DraftState,
    Extension,
    Fee,
    Letter,
    LetterKind,
    PauseKind,
    ReplyDraft,
    Status,
)
from gongkai.applications.selectors import application_queue, application_suggestions_pending
from gongkai.applications.steps import (
    case_steps,
    current_draft,
    current_step,
    live_draft,
    sign_off_groups,
    sign_off_required,
)
from gongkai.applications.views import letter_file_response
from gongkai.audit.selectors import audit_timeline
from gongkai.core.actions import Action, ActionForm, ActionSet, BoundAction, run_action
from gongkai.core.errors import IllegalTransition
from gongkai.core.pagecache import cached_by_work
from gongkai.core.spreadsheets import table_response
from gongkai.core.storage import file_response
from gongkai.core.views import ServiceFormView
from gongkai.workdays.selectors import CALENDAR_KEY

QUEUE_PAGE_SIZE = 50


@staff_view
def queue(request):
    state = request.GET.get("state", "")
    if state not in ("", "due_soon", "overdue", "closed", "suggested"):
        state = ""
    agency = request.agency
    mine = applications_visible_to(request.user).filter(agency=agency) if agency else applications_visible_to(None)
    suggested = application_suggestions_pending(mine)
    if state == "closed":
        rows = mine.filter(status=Status.CLOSED).select_related("applicant", "handler").order_by("-closed_on", "-pk")
    elif state == "suggested":
        rows = suggested.select_related("applicant", "handler").order_by("-received_on", "-pk")
    else:
        rows = application_queue(mine, state=state)
    # A page of rows at a time (the pager keeps the filter): rendering every open case of a busy agency on each
    # visit cost the server more than anything else on the page.
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/staff/queue.html",
        {
            "kept_rows": _kept_queue_rows(agency, state, page),
            "rows": page.object_list,
            "page": page,
            "state": state,
            "today": timezone.localdate(),
            "suggested_count": suggested.count(),
            "can_register": agency is not None and agency_can_register_applications(request.user, agency),
            "can_edit_templates": agency is not None and letter_templates_can_edit(request.user, agency),
        },
    )


# The format of the queue's kept rows (`_kept_queue_rows`): a change to their template or context that must not be
# served from rows kept by the code before it takes a new number.
QUEUE_ROWS_FORMAT = 3


def _kept_queue_rows(agency, state: str, page) -> str:
    """The rows of one page of the queue, rendered, kept while the page holds the same cases and none changed.

    A page's rows show each case's number, applicant, request, dates, state and handler: the same for everyone of
    the agency, so they are kept (issue #15: fifty rows of models and template were most of the page's cost)
    under the agency's and the site's work tokens (every audited change of a case, a person, the agency; the
    nightly due-date scan) and the calendar's (a due date counted in working days, 条例 第三十三条), per filter, page,
    language and day (the overdue mark). After citizens' new applications alone the page's cases are asked for
    again (their ids only): the queue is ordered by due date, so a new case seldom enters the first pages, and
    the kept rows serve as long as the ids are the same. The total above the table is counted on every visit.
    Staff without an agency (a site administrator) get their rows rendered each time.
    """
    rows = page.object_list
    if agency is None:
        return _render_queue_rows(rows, state)
    pks = list(rows.values_list("pk", flat=True))

    def render_rows() -> tuple[list[int], str]:
        return pks, _render_queue_rows(rows, state)

    key = (
        f"gk:queue{QUEUE_ROWS_FORMAT}:{agency.pk}:{state}:{page.number}:{get_language()}:"
        f"{timezone.localdate().isoformat()}"
    )
    kept_pks, html = cached_by_work(
        agency.pk,
        key,
        render_rows,
        catch_up=lambda kept: kept if kept[0] == pks else render_rows(),
        also=[CALENDAR_KEY],
    )
    if kept_pks != pks:  # kept under the same tokens for someone shown other cases of the agency
        html = _render_queue_rows(rows, state)
    # Rendered with autoescaping by the rows' template.
    return mark_safe(html)  # noqa: S308


def _render_queue_rows(rows, state: str) -> str:
    values = {"rows": rows, "state": state, "today": timezone.localdate()}
    return str(get_template("applications/staff/_queue_rows.html").render(values))


def _due_check(application) -> str:
    """The export's word on the reply deadline: whether it was computed from verified holiday data."""
    if application.due_on is None:
        return ""
    return _("已核实") if application.due_verified else _("节假日安排未核实，期限可能调整")


@staff_view
def queue_export(request, fmt: str = "csv"):
    """The agency's cases as CSV or XLSX; identity numbers and phones stay masked in exports.

    Titles are typed by applicants: `table_response` quotes any cell that would run as a formula in Excel.
    """
    agency = request.agency
    mine = applications_visible_to(request.user).filter(agency=agency) if agency else applications_visible_to(None)
    header = [_("申请编号"), _("申请人"), _("证件号码"), _("联系电话"), _("所需信息名称"), _("收到日期"), _("状态"),
              _("答复期限"), _("期限核实情况"), _("办理结果"), _("办结日期"), _("申请人建议主动公开")]  # fmt: skip
    rows = (
        [a.number, a.applicant.name, a.applicant.masked_id_number or a.applicant.credit_code,
         a.applicant.masked_phone, a.title, str(a.received_on), a.get_status_display(), str(a.due_on or ""),
         _due_check(a), a.get_outcome_display(), str(a.closed_on or ""), _("是") if a.suggests_proactive else ""]
        for a in mine.select_related("applicant").order_by("received_on", "pk")
    )  # fmt: skip
    return table_response(header, rows, fmt=fmt, filename="applications", sheet_title=_("依申请公开"))


class Register(ServiceFormView):
    """A paper application (or one by letter, fax, e-mail) registered by a clerk on the day it arrived."""

    form_class = forms.RegisterForm
    template_name = "applications/staff/register.html"

    def load(self):
        self.agency = self.request.agency

    def check_access(self):
        if self.agency is None or not agency_can_register_applications(self.request.user, self.agency):
            raise PermissionDenied

    def perform(self, form):
        return services.application_register(
            actor=self.request.user,
            agency=self.agency,
            applicant=form.applicant_data(),
            request=form.request_data(),
            channel=form.cleaned_data["channel"],
            received_on=form.cleaned_data["received_on"],
            topics=form.topic_list(),
            attachments=form.cleaned_data["attachments"],
        )

    def get_success_message(self):
        return _("申请已登记，编号 %(number)s。") % {"number": self.result.number}

    def get_success_url(self):
        return reverse("applications_staff:detail", args=[self.result.pk])


register = staff_view(Register.as_view())


def _staff_of(application):
    return (
        User.objects.filter(
            is_active=True, roles__agency=application.agency, roles__role__in=HANDLING_ROLES
        ).distinct().order_by("username")
    )  # fmt: skip


HANDLERS_FORMAT = 1  # the kept choices' shape (`_handler_choices`); a new one is read afresh


def _handler_choices(application) -> list[tuple[int, str]]:
    """The assign form's choices, as `_staff_of` gives them, kept per agency under its work tokens: who may
    handle its cases changes only with a role or a user (audited, site-wide), so the first step's form of every
    new case (issue #15: the agency's staff read on each visit) reads none. The form still checks the choice
    against `_staff_of` when it is posted."""
    return cached_by_work(
        application.agency_id,
        f"gk:handlers{HANDLERS_FORMAT}:{application.agency_id}",
        lambda: [(user.pk, str(user)) for user in _staff_of(application)],
        intake=False,
    )


def _prefixed(name, more=None):
    """Each action's fields carry its name (`reply-outcome`), so the case page's forms never clash."""
    return lambda application: {"prefix": name, **(more(application) if more else {})}


def _pending_extension(application):
    return next((e for e in application.extensions.all() if e.approved_on is None), None)


def _approve_extension(request, application, data):
    extension = _pending_extension(application)
    if extension is None:
        raise IllegalTransition(_("没有待批准的延期申请。"))
    return services.application_approve_extension(actor=request.user, extension=extension, on=data["on"])


def _calls(service, *fields):
    """An action's `perform`: the service, called by the user on the application with these fields of the form."""
    return lambda request, application, data: service(
        actor=request.user, application=application, **{name: data[name] for name in fields}
    )


def _in(*statuses):
    return lambda application: application.status in statuses


_WITHDRAWABLE = (Status.IN_PROGRESS, Status.AWAITING_CORRECTION, Status.CONSULTING, Status.AWAITING_FEE)


def _action(name, label, perform, *, form=forms.ActionForm, more=None, **kwargs):
    kwargs.setdefault("allowed", application_can_handle)
    return Action(
        name=name,
        label=label,
        perform=perform,
        form=form,
        form_kwargs=_prefixed(name, more),
        url=lambda application: reverse("applications_staff:action", args=[application.pk, name]),
        **kwargs,
    )


def _draft_initial(application):
    """A returned draft comes back into the form, so the handler edits it instead of typing it again."""
    draft = current_draft(application)
    initial = {"topics": _topic_names(application)}
    if draft is not None and draft.state == DraftState.RETURNED:
        initial.update(outcome=draft.outcome, detail=draft.detail, topics="，".join(draft.topics) or initial["topics"])
    return initial


def _topic_names(application):
    return "，".join(t.name for t in application.topics.all())


def _deliver_kwargs(application):
    """The letters not yet delivered (all, once every one is), the oldest chosen, by the way the applicant chose."""
    undelivered = [x for x in application.letters.all() if x.delivered_on is None]
    letters = application.letters.filter(delivered_on__isnull=True) if undelivered else application.letters.all()
    first = min(undelivered, key=lambda x: (x.issued_on, x.pk), default=None)
    return {
        "letters": letters,
        "initial": {"letter": first.pk if first else None, "method": application.delivery_method},
    }


def _no_live_draft(application):
    return live_draft(application) is None


def _handling(*statuses):
    """A handling step (correction, consultation, fee): in these states, and not while a reply draft is pending
    (the handler withdraws the draft first, so a signed draft never goes out on facts that changed after it)."""
    return lambda application: application.status in statuses and _no_live_draft(application)


def _draft_waiting(application):
    draft = live_draft(application)
    return draft is not None and draft.state == DraftState.AWAITING_SIGN_OFF


def _may_sign(user, application):
    """The agency's approver, and not the one who drafted it (internal control: nobody signs their own draft)."""
    if not application_can_approve(user, application):
        return False
    draft = live_draft(application)
    return draft is None or draft.drafted_by_id != user.pk


def _may_issue(application):
    draft = live_draft(application)
    if draft is None or application.status != Status.IN_PROGRESS:
        return False
    needs = draft.needs_sign_off or sign_off_required(application.agency, draft.outcome)
    return draft.state == DraftState.SIGNED or (draft.state == DraftState.READY and not needs)


# The case page's buttons, in the order of the work (条例 第二十九条 to 第三十六条); `possible` says in which state
# a button makes sense, so the page offers only those, and the services refuse the rest. STEP_OF files each under
# the step of the work it belongs to (gongkai.applications.steps): the page opens the current step's forms and
# folds the others.
ACTIONS = ActionSet(
    [
        _action(
            "assign",
            gettext_lazy("指定承办人"),
            _calls(services.application_assign, "handler"),
            form=forms.AssignForm,
            more=lambda a: {
                "staff": _staff_of(a),
                "choices": _handler_choices(a),
                "initial": {"handler": a.handler_id},
            },
            possible=lambda a: a.is_open,
        ),
        # 条例 第三十三条: an extension needs the consent of the head of the disclosure office.
        _action(
            "extension_approve",
            gettext_lazy("批准延期答复"),
            _approve_extension,
            allowed=application_can_approve,
            possible=lambda a: _pending_extension(a) is not None,
        ),
        _action(
            "correction_receive",
            gettext_lazy("登记收到补正"),
            _calls(services.application_receive_correction, "on", "text"),
            form=forms.CorrectionReceiveForm,
            possible=_in(Status.AWAITING_CORRECTION),
        ),
        # The applicant answered online (条例 第三十条): the clock already restarted; reading it clears the to-do.
        _action(
            "correction_review",
            gettext_lazy("已阅网上补正材料"),
            _calls(services.application_review_correction),
            form=None,
            possible=lambda a: any(
                p.kind == PauseKind.CORRECTION and p.answered_online_at is not None and p.reviewed_at is None
                for p in a.pauses.all()
            ),
        ),
        _action(
            "correction_lapse",
            gettext_lazy("逾期不补正，终止办理"),
            _calls(services.application_close_without_correction, "on"),
            possible=_in(Status.AWAITING_CORRECTION),
            style="secondary",
        ),
        _action(
            "consultation_end",
            gettext_lazy("登记征求意见结果"),
            _calls(services.application_end_consultation, "on", "result"),
            form=forms.ConsultationEndForm,
            possible=_in(Status.CONSULTING),
        ),
        _action(
            "fee_paid",
            gettext_lazy("登记已缴费"),
            _calls(services.application_record_payment, "on", "receipt_number"),
            form=forms.PaymentForm,
            possible=_in(Status.AWAITING_FEE),
        ),
        _action(
            "fee_lapse",
            gettext_lazy("逾期未缴费，终止办理"),
            _calls(services.application_close_fee_unpaid, "on"),
            possible=_in(Status.AWAITING_FEE),
            style="secondary",
        ),
        _action(
            "draft",
            gettext_lazy("拟办答复"),
            lambda request, a, data: services.application_draft_reply(
                actor=request.user,
                application=a,
                outcome=data["outcome"],
                detail=data["detail"],
                topics=forms.split_topics(data["topics"]),
                disclosed_files=data["disclosed_files"],
                redacted_files=data["redacted_files"],
            ),
            form=forms.DraftForm,
            more=lambda a: {"initial": _draft_initial(a)},
            possible=_handling(Status.IN_PROGRESS),
            success=lambda a: _("已拟办。") + (_("等待审批人签发。") if _draft_waiting(a) else _("可以出具答复。")),
        ),
        _action(
            "sign_off",
            gettext_lazy("签发"),
            _calls(services.application_sign_reply, "comment"),
            form=forms.SignForm,
            allowed=_may_sign,
            possible=_draft_waiting,
            success=gettext_lazy("已签发，承办人可以出具答复。"),
        ),
        _action(
            "return_draft",
            gettext_lazy("退回修改"),
            _calls(services.application_return_reply, "comment"),
            form=forms.ReturnForm,
            allowed=_may_sign,
            possible=_draft_waiting,
            style="secondary",
            success=gettext_lazy("已退回承办人修改。"),
        ),
        _action(
            "reply",
            gettext_lazy("出具答复告知书"),
            _calls(services.application_issue_reply, "on", "disclosed_files", "redacted_files"),
            form=forms.ReplyForm,
            possible=_may_issue,
            success=gettext_lazy("答复已出具。"),
        ),
        _action(
            "withdraw_draft",
            gettext_lazy("撤回拟办答复"),
            _calls(services.application_withdraw_draft),
            form=ActionForm,
            possible=lambda a: a.is_open and live_draft(a) is not None,
            style="secondary",
        ),
        _action(
            "deliver",
            gettext_lazy("登记送达"),
            lambda request, a, data: services.letter_deliver(
                actor=request.user, letter=data["letter"], method=data["method"], on=data["on"]
            ),
            form=forms.DeliverForm,
            more=_deliver_kwargs,
            possible=lambda a: bool(a.letters.all()),
        ),
        _action(
            "correction_request",
            gettext_lazy("发出补正通知"),
            _calls(services.application_request_correction, "on", "text", "period_days"),
            form=forms.CorrectionRequestForm,
            # 条例 第三十条: a correction is asked for once.
            possible=lambda a: (
                _handling(Status.IN_PROGRESS)(a) and not any(p.kind == PauseKind.CORRECTION for p in a.pauses.all())
            ),
        ),
        _action(
            "consultation_start",
            gettext_lazy("征求意见"),
            _calls(services.application_start_consultation, "on", "kind", "party", "text"),
            form=forms.ConsultationStartForm,
            possible=_handling(Status.IN_PROGRESS),
        ),
        _action(
            "extension_request",
            gettext_lazy("申请延期答复"),
            _calls(services.application_request_extension, "on", "days", "reason", "kind"),
            form=forms.ExtensionRequestForm,
            possible=lambda a: a.status in (Status.IN_PROGRESS, Status.CONSULTING) and _pending_extension(a) is None,
        ),
        _action(
            "count_items",
            gettext_lazy("登记申请件数"),
            _calls(services.application_count_items, "items"),
            form=forms.ItemsForm,
            more=lambda a: {"initial": {"items": a.items}},
            possible=lambda a: (
                a.is_open and not any(f.method == "per_item" for f in a.fees.all()) and _no_live_draft(a)
            ),
        ),
        _action(
            "fee_notify",
            gettext_lazy("计算并发出收费通知"),
            _calls(services.application_notify_fee, "on", "method", "quantity"),
            form=forms.FeeNotifyForm,
            possible=lambda a: _handling(Status.IN_PROGRESS)(a) and not a.fees.all(),
        ),
        _action(
            "topics",
            gettext_lazy("保存主题"),
            lambda request, a, data: services.application_set_topics(
                actor=request.user, application=a, topics=forms.split_topics(data["topics"])
            ),
            form=forms.TopicsForm,
            more=lambda a: {"initial": {"topics": _topic_names(a)}},
        ),
        _action(
            "withdraw",
            gettext_lazy("申请人撤回"),
            _calls(services.application_withdraw, "on", "reason"),
            form=forms.WithdrawForm,
            possible=_in(*_WITHDRAWABLE),
            style="secondary",
        ),
    ]
)

# Which step of the work (gongkai.applications.steps.STEP_LABELS) each action belongs to.
STEP_OF = {
    "assign": "assign",
    "extension_approve": "handle",
    "correction_receive": "handle",
    "correction_lapse": "handle",
    "consultation_end": "handle",
    "fee_paid": "handle",
    "fee_lapse": "handle",
    "correction_request": "handle",
    "consultation_start": "handle",
    "extension_request": "handle",
    "count_items": "handle",
    "fee_notify": "handle",
    "draft": "draft",
    "sign_off": "sign",
    "return_draft": "sign",
    "reply": "issue",
    "withdraw_draft": "other",
    "deliver": "deliver",
    "topics": "other",
    "withdraw": "other",
}
# Work that waits for this user whatever the case's step: the approver's decisions.
WAITING_FOR_ME = {"extension_approve", "sign_off", "return_draft"}
# Handling steps that end a pause: when the case is paused they are the current step's work.
ENDS_A_PAUSE = {"correction_receive", "correction_lapse", "consultation_end", "fee_paid", "fee_lapse"}


def _arrange(actions, step):
    """Split the offered actions into the current step's (forms open) and the others possible now (folded)."""
    now, later = [], []
    for bound in actions:
        name = bound.name
        key = STEP_OF.get(name, "other")
        # While the case is paused only what ends the pause is the current step's work.
        current = name in WAITING_FOR_ME or name in ENDS_A_PAUSE or (key == step and step != "handle")
        (now if current else later).append(bound)
    return now, later


def _timeline(application):
    """The case's history: its audit events, oldest first (the legal record, written by the services)."""
    return audit_timeline(object_type="applications.application", object_id=str(application.pk)).order_by("id")


# What the case page shows of a case's related rows, read once for the page: the clock, the steps and every
# action's `possible` read them through `.all()` (one query per kind, whatever the number of rows or actions).
CASE_PAGE_RELATED = (
    "pauses",
    Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "approved_by")),
    "fees",
    "letters",
    "attachments",
    "topics",
    Prefetch("drafts", queryset=ReplyDraft.objects.select_related("drafted_by", "decided_by")),
)


# Which of those kinds the case has at all, asked in one query (`_kinds_present`): a kind it has none of is not
# read (a new case has no pauses, extensions, fees, letters, drafts or topics yet).
_RELATED_TABLES = {
    "pauses": ClockPause._meta.db_table,
    "extensions": Extension._meta.db_table,
    "fees": Fee._meta.db_table,
    "letters": Letter._meta.db_table,
    "attachments": Attachment._meta.db_table,
    "topics": Application.topics.through._meta.db_table,
    "drafts": ReplyDraft._meta.db_table,
}
# Fixed SQL: the table names are the models' own, the case's id a parameter.
_KINDS_SQL = "SELECT " + ", ".join(  # noqa: S608
    f'EXISTS(SELECT 1 FROM "{table}" WHERE "application_id" = %s)'  # noqa: S608
    for table in _RELATED_TABLES.values()
)


def _kinds_present(application) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(_KINDS_SQL, [application.pk] * len(_RELATED_TABLES))
        row = cursor.fetchone()
    return {name for name, present in zip(_RELATED_TABLES, row, strict=True) if present}


def _read_case(application):
    # Read afresh: after a refused POST the services may have read (and cached) rows of this very object.
    application._prefetched_objects_cache = {}
    present = _kinds_present(application)
    lookups = []
    for lookup in CASE_PAGE_RELATED:
        name = getattr(lookup, "prefetch_to", lookup)
        if name in present:
            lookups.append(lookup)
        else:
            # None to read: an empty result in the prefetch cache, as a prefetch that found nothing leaves it.
            empty = getattr(application, name).get_queryset()
            empty._result_cache, empty._prefetch_done = [], True
            application._prefetched_objects_cache[name] = empty
    prefetch_related_objects([application], *lookups)


# The format of the kept parts of the case page (`_kept_case_parts`): a change to their templates or context that
# must not be served from values kept by the code before it takes a new number.
CASE_PARTS_FORMAT = 1


def _kept_case_parts(application, draft, steps) -> dict[str, str]:
    """The case page's head (status, due date, steps) and facts (the application and applicant, how the due
    date was computed, the history, the pauses, extensions and fees, the drafts, the letters), rendered.

    They are the same for every clerk who may open the case, whatever their roles, and change only with the case,
    so they are kept (issue #15: half the page's rendering, on every visit by every clerk) under the tokens of
    `core.pagecache.cached_by_work`: the agency's and the site's work (every audited change replaces one: the case's
    own actions, its history, users' and agencies' names, the calendar's corrections), the case's version (every
    saved row the case is made of: tracking.py, even one saved without an audit event) and the calendar's (the
    due date, 条例 第三十三条), per language and day (the overdue mark). A new online application changes no other
    case, so it does not count (`intake=False`).
    """
    today = timezone.localdate()
    key = f"gk:casepage{CASE_PARTS_FORMAT}:{application.pk}:{get_language()}:{today.isoformat()}"

    def render_parts() -> dict[str, str]:
        deadline = services.application_deadline(application) if application.is_open else None
        values = {
            "object": application,
            "deadline": deadline,
            "steps": steps,
            "today": today,
            "draft": draft,
            "drafts": application.drafts.all(),
            "events": _timeline(application),
            "pauses": application.pauses.all(),
            "extensions": application.extensions.all(),
            "fees": application.fees.all(),
            "letters": application.letters.all(),
            "attachments": application.attachments.all(),
            "topics": application.topics.all(),
        }
        # Plain strings: what is kept is the HTML, not the template engine's safe-string type.
        return {
            "head": str(get_template("applications/staff/_case_head.html").render(values)),
            "facts": str(get_template("applications/staff/_case_facts.html").render(values)),
        }

    parts = cached_by_work(
        application.agency_id,
        key,
        render_parts,
        also=[tracking.case_token_key(application.pk), CALENDAR_KEY],
        intake=False,
    )
    # Rendered with autoescaping by the two templates above (each value it shows escaped there).
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308


def _detail_page(request, application, *, bound=None, status=200):
    _read_case(application)
    draft = current_draft(application)
    step = current_step(application, draft)
    steps = case_steps(application, draft)
    actions = ACTIONS.available(request.user, application, bound=bound)
    now, later = _arrange(actions, step)
    # A folded action's form is rendered only when it is opened: by htmx from `action_form` when the fold is
    # opened, or, without JavaScript, on this page again with ?open=<action> (the fold's link).
    opened = request.GET.get("open", "") if bound is None else ""
    return render(
        request,
        "applications/staff/detail.html",
        {
            "object": application,
            "kept": _kept_case_parts(application, draft, steps),
            "actions": actions,
            "now_actions": now,
            "later_actions": later,
            "opened": opened,
            "step": step,
            "steps": steps,
            "draft": draft,
        },
        status=status,
    )


@staff_view
def detail(request, pk: int):
    return _detail_page(request, application_get_for_user(request.user, pk))


@require_GET
@staff_view
def action_form(request, pk: int, name: str):
    """One action's form alone, for a fold of the case page opened by the clerk (htmx swaps it in).

    The same checks as the page that offers it: another agency's case is not found (404), a user the action
    is not for is refused (403), an action the case's state does not offer now is not found. A request that is not
    htmx's (the link opened in a new tab) goes to the case page with the fold open.
    """
    application = application_get_for_user(request.user, pk)
    action = ACTIONS.get(name)
    if not action.allowed(request.user, application):
        raise PermissionDenied
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('applications_staff:detail', args=[pk])}?open={name}#fold-{name}")
    _read_case(application)
    if not action.possible(application):
        raise Http404
    bound = BoundAction(action, url=ACTIONS.url_for(action, application), obj=application)
    # A fragment: the form and its CSRF token only, without the context processors a whole page needs (the header's
    # to-do count, the menu).
    html = get_template("applications/staff/_action_form.html").render(
        {"action": bound, "object": application, "csrf_token": get_token(request)}
    )
    return HttpResponse(html)


@require_POST
@staff_view
def action(request, pk: int, name: str):
    application = application_get_for_user(request.user, pk)
    return run_action(
        request,
        ACTIONS,
        name,
        application,
        page=_detail_page,
        success_url=lambda a: reverse("applications_staff:detail", args=[a.pk]),
    )


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
def reply_file_download(request, pk: int, file_id: int):
    application = application_get_for_user(request.user, pk)
    reply_file = application.reply_files.filter(pk=file_id).first()
    if reply_file is None:
        raise Http404
    return file_response(reply_file.file, filename=reply_file.name)


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
            "group_label": OUTCOME_GROUP_LABELS.get(group, ""),
            "body": services.letter_template_body(agency, kind, group),
        }
        for kind, group in DEFAULT_BODIES
    ]
    groups = sign_off_groups(agency)
    return render(
        request,
        "applications/staff/templates.html",
        {
            "rows": rows,
            "sign_off_labels": [label for key, label in SIGN_OFF_GROUPS if key in groups],
            "can_configure_sign_off": sign_off_can_configure(request.user, agency),
        },
    )


class LetterTemplateEdit(ServiceFormView):
    """The agency's wording of one letter (and outcome group); later letters use it, earlier ones keep theirs."""

    form_class = forms.LetterTemplateForm
    template_name = "applications/staff/template_form.html"
    success_message = gettext_lazy("模板已保存，此后出具的文书使用新模板。")
    success_url = reverse_lazy("applications_staff:templates")

    def load(self, kind, group=""):
        self.agency, self.kind, self.group = self.request.agency, kind, group

    def check_access(self):
        if self.agency is None or not letter_templates_can_edit(self.request.user, self.agency):
            raise PermissionDenied
        if (self.kind, self.group) not in DEFAULT_BODIES:
            raise Http404

    def get_initial(self):
        return {"body": services.letter_template_body(self.agency, self.kind, self.group)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            label=LetterKind(self.kind).label, group_label=OUTCOME_GROUP_LABELS.get(self.group, ""), **kwargs
        )

    def perform(self, form):
        return services.letter_template_save(
            actor=self.request.user,
            agency=self.agency,
            kind=self.kind,
            outcome_group=self.group,
            body=form.cleaned_data["body"],
        )


letter_template_edit = staff_view(LetterTemplateEdit.as_view())


class RemedyBodies(ServiceFormView):
    """条例 第五十一条: the agency's 复议机关 and competent court, which its reply letters name."""

    form_class = forms.RemedyBodiesForm
    template_name = "applications/staff/remedies_form.html"
    success_message = gettext_lazy("已保存，此后出具的答复书写明行政复议机关和管辖人民法院。")
    success_url = reverse_lazy("applications_staff:templates")

    def load(self):
        self.agency = self.request.agency

    def check_access(self):
        if self.agency is None or not letter_templates_can_edit(self.request.user, self.agency):
            raise PermissionDenied

    def get_initial(self):
        return {
            "reconsideration_body": self.agency.reconsideration_body,
            "competent_court": self.agency.competent_court,
        }

    def perform(self, form):
        return agency_set_remedy_bodies(actor=self.request.user, agency=self.agency, **form.cleaned_data)


remedy_bodies = staff_view(RemedyBodies.as_view())


class SignOffSettingEdit(ServiceFormView):
    """Which reply outcomes the agency's approver signs before they are issued (internal control, not law)."""

    form_class = forms.SignOffSettingForm
    template_name = "applications/staff/sign_off_form.html"
    success_message = gettext_lazy("已保存，此后拟办的答复按新设置决定是否须经签发。")
    success_url = reverse_lazy("applications_staff:templates")

    def load(self):
        self.agency = self.request.agency

    def check_access(self):
        if self.agency is None or not sign_off_can_configure(self.request.user, self.agency):
            raise PermissionDenied

    def get_initial(self):
        return {"outcome_groups": sorted(sign_off_groups(self.agency))}

    def perform(self, form):
        return services.sign_off_setting_save(
            actor=self.request.user, agency=self.agency, outcome_groups=form.cleaned_data["outcome_groups"]
        )


sign_off_setting = staff_view(SignOffSettingEdit.as_view())
