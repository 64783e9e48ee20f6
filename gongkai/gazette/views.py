"""Public pages: the gazette's issues, each issue's online edition and its PDF."""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.gazette.pdf import gazette_issue_pdf
from gongkai.gazette.selectors import gazette_issue_documents, gazette_issues_published
from gongkai.participation.public import portal_context, public_agency


def issue_list(request, slug: str):
    agency = public_agency(slug)
    issues = gazette_issues_published(agency)
    years = sorted({i.year for i in issues}, reverse=True)
    return render(request, "gazette/issue_list.html", portal_context(agency, "gazette", issues=issues, years=years))


def issue_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    issue = get_object_or_404(gazette_issues_published(agency), pk=pk)
    context = portal_context(agency, "gazette", issue=issue, documents=gazette_issue_documents(issue))
    return render(request, "gazette/issue_detail.html", context)


def issue_pdf(request, slug: str, pk: int):
    agency = public_agency(slug)
    issue = get_object_or_404(gazette_issues_published(agency), pk=pk)
    documents = gazette_issue_documents(issue)
    # Building the PDF subsets two CJK fonts (about 3 s for 19 documents), so the file is kept in the cache
    # until a carried document changes (a published issue itself never changes).
    key = "gazette-pdf:%d:%s" % (
        issue.pk,
        hashlib.sha256(repr([(d.item_id, d.version) for d in documents]).encode()).hexdigest()[:16],
    )
    data = cache.get(key)
    if data is None:
        data = gazette_issue_pdf(issue, documents)
        cache.set(key, data, timeout=7 * 86400)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gazette-{issue.year}-{issue.number:02d}.pdf"'
    return response
