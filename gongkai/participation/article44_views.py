"""Back office, 条例 第四十四条: the case page's panel of the same or similar requests, and turning the
information into a proactive-disclosure draft (a catalogue item) linked to those cases.

This app sits above both the catalogue and the applications app (docs/architecture.md), so it is the one that
may read the cases and create catalogue items; the case page shows the panel through its
`applications.application` slot.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.accounts.staff import staff_view
from gongkai.applications.access import application_can_handle, application_get_for_user, applications_visible_to
from gongkai.applications.tracking import case_token_key
from gongkai.catalogue.access import EDITOR_ROLES
from gongkai.core.pagecache import cached_by_work, cached_each_by_work
from gongkai.core.views import ServiceFormView
from gongkai.participation import services
from gongkai.participation.forms import Article44DraftForm
from gongkai.participation.selectors import (
    SCAN_FORMAT,
    SIMILAR_SCAN_LIMIT,
    Article44Scan,
    article44_cases,
    article44_published_matches,
    article44_scan,
    article44_scan_more,
    article44_shown,
    article44_similar,
)

PANEL_TEMPLATE = "applications/staff/_similar.html"
ROW_TEMPLATE = "applications/staff/_similar_row.html"


def _can_draft(user, application) -> bool:
    """Handling the case and drafting the agency's catalogue items (the roles `item_create` accepts)."""
    return application_can_handle(user, application) and user_has_role(user, application.agency, *EDITOR_ROLES)


@dataclass(frozen=True)
class PublishedMatch:
    """What the panel shows of a published catalogue item that may already disclose what the case asks for."""

    pk: int
    title: str
    document_number: str
    published_at: dt.datetime | None


def _compared(request, application) -> tuple[Article44Scan, list[PublishedMatch]]:
    """The panel's comparisons (the agency's cases of two years, the catalogue's search), kept between changes.

    They change only when the agency's work does (a case registered or changed, an item published or changed:
    all audited under the agency) or the user's roles do, so they are stored under the agency's work tokens
    (`core.pagecache.cached_by_work`): what the comparison found (`Article44Scan`) and the published items as
    shown. After new online applications alone, only the new cases are compared (`article44_scan_more`).
    """
    visible = applications_visible_to(request.user)

    def compare():
        published = [
            PublishedMatch(i.pk, i.title, i.document_number, i.published_at)
            for i in article44_published_matches(application)
        ]
        return article44_scan(application, visible), published

    def catch_up(kept):
        scan, published = kept
        return article44_scan_more(application, visible, scan), published

    key = f"gk:a44:scan{SCAN_FORMAT}:{application.pk}:{request.user.pk}"
    return cached_by_work(application.agency_id, key, compare, catch_up=catch_up)


# The format of the kept panel (`similar_panel`) and of its kept rows (`_rows`): a change to a template or its
# values that must not be served from HTML kept by the code before takes a new number.
PANEL_FORMAT = 2
ROW_FORMAT = 1


# Where a row's badge goes in its kept HTML (`_rows`): how alike the case is depends on the case it is shown with.
BADGE_MARK = "\x00badge\x00"


def _rows(request, application, shown: list[tuple[int, bool, float]]) -> list[str]:
    """The panel's rows, in the order shown. What a row shows of its case is kept as HTML per case and language
    (the same for every user who may see it, since the comparison that names the case was made among the user's
    cases; and in every panel that lists it) under the agency's work tokens, which every audited change of a
    case replaces; the badge of how alike it is, which depends on the case shown with, is put in on each render.
    A run of alike requests, as in a campaign of the same letter, changes the cases shown with each new one: only
    the new one is then read and its row rendered (issue #15: the panel read and rendered its twenty cases again
    on each of them)."""
    language = get_language()
    keys = {pk: f"gk:a44:row{ROW_FORMAT}:{pk}:{language}" for pk, _same, _share in shown}

    def render(missing: list[int]) -> dict[int, tuple[str, str]]:
        template = get_template(ROW_TEMPLATE)
        queue_url = reverse("applications_staff:queue")
        found = article44_cases(applications_visible_to(request.user), [(pk, False, 0.0) for pk in missing])
        parts = {}
        for similar in found:
            # A plain string: what is kept is the HTML, not the template engine's safe-string type.
            html = str(template.render({"a": similar.application, "queue_url": queue_url, "badge": BADGE_MARK}))
            head, _mark, tail = html.partition(BADGE_MARK)
            parts[similar.application.pk] = (head, tail)
        return parts

    kept = cached_each_by_work(application.agency_id, keys, render)
    same_number, alike = _("文号相同"), _("标题相似")
    rows = []
    for pk, same, share in shown:
        if pk in kept:
            head, tail = kept[pk]
            if same:
                badge = format_html('<span class="badge warn">{}</span>', same_number)
            else:
                badge = format_html('<span class="badge">{} {}%</span>', alike, round(share * 100))
            # The head and tail were rendered with autoescaping by the row's template, the badge by format_html.
            rows.append(mark_safe(head + badge + tail))  # noqa: S308
    return rows


def similar_panel(request, application):
    """The slot panel, rendered: similar cases (how many, and the closest), published catalogue matches, the
    draft if there is one; None when there is nothing to show.

    The HTML is kept (issue #15: the cases shown were read and the panel rendered again on every visit) under
    what it shows: the comparison's result (in the key, so a new online application that matches nothing leaves
    it), the agency's work tokens (the cases shown, the linked item and the user's roles change only by audited
    work of the agency), the case's own version (its request for proactive disclosure, its linked item) and the
    language.
    """
    scan, published = _compared(request, application)
    shown = article44_shown(scan)
    if not shown and not application.suggests_proactive and not application.proactive_item_id:
        return None
    # What the panel shows of the comparison: the newest cases compared count only when the window was cut.
    compared_newest = scan.scanned if scan.scanned >= SIMILAR_SCAN_LIMIT else 0
    found = hashlib.sha256(repr((shown, scan.total, compared_newest, scan.suggested, published)).encode()).hexdigest()
    key = f"gk:a44:panel{PANEL_FORMAT}:{application.pk}:{request.user.pk}:{get_language()}:{found[:32]}"

    def render_panel() -> str:
        similar = _rows(request, application, shown)
        linked_item = application.proactive_item if application.proactive_item_id else None
        if not similar and not application.suggests_proactive and linked_item is None:
            return ""
        values = {
            "application": application,
            "similar": similar,
            # A case shown may have left the user's view since the comparison was kept: never fewer than shown.
            "similar_total": max(scan.total, len(similar)),
            # The window held more cases than are compared (the newest SIMILAR_SCAN_LIMIT): the total is at least.
            "compared_newest": compared_newest,
            # 条例 第四十四条第二款: counted among every case that asked alike, listed or not, and this one.
            "suggestions": scan.suggested + application.suggests_proactive,
            "published": published,
            "linked_item": linked_item,
            "can_draft": linked_item is None and _can_draft(request.user, application),
        }
        # A plain string: what is kept is the HTML, not the template engine's safe-string type.
        return str(get_template(PANEL_TEMPLATE).render(values))

    html = cached_by_work(application.agency_id, key, render_panel, also=[case_token_key(application.pk)], intake=False)
    # Rendered with autoescaping by the panel's template (each value it shows escaped there).
    return mark_safe(html) if html else None  # noqa: S308


class Article44Draft(ServiceFormView):
    """条例 第四十四条: make the catalogue draft from a case and link its similar cases."""

    form_class = Article44DraftForm
    template_name = "participation/article44_draft.html"

    def load(self, pk):
        self.application = application_get_for_user(self.request.user, pk)
        self.similar = [
            s
            for s in article44_similar(self.application, applications_visible_to(self.request.user))
            if s.application.proactive_item_id is None
        ]

    def check_access(self):
        if not _can_draft(self.request.user, self.application):
            raise PermissionDenied

    def get_extra_form_kwargs(self):
        return {"similar": self.similar}

    def get_initial(self):
        return {"title": self.application.title, "linked": [s.application.pk for s in self.similar]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.application, similar=self.similar, **kwargs)

    def perform(self, form):
        return services.article44_draft_create(
            actor=self.request.user,
            application=self.application,
            linked=list(form.cleaned_data["linked"]),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
        )

    def get_success_message(self):
        return _("已生成主动公开草稿“%(t)s”，关联申请%(n)s件。请在目录中完善正文后提交审核。") % {
            "t": self.result.title,
            "n": 1 + len(self.request.POST.getlist("linked")),
        }

    def get_success_url(self):
        return reverse("catalogue_staff:item", args=[self.result.pk])


article44_draft = staff_view(Article44Draft.as_view())
