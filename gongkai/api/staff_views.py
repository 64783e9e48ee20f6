"""The site administrator's page of API keys: issue one (shown once), see who holds which, revoke one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.api.forms import ApiKeyForm
from gongkai.api.models import ApiKey
from gongkai.api.selectors import api_keys_all
from gongkai.api.services import api_key_issue, api_key_revoke
from gongkai.core.actions import Action, ActionSet, run_action
from gongkai.core.views import ServiceFormView


def _site_admin(user, obj=None) -> bool:
    return bool(getattr(user, "is_site_admin", False))


KEY_ACTIONS = ActionSet(
    [
        Action(
            name="revoke",
            label=gettext_lazy("吊销"),
            perform=lambda request, key, data: api_key_revoke(actor=request.user, key=key),
            allowed=_site_admin,
            possible=lambda key: key.is_active,
            success=gettext_lazy("已吊销该密钥，持有者的请求将按普通访问限速。"),
            url=lambda key: reverse("api_staff:key_action", args=[key.pk, "revoke"]),
            style="danger",
            confirm=gettext_lazy("吊销后该密钥立即失效，确定吊销吗？"),
        )
    ]
)


class ApiKeyList(ServiceFormView):
    template_name = "api/staff/keys.html"
    form_class = ApiKeyForm
    success_url = reverse_lazy("api_staff:keys")
    invalid_status = 400

    def check_access(self) -> None:
        if not _site_admin(self.request.user):
            raise PermissionDenied

    def perform(self, form):
        key, raw = api_key_issue(actor=self.request.user, name=form.cleaned_data["name"])
        # The key is shown this once (the database keeps only its hash).
        messages.success(
            self.request, _("已签发密钥，请立即复制并交给使用者，此后无法再次查看：%(key)s") % {"key": raw}
        )
        return key

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keys = list(api_keys_all())
        context["keys"] = [(key, KEY_ACTIONS.available(self.request.user, key)) for key in keys]
        return context


keys = staff_view(ApiKeyList.as_view())


def _page(request, key, *, bound, status):
    view = ApiKeyList()
    view.setup(request)
    context = view.get_context_data(form=ApiKeyForm())
    context["keys"] = [
        (k, KEY_ACTIONS.available(request.user, k, bound=bound if k.pk == key.pk else None))
        for k, _a in context["keys"]
    ]
    return render(request, "api/staff/keys.html", context, status=status)


@require_POST
@staff_view
def key_action(request, pk: int, name: str):
    if not _site_admin(request.user):
        raise PermissionDenied
    key = get_object_or_404(ApiKey, pk=pk)
    return run_action(request, KEY_ACTIONS, name, key, page=_page, success_url=reverse("api_staff:keys"))
