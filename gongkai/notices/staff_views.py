"""Back office: the agency's notices (recipients masked) and the notice texts an agency administrator edits."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.staff import staff_view
from gongkai.core.errors import AccessDenied
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


@staff_view
def template_edit(request, event: str, channel: str):
    rows = [r for r in notice_texts_for(request.agency) if r["event"] == event and r["channel"] == channel]
    if not rows:
        raise Http404
    if not _may_edit(request):
        raise AccessDenied(_("只有机关管理员可以修改通知模板。"))
    row = rows[0]
    form = NoticeTemplateForm(
        request.POST or None, channel=channel, initial={"subject": row["subject"], "body": row["body"]}
    )
    if request.method == "POST" and form.is_valid():
        notice_template_save(
            actor=request.user,
            agency=request.agency,
            event=event,
            channel=channel,
            subject=form.cleaned_data.get("subject", ""),
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("通知模板已保存。"))
        return redirect("notices:templates")
    body = form.data.get("body", row["body"]) if form.is_bound else row["body"]
    return render(
        request,
        "notices/template_form.html",
        {"form": form, "row": row, "segments": texts.sms_segments(body) if channel == "sms" else None,
         "length": len(body), "sms_limit": texts.SMS_SEGMENT},
    )  # fmt: skip
