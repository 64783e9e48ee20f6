"""Dashboard panel: last year's report of the current agency and its Article 49 deadline."""

from django.utils import timezone

from gongkai.annual_reports.models import AnnualReport, ReportScope


def report_panel(request, agency):
    if agency is None or agency.reports_with_id:
        return None
    year = timezone.localdate().year - 1
    report = AnnualReport.objects.filter(agency=agency, year=year, scope=ReportScope.AGENCY).first()
    deadline = (report or AnnualReport(agency=agency, year=year)).publication_deadline()
    return {"year": year, "report": report, "deadline": deadline, "overdue": timezone.localdate() > deadline}
