"""The agency administrator's catalogue settings: categories, word lists, review chain, index template, guide.

Each form of the settings page is an `Action` of `SETTINGS_ACTIONS` on the agency (posting `action=<name>` to
the page itself), run by `core.actions.run_action`; the category and guide pages are `ServiceFormView`s.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy

from gongkai.accounts.staff import staff_view
from gongkai.catalogue import services
from gongkai.catalogue.access import catalogue_can_configure
from gongkai.catalogue.forms import (
    CategoryEditForm,
    CategoryForm,
    GuideForm,
    ReviewChainForm,
    SettingsForm,
    WordDeleteForm,
    WordForm,
)
from gongkai.catalogue.models import DEFAULT_INDEX_TEMPLATE, CatalogueSettings, Category, WordListEntry
from gongkai.catalogue.selectors import disclosure_guide_text
from gongkai.catalogue.services.review import review_chain_of
from gongkai.core.actions import Action, ActionSet, run_action
from gongkai.core.views import ServiceFormView


def _current_agency(request):
    if request.agency is None:
        raise Http404
    return request.agency


def _offered(actions, user, obj, bound):
    return {a.name: a for a in actions.available(user, obj, bound=bound)}


def _configurable_agency(request):
    agency = _current_agency(request)
    if not catalogue_can_configure(request.user, agency):
        raise PermissionDenied
    return agency


def _settings_url(_obj=None):
    return reverse("catalogue_staff:settings")


def _configures(user, agency) -> bool:
    return catalogue_can_configure(user, agency)


def _site_admin(user, agency) -> bool:
    return catalogue_can_configure(user, agency) and user.is_site_admin


def _chain_initial(agency) -> dict:
    return {"initial": {"steps": "\n".join(f"{n} {r}" for n, r in review_chain_of(agency))}}


def _settings_initial(agency) -> dict:
    row = CatalogueSettings.objects.filter(agency=agency).first()
    return {"initial": {"index_template": row.index_template if row else DEFAULT_INDEX_TEMPLATE}}


def _word_list_actions(name, *, agency_of, allowed, **form_kwargs):
    """Add to and delete from a word list: the agency's own, or (agency_of → None) the site-wide one."""
    return [
        Action(
            name=name,
            label=gettext_lazy("添加"),
            perform=lambda request, agency, data: services.word_entry_add(
                actor=request.user, agency=agency_of(agency), **data
            ),
            form=WordForm,
            form_kwargs=lambda agency: {"auto_id": f"id_{name}_%s", **form_kwargs},
            allowed=allowed,
            style="small",
        ),
        Action(
            name=f"{name}_delete",
            label=gettext_lazy("删除"),
            perform=lambda request, agency, data: services.word_entry_delete(actor=request.user, entry=data["entry"]),
            form=WordDeleteForm,
            form_kwargs=lambda agency: {"entries": WordListEntry.objects.filter(agency=agency_of(agency))},
            allowed=allowed,
        ),
    ]


# One action per form of the settings page; each posts `action=<name>` to the page itself.
SETTINGS_ACTIONS = ActionSet(
    [
        Action(
            name="default_tree",
            label=gettext_lazy("建立默认分类"),
            perform=lambda request, agency, data: services.category_tree_ensure_default(
                actor=request.user, agency=agency
            ),
            allowed=_configures,
            possible=lambda agency: not Category.objects.filter(agency=agency).exists(),
        ),
        Action(
            name="category",
            label=gettext_lazy("添加分类"),
            perform=lambda request, agency, data: services.category_create(actor=request.user, agency=agency, **data),
            form=CategoryForm,
            form_kwargs=lambda agency: {"agency": agency, "auto_id": "id_category_%s"},
            allowed=_configures,
            style="small",
        ),
        Action(
            name="chain",
            label=gettext_lazy("保存流程"),
            perform=lambda request, agency, data: services.review_chain_set(
                actor=request.user, agency=agency, steps=data["steps"]
            ),
            form=ReviewChainForm,
            form_kwargs=_chain_initial,
            allowed=_configures,
            style="small",
        ),
        Action(
            name="settings",
            label=gettext_lazy("保存模板"),
            perform=lambda request, agency, data: services.catalogue_settings_update(
                actor=request.user, agency=agency, **data
            ),
            form=SettingsForm,
            form_kwargs=_settings_initial,
            allowed=_configures,
            style="small",
        ),
        *_word_list_actions("word", agency_of=lambda agency: agency, allowed=_configures),
        *_word_list_actions("global_word", agency_of=lambda agency: None, allowed=_site_admin, prefix="global"),
    ]
)


def _settings_page(request, agency, *, bound=None, status=200):
    context = {
        "agency": agency,
        "categories": Category.objects.filter(agency=agency).select_related("parent").order_by("sort_order", "pk"),
        "words": WordListEntry.objects.filter(agency=agency),
        "shipped_typos": WordListEntry.objects.filter(agency__isnull=True).count(),
        "global_words": WordListEntry.objects.filter(agency__isnull=True) if request.user.is_site_admin else [],
        "chain": review_chain_of(agency),
        "actions": _offered(SETTINGS_ACTIONS, request.user, agency, bound),
    }
    return render(request, "catalogue/staff/settings.html", context, status=status)


@staff_view
def settings_page(request):
    agency = _configurable_agency(request)
    if request.method != "POST":
        return _settings_page(request, agency)
    name = request.POST.get("action", "")
    return run_action(request, SETTINGS_ACTIONS, name, agency, page=_settings_page, success_url=_settings_url)


def _category_initial(category) -> dict:
    fields = ("name", "code", "parent", "sort_order", "is_active")
    return {name: getattr(category, name) for name in fields}


CATEGORY_ACTIONS = ActionSet(
    [
        Action(
            name="delete",
            label=gettext_lazy("删除分类"),
            perform=lambda request, category, data: services.category_delete(actor=request.user, category=category),
            allowed=lambda user, category: catalogue_can_configure(user, category.agency),
            success=gettext_lazy("分类已删除。"),
            style="danger",
        ),
    ]
)


class CategoryEdit(ServiceFormView):
    """Rename, move or deactivate a category; its delete button is an action of `CATEGORY_ACTIONS`."""

    form_class = CategoryEditForm
    template_name = "catalogue/staff/category_form.html"
    success_message = gettext_lazy("已保存。")
    success_url = reverse_lazy("catalogue_staff:settings")

    def load(self, pk):
        self.agency = _configurable_agency(self.request)
        self.category = get_object_or_404(Category, pk=pk, agency=self.agency)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "delete":
            return run_action(
                request, CATEGORY_ACTIONS, "delete", self.category, page=self.page, success_url=_settings_url
            )
        return super().post(request, *args, **kwargs)

    def page(self, request, category, *, bound=None, status=200):
        context = self.get_context_data(form=self.get_form_class()(agency=self.agency, initial=self.get_initial()))
        context["actions"] = _offered(CATEGORY_ACTIONS, request.user, category, bound)
        return self.render_to_response(context, status=status)

    def get_initial(self):
        return _category_initial(self.category)

    def get_extra_form_kwargs(self):
        return {"agency": self.agency}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actions", _offered(CATEGORY_ACTIONS, self.request.user, self.category, None))
        return super().get_context_data(category=self.category, **kwargs)

    def perform(self, form):
        return services.category_update(actor=self.request.user, category=self.category, **form.cleaned_data)


class GuideEdit(ServiceFormView):
    form_class = GuideForm
    template_name = "catalogue/staff/guide_form.html"
    success_message = gettext_lazy("指南已保存，门户网站已更新。")
    success_url = reverse_lazy("catalogue_staff:guide")

    def load(self):
        self.agency = _configurable_agency(self.request)
        self.text, self.custom = disclosure_guide_text(self.agency)

    def get_initial(self):
        return {"body": self.text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(custom=self.custom, agency=self.agency, **kwargs)

    def perform(self, form):
        return services.disclosure_guide_save(
            actor=self.request.user, agency=self.agency, body=form.cleaned_data["body"]
        )


category_edit = staff_view(CategoryEdit.as_view())
guide_edit = staff_view(GuideEdit.as_view())
