"""Back office: the agency's notices (recipients masked) and the notice texts an agency administrator edits."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.staff import staff_view
from gongkai.core.errors import AccessDenied
from gongkai.core.views import ServiceFormView
from gongkai.notices import texts
from gongkai.notices.forms import NoticeFilterForm, NoticeTemplateForm
from gongkai.notices.selectors import notice_texts_for, notices_of_agencies
from gongkai.notices.services import notice_template_save


@staff_view
def notice_list(request):
    form = NoticeFilterForm(request.GET or None)
    notices = notices_of_agencies(agencies_visible_to(request.user)).select_related("agency")
    if form.is_valid() and form.cleaned_data["state"]:
        notices = notices.filter(state=form.cleaned_data["state"])
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"form": form, "page": page})


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
