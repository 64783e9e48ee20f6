"""Back office: the periodic jobs, for site administrators (list only: the jobs run by themselves)."""

from django.http import Http404
from django.shortcuts import render

from gongkai.accounts.staff import staff_view
from gongkai.core.errors import AccessDenied
from gongkai.jobs.registry import JOBS
from gongkai.jobs.selectors import job_runs_recent, jobs_status


def _require_site_admin(request) -> None:
    if not request.user.is_superuser:
        raise AccessDenied


@staff_view
def job_list(request):
    _require_site_admin(request)
    return render(request, "jobs/list.html", {"rows": jobs_status()})


@staff_view
def job_detail(request, name: str):
    _require_site_admin(request)
    job = JOBS.get(name)
    if job is None:
        raise Http404
    return render(request, "jobs/detail.html", {"job": job, "runs": job_runs_recent(name, 50)})
