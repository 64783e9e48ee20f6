"""Public pages: penalty decisions of social impact (条例 第二十条（六）)."""

from django.shortcuts import get_object_or_404, render

from gongkai.enforcement.selectors import penalties_published
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
