"""Public pages: the gazette's issues, each issue's online edition and its PDF."""

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
    response = HttpResponse(gazette_issue_pdf(issue, gazette_issue_documents(issue)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gazette-{issue.year}-{issue.number:02d}.pdf"'
    return response
