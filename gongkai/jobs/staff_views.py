"""Back office: the periodic jobs, for site administrators; they run by themselves, and once more on request."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.core.errors import AccessDenied
from gongkai.jobs.registry import JOBS
from gongkai.jobs.selectors import job_runs_recent, jobs_status
from gongkai.jobs.services import job_run_request


def _require_site_admin(request) -> None:
    if not request.user.is_superuser:
        raise AccessDenied


def _job_for_site_admin(request, name: str):
    _require_site_admin(request)
    job = JOBS.get(name)
    if job is None:
        raise Http404
    return job


@staff_view
def job_list(request):
    _require_site_admin(request)
    return render(request, "jobs/list.html", {"rows": jobs_status()})


@staff_view
def job_detail(request, name: str):
    job = _job_for_site_admin(request, name)
    return render(request, "jobs/detail.html", {"job": job, "runs": job_runs_recent(name, 50)})


@require_POST
@staff_view
def job_run_now(request, name: str):
    """立即运行: the job once more now (a site check after links were mended, a digest after a mail outage)."""
    job = _job_for_site_admin(request, name)
    job_run_request(actor=request.user, job=job)
    messages.success(request, _("已交给后台任务进程运行，结果见下方运行记录。"))
    return HttpResponseRedirect(reverse("jobs:detail", args=[name]))
