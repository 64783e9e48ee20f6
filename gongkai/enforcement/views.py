"""Public pages: licensing results (条例 第二十条（五）), penalty decisions of social impact (（六）) and fee items
with their basis and rate (（八）)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from gongkai.enforcement.selectors import fee_items, licensing_results, penalties_published
from gongkai.participation.public import portal_context, public_agency


def penalty_list(request, slug: str):
    agency = public_agency(slug)
    return render(
        request,
        "enforcement/penalty_list.html",
        portal_context(agency, "enforcement", decisions=penalties_published(agency)),
    )


def penalty_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    decision = get_object_or_404(penalties_published(agency), pk=pk)
    return render(request, "enforcement/penalty_detail.html", portal_context(agency, "enforcement", decision=decision))


def licensing_list(request, slug: str):
    agency = public_agency(slug)
    context = portal_context(agency, "enforcement", decisions=licensing_results(agency)[:500])
    return render(request, "enforcement/licensing_list.html", context)


def fee_list(request, slug: str):
    agency = public_agency(slug)
    given = request.GET.get("year", "")
    year = int(given) if given.isdigit() and 1949 <= int(given) <= 2100 else timezone.localdate().year
    context = portal_context(agency, "enforcement", fees=fee_items(agency, year), year=year)
    return render(request, "enforcement/fee_list.html", context)
