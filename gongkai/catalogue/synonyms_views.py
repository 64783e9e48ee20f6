"""The site administrator's page of search synonyms (目录设置 → 检索同义词), on the staff-page layer: adding is a
`ServiceFormView`, removing an `Action` run by `run_action`; the services write the audit events."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.catalogue import services
from gongkai.catalogue.models import SearchSynonym
from gongkai.core.actions import Action, ActionSet, BoundAction, run_action
from gongkai.core.views import ServiceFormView


class SynonymForm(forms.Form):
    word = forms.CharField(label=_("词语"), max_length=40, help_text=_("例如：低保"))
    synonym = forms.CharField(label=_("同义词"), max_length=40, help_text=_("例如：最低生活保障"))


def _site_admin(user, _obj=None) -> bool:
    return bool(user.is_site_admin)


SYNONYM_ACTIONS = ActionSet(
    [
        Action(
            name="delete",
            label=_("删除"),
            perform=lambda request, entry, data: services.synonym_delete(actor=request.user, entry=entry),
            allowed=_site_admin,
            success=_("已删除同义词。"),
            url=lambda entry: reverse("catalogue_staff:synonym_delete", args=[entry.pk]),
            style="danger",
            confirm=_("确定删除这对同义词吗？"),
        )
    ]
)


def _context(request, bound: BoundAction | None = None, bound_pk: int | None = None) -> dict:
    """The pairs, each with its delete button (the one that failed keeps its errors)."""
    return {
        "entries": [
            (entry, SYNONYM_ACTIONS.available(request.user, entry, bound=bound if entry.pk == bound_pk else None))
            for entry in SearchSynonym.objects.all()
        ],
    }


class SynonymList(ServiceFormView):
    """The list and the form that adds a pair."""

    template_name = "catalogue/staff/synonyms.html"
    form_class = SynonymForm
    success_url = reverse_lazy("catalogue_staff:synonyms")
    success_message = _("已添加同义词，下一次检索即生效。")

    def check_access(self) -> None:
        if not _site_admin(self.request.user):
            raise PermissionDenied

    def perform(self, form):
        return services.synonym_add(actor=self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_context(self.request)}


synonym_list = staff_view(SynonymList.as_view())


def _page(request, entry, *, bound, status):
    context = {"form": SynonymForm(), **_context(request, bound, entry.pk)}
    return render(request, "catalogue/staff/synonyms.html", context, status=status)


@require_POST
@staff_view
def synonym_delete(request, pk: int):
    if not _site_admin(request.user):
        raise PermissionDenied
    entry = get_object_or_404(SearchSynonym, pk=pk)
    return run_action(
        request, SYNONYM_ACTIONS, "delete", entry, page=_page, success_url=reverse("catalogue_staff:synonyms")
    )
