"""Back office: policy interpretations (政策解读), catalogue items reviewed through the catalogue's own chain."""

import html
import re

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.catalogue.access import item_can_edit, item_can_review
from gongkai.catalogue.models import Category, ItemStatus
from gongkai.catalogue.services import item_approve, item_reject, item_submit
from gongkai.core.actions import Action, ActionSet, run_action
from gongkai.core.views import ServiceFormView
from gongkai.participation import access, services
from gongkai.participation.forms import InterpretationDraftForm, ReturnForm, ReviewForm
from gongkai.participation.selectors import catalogue_item_url, interpretable_documents
from gongkai.participation.staff_views import KINDS


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


class InterpretationNew(ServiceFormView):
    form_class = InterpretationDraftForm
    template_name = "participation/staff_interpretation_form.html"
    success_message = gettext_lazy("已保存解读草稿。")
    object = None

    def load(self):
        self.agency = self.request.agency

    def check_access(self):
        if self.agency is None or not access.participation_can_edit(self.request.user, self.agency):
            raise PermissionDenied

    def get_extra_form_kwargs(self):
        return {
            "documents": interpretable_documents(self.agency),
            "categories": Category.objects.filter(agency=self.agency, is_active=True).order_by("sort_order", "id"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=KINDS.values(), object=self.object, **kwargs)

    def perform(self, form):
        return services.interpretation_create(actor=self.request.user, agency=self.agency, **form.cleaned_data)

    def get_success_url(self):
        return reverse("participation_staff:interpretation", args=[self.result.pk])


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


class InterpretationEdit(InterpretationNew):
    success_message = gettext_lazy("已保存。")

    def load(self, pk):
        self.object = access.interpretation_get_for_user(self.request.user, pk)
        self.agency = self.object.agency

    def check_access(self):
        if not item_can_edit(self.request.user, self.object):
            raise PermissionDenied

    def get_initial(self):
        return _interpretation_initial(self.object)

    def perform(self, form):
        return services.interpretation_update(actor=self.request.user, item=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("participation_staff:interpretation", args=[self.object.pk])


interpretation_new = staff_view(InterpretationNew.as_view())
interpretation_edit = staff_view(InterpretationEdit.as_view())


def _interpretation_url(name):
    return lambda item: reverse("participation_staff:interpretation_action", args=[item.pk, name])


def _item_status_now(item) -> str:
    item.refresh_from_db(fields=["status"])
    return _("状态已更新为“%(s)s”。") % {"s": item.get_status_display()}


# An interpretation is a catalogue item: it goes through the catalogue's review chain, by its services.
INTERPRETATION_ACTIONS = ActionSet(
    [
        Action(
            name="submit",
            label=gettext_lazy("提交审核"),
            perform=lambda request, item, data: item_submit(actor=request.user, item=item),
            allowed=lambda user, item: access.participation_can_edit(user, item.agency),
            possible=lambda item: item.status == ItemStatus.DRAFT,
            success=_item_status_now,
            url=_interpretation_url("submit"),
        ),
        Action(
            name="approve",
            label=gettext_lazy("通过"),
            perform=lambda request, item, data: item_approve(
                actor=request.user, item=item, proofread=data["proofread"], comment=data["comment"]
            ),
            form=ReviewForm,
            form_kwargs=lambda item: {"auto_id": "id_approve_%s"},
            allowed=item_can_review,
            possible=lambda item: item.status == ItemStatus.IN_REVIEW,
            success=_item_status_now,
            url=_interpretation_url("approve"),
        ),
        Action(
            name="reject",
            label=gettext_lazy("退回修改"),
            perform=lambda request, item, data: item_reject(actor=request.user, item=item, comment=data["comment"]),
            form=ReturnForm,
            form_kwargs=lambda item: {"auto_id": "id_reject_%s"},
            allowed=item_can_review,
            possible=lambda item: item.status == ItemStatus.IN_REVIEW,
            success=_item_status_now,
            url=_interpretation_url("reject"),
            style="secondary",
        ),
    ]
)


def _interpretation_page(request, item, *, bound=None, status=200):
    return render(
        request,
        "participation/staff_interpretation.html",
        {
            "object": item,
            "step": item.current_step(),
            "findings": [f for f in item.findings.all() if f.is_open],
            "can_edit": item_can_edit(request.user, item),
            "actions": {a.name: a for a in INTERPRETATION_ACTIONS.available(request.user, item, bound=bound)},
            "document_url": catalogue_item_url(item.interprets) if item.interprets else "",
            "public_url": reverse("participation:interpretation", args=[item.agency.slug, item.pk])
            if item.status == ItemStatus.PUBLISHED
            else "",
        },
        status=status,
    )


@staff_view
def interpretation_detail(request, pk: int):
    return _interpretation_page(request, access.interpretation_get_for_user(request.user, pk))


@require_POST
@staff_view
def interpretation_action(request, pk: int, action: str):
    """Submit, pass or return an interpretation: the catalogue's review chain, through its services."""
    item = access.interpretation_get_for_user(request.user, pk)
    return run_action(
        request,
        INTERPRETATION_ACTIONS,
        action,
        item,
        page=_interpretation_page,
        success_url=lambda item: reverse("participation_staff:interpretation", args=[item.pk]),
    )
