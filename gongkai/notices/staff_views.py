"""Back office: the agency's notices (recipients masked) and the notice texts an agency administrator edits."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.accounts.access import user_has_role
from gongkai.accounts.staff import read_only_post, staff_view
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.errors import AccessDenied
from gongkai.core.views import ServiceFormView
from gongkai.notices import texts
from gongkai.notices.forms import NoticeFilterForm, NoticePreferenceForm, NoticeTemplateForm
from gongkai.notices.models import Notice, NoticeState
from gongkai.notices.selectors import daily_digest_wanted, notice_get_for_user, notice_texts_for, notices_visible_to
from gongkai.notices.services import notice_may_retry, notice_preference_set, notice_retry, notice_template_save

# A failed notice is sent again by hand, from the notices list or the case page (条例 第三十一条: the applicant
# must be told). The service checks the state again, so a stale page cannot queue a notice twice.
NOTICE_ACTIONS = ActionSet(
    [
        Action("retry", gettext_lazy("重新发送"), call_service(notice_retry, "notice"), allowed=notice_may_retry,
               possible=lambda notice: notice.state == NoticeState.FAILED,
               success=gettext_lazy("通知已重新排队，稍后自动发送。")),
    ],
    url_name="notices:action",
)  # fmt: skip


def notice_rows(user, notices, bound=None) -> list[tuple[Notice, list]]:
    """Each notice with the actions this user may take on it now (the failed ones: 重新发送)."""
    return [(n, NOTICE_ACTIONS.available(user, n, bound=bound)) for n in notices]


def _list_page(request, obj=None, *, bound=None, status=200):
    form = NoticeFilterForm(request.GET or None)
    notices = notices_visible_to(request.user).select_related("agency")
    if form.is_valid() and form.cleaned_data["state"]:
        notices = notices.filter(state=form.cleaned_data["state"])
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    if obj is not None and obj not in page.object_list:
        # A failed action names its notice: show that notice (with the error) even if it is on another page.
        rows = notice_rows(request.user, [obj], bound)
    else:
        rows = notice_rows(request.user, page.object_list, bound)
    return render(request, "notices/list.html", {"form": form, "page": page, "rows": rows}, status=status)


@staff_view
def notice_list(request):
    return _list_page(request)


def _after(notice: Notice) -> str:
    """Back where the button was: the case page's notices for a case's notice, else the notices list."""
    if notice.object_type == "applications.application" and notice.object_id:
        return reverse("applications_staff:detail", args=[notice.object_id]) + "#notices"
    return reverse("notices:list")


@require_POST
@staff_view
def notice_action(request, pk: int, name: str):
    notice = notice_get_for_user(request.user, pk)
    return run_action(request, NOTICE_ACTIONS, name, notice, page=_list_page, success_url=_after)


def _may_edit(request) -> bool:
    return request.agency is not None and user_has_role(request.user, request.agency, "agency_admin")


@staff_view
def template_list(request):
    return render(
        request,
        "notices/templates.html",
        {"rows": notice_texts_for(request.agency), "can_edit": _may_edit(request), "sms_limit": texts.SMS_SEGMENT},
    )


class TemplateEdit(ServiceFormView):
    """An agency administrator edits one notice text; the SMS editor counts its 70-character segments."""

    template_name = "notices/template_form.html"
    form_class = NoticeTemplateForm
    success_message = gettext_lazy("通知模板已保存。")

    def load(self, *, event: str, channel: str) -> None:
        rows = [r for r in notice_texts_for(self.request.agency) if r["event"] == event and r["channel"] == channel]
        if not rows:
            raise Http404
        self.row, self.event, self.channel = rows[0], event, channel

    def check_access(self) -> None:
        if not _may_edit(self.request):
            raise AccessDenied(_("只有机关管理员可以修改通知模板。"))

    def get_extra_form_kwargs(self):
        return {"channel": self.channel}

    def get_initial(self):
        return {"subject": self.row["subject"], "body": self.row["body"]}

    def perform(self, form):
        return notice_template_save(
            actor=self.request.user,
            agency=self.request.agency,
            event=self.event,
            channel=self.channel,
            subject=form.cleaned_data.get("subject", ""),
            body=form.cleaned_data["body"],
        )

    def get_success_url(self) -> str:
        return reverse("notices:templates")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        body = form.data.get("body", self.row["body"]) if form.is_bound else self.row["body"]
        context.update(
            row=self.row,
            segments=texts.sms_segments(body) if self.channel == "sms" else None,
            length=len(body),
            sms_limit=texts.SMS_SEGMENT,
        )
        return context


template_edit = staff_view(TemplateEdit.as_view())


class PreferenceEdit(ServiceFormView):
    """我的通知设置: a staff member's own choice of the daily 待办 e-mail (inbox.digest, jobs: inbox_digest)."""

    template_name = "notices/preferences.html"
    form_class = NoticePreferenceForm
    success_message = gettext_lazy("通知设置已保存。")

    def get_initial(self):
        return {"daily_digest": daily_digest_wanted(self.request.user)}

    def perform(self, form):
        return notice_preference_set(actor=self.request.user, daily_digest=form.cleaned_data["daily_digest"])

    def get_success_url(self) -> str:
        return reverse("notices:preferences")


# A person's own setting, not a record of the agency they work in: supervisors (who only read the agency's
# records) may set it too.
preference_edit = staff_view(read_only_post(PreferenceEdit.as_view()))
