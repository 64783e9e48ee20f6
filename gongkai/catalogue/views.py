"""The public catalogue: browse, item pages, print view, search, the disclosure guide, Atom feeds, sitemap.

Public pages show only published items (access.items_published); nothing here needs an account.
"""

import datetime as dt
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import (
    agency_ancestors,
    agency_by_slug,
    portal_home_agency,
    site_identity_agency,
)
from gongkai.analytics.selectors import analytics_top_searches
from gongkai.catalogue.access import item_get_published, items_published
from gongkai.catalogue.forms import SearchForm
from gongkai.catalogue.models import Category
from gongkai.catalogue.selectors import (
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    catalogue_search,
    catalogue_search_suggestion,
    category_tree,
    disclosure_guide_text,
    guide_blocks,
    items_browse,
    items_for_feed,
    published_years,
)
from gongkai.core.params import query_year
from gongkai.core.registry import portal_nav_items
from gongkai.core.storage import file_response


def portal_context(agency: Agency | None, section: str) -> dict:
    """What the portal's base template needs: the agency, its navigation and the footer's site identity.

    The footer shows the nearest agency up the tree that has a 政府网站标识码 (`site_identity_agency`, as on every
    public page).
    """
    ancestors = agency_ancestors(agency) if agency else []
    return {
        "agency": agency,
        "nav_items": portal_nav_items(agency, section),
        "ancestors": ancestors,
        "site_agency": site_identity_agency(agency, ancestors),
    }


def _agency_or_404(slug: str) -> Agency:
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    return agency


def browse(request, slug: str, category: str = ""):
    agency = _agency_or_404(slug)
    chosen = get_object_or_404(Category, agency=agency, code=category, is_active=True) if category else None
    year = query_year(request) or None
    items = items_browse(agency=agency, category=chosen, year=year)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    context = {
        **portal_context(agency, "catalogue"),
        "tree": category_tree(agency),
        "chosen": chosen,
        "year": year,
        "years": published_years(agency),
        "page": page,
    }
    return render(request, "catalogue/browse.html", context)


def item_detail(request, pk: int, printable: bool = False):
    item = item_get_published(pk)
    context = {
        **portal_context(item.agency, "catalogue"),
        "item": item,
        "attachments": list(item.attachments.all()),
        "corrections": list(item.versions.exclude(correction_note="").order_by("number")),
        "interpretations": list(items_published().filter(interprets=item).order_by("published_at")),
        "repealed_by": items_published().filter(repeals=item).first(),
        "amended_by": list(items_published().filter(amends=item)),
    }
    template = "catalogue/item_print.html" if printable else "catalogue/item.html"
    return render(request, template, context)


def item_print(request, pk: int):
    return item_detail(request, pk, printable=True)


def _popular_searches(limit: int = 10) -> list[str]:
    """The most searched terms of the past 30 days across the portal (the visit statistics' daily roll-up keeps
    only the term, the day and a count: no address, no visitor)."""
    today = timezone.localdate()
    rows = analytics_top_searches(
        agencies=Agency.objects.filter(is_active=True),
        start=today - dt.timedelta(days=30),
        end=today,
        limit=limit,
    )
    return [row["term"] for row in rows if row["term"]]


def attachment_download(request, pk: int, attachment_pk: int):
    """An attachment of a published item; a draft's or a withdrawn item's attachments are not found (404)."""
    item = item_get_published(pk)
    attachment = get_object_or_404(item.attachments, pk=attachment_pk)
    return file_response(attachment.file, filename=attachment.name, as_attachment=False)


def search(request):
    """The portal's search, which explains itself: a hint when nothing was asked, the limit when too much was,
    and what to try when nothing was found."""
    form = SearchForm(request.GET or None)
    agency = None
    results = None
    suggestion = None
    if form.is_valid():
        data = form.cleaned_data
        if data["agency"]:
            agency = _agency_or_404(data["agency"])
        category = None
        if data["category"] and agency is not None:
            category = Category.objects.filter(agency=agency, pk=data["category"]).first()
        filters = {
            "agencies": [agency] if agency else None,
            "category": category,
            "year": data["year"],
            "document_type": data["document_type"] or None,
            "validity": data["validity"] or None,
        }
        if data["q"].strip():
            # Relevance: title hits, then BM25 over the bigram index, then date; or newest first.
            order = ORDER_NEWEST if data["sort"] == "date" else ORDER_RELEVANCE
            # The total: exact up to COUNT_EXACT (10,000), an estimate (约) above it; the pages stop at COUNT_CAP.
            results = catalogue_search(query=data["q"], page=data["page"] or 1, order=order, count=True, **filters)
            if not results.hits:
                suggestion = catalogue_search_suggestion(query=data["q"], **filters)
    elif "page" in form.errors:
        # The page number only ever comes from our own links: a malformed one is a bad request. A bad year or an
        # over-long query came from the form and gets the form back with its message.
        raise BadRequest("bad search parameters")
    params = {k: v for k, v in (form.cleaned_data.items() if form.is_valid() else []) if v and k != "page"}
    home = agency or portal_home_agency()
    asked = (request.GET.get("q") or "").strip()
    context = {
        **portal_context(home, "search"),
        "form": form,
        "chosen": {
            name: request.GET.get(name, "")
            for name in ("q", "agency", "category", "year", "document_type", "validity", "sort")
        },
        "document_types": form.fields["document_type"].choices,
        "validities": form.fields["validity"].choices,
        "sorts": form.fields["sort"].choices,
        "results": results,
        "search_agency": agency,
        "querystring": urlencode(params),
        "sort_links": [
            (
                value,
                label,
                urlencode({**{k: v for k, v in params.items() if k != "sort"}, **({"sort": value} if value else {})}),
            )
            for value, label in form.fields["sort"].choices
        ],
        "max_query": form.fields["q"].max_length,
        "empty_query": not asked and not form.errors,
        "no_results": results is not None and not results.hits,
        "suggestion": suggestion,
        "suggestion_query": urlencode({**params, "q": suggestion.query}) if suggestion else "",
        "widen": {
            "all_agencies": urlencode({k: v for k, v in params.items() if k not in ("agency", "category")}),
            "all_years": urlencode({k: v for k, v in params.items() if k != "year"}),
            "has_agency": bool(params.get("agency")),
            "has_year": bool(params.get("year")),
            "many_words": len(asked) > 4,
        },
    }
    if context["empty_query"] or context["no_results"]:
        context["popular"] = _popular_searches()
    return render(request, "catalogue/search.html", context)


def guide(request, slug: str):
    agency = _agency_or_404(slug)
    text, custom = disclosure_guide_text(agency)
    return render(request, "catalogue/guide.html", {**portal_context(agency, "guide"), "blocks": guide_blocks(text)})


def _url_if_mounted(name: str, *args) -> str:
    """A URL of the open-data layer (above this app, so only named, never imported), or "" without it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class AtomWithJsonLinks(Atom1Feed):
    """Atom, with each entry also linking to its record in the JSON API (rel="alternate", application/json)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("json_link"):
            href = urljoin(self.feed["link"], item["json_link"])  # the feed's own link is absolute
            handler.addQuickElement("link", "", {"rel": "alternate", "type": "application/json", "href": href})


class CategoryFeed(Feed):
    """Atom feed of the newest published items of an agency, or of one category and its children."""

    feed_type = AtomWithJsonLinks

    def get_object(self, request, slug: str, category: str = ""):
        agency = _agency_or_404(slug)
        chosen = get_object_or_404(Category, agency=agency, code=category) if category else None
        return agency, chosen

    def title(self, obj):
        agency, category = obj
        return f"{agency.name} · {category.name if category else _('政府信息公开目录')}"

    def link(self, obj):
        agency, category = obj
        if category:
            return reverse("catalogue:browse_category", args=[agency.slug, category.code])
        return reverse("catalogue:browse", args=[agency.slug])

    def subtitle(self, obj):
        return _("主动公开的政府信息")

    def items(self, obj):
        agency, category = obj
        return items_for_feed(agency=agency, category=category)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return reverse("catalogue:item", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_extra_kwargs(self, item):
        path = _url_if_mounted("api-v1:item", item.pk)
        return {"json_link": path} if path else {}


def sitemap(request):
    """sitemap.xml: the portal's agency, catalogue and item pages (at most 50,000 URLs, the protocol's limit)."""
    base = request.build_absolute_uri("/").rstrip("/")
    urls = [base + reverse("portal:home")]
    # The open-data layer: the bulk downloads and the API's agency and item lists (JSON).
    urls += [base + u for u in (_url_if_mounted("opendata:downloads"), _url_if_mounted("api-v1:agencies")) if u]
    urls += [base + u for u in (_url_if_mounted("api-v1:items"),) if u]
    for agency in Agency.objects.filter(is_active=True).order_by("path"):
        urls.append(base + reverse("catalogue:browse", args=[agency.slug]))
        urls.append(base + reverse("catalogue:guide", args=[agency.slug]))
    rows = items_published().order_by("-published_at").values_list("pk", "updated_at")[: 50_000 - len(urls)]
    entries = [f"<url><loc>{u}</loc></url>" for u in urls]
    entries += [
        f"<url><loc>{base}{reverse('catalogue:item', args=[pk])}</loc><lastmod>{updated:%Y-%m-%d}</lastmod></url>"
        for pk, updated in rows
    ]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
