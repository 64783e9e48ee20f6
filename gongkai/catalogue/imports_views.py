"""Bulk import pages: upload, then a progress bar that advances step by step (htmx), then the result."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.accounts.access import user_has_role
from gongkai.accounts.staff import staff_view
from gongkai.catalogue.forms import ImportForm
from gongkai.catalogue.models import ImportJob, ImportStatus
from gongkai.catalogue.services.imports import COLUMNS, import_job_create, import_job_step
from gongkai.core.errors import AccessDenied


def _job_for(request, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("agency").filter(pk=pk).first()
    if job is None or not user_has_role(request.user, job.agency, "agency_admin", "approver"):
        raise Http404
    return job


@staff_view
def import_start(request):
    agency = request.agency
    if agency is None or not user_has_role(request.user, agency, "agency_admin", "approver"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, agency=agency, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("catalogue_staff:import_progress", pk=job.pk)
    recent = ImportJob.objects.filter(agency=agency)[:10]
    return render(request, "catalogue/staff/import.html", {"form": form, "recent": recent, "columns": COLUMNS})


@staff_view
def import_progress(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "catalogue/staff/import_progress.html", {"job": job})


@require_POST
@staff_view
def import_step(request, pk: int):
    job = _job_for(request, pk)
    try:
        job = import_job_step(actor=request.user, job=job)
    except (ValidationError, AccessDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    if not request.headers.get("HX-Request"):
        return redirect("catalogue_staff:import_progress", pk=job.pk)
    return render(
        request,
        "catalogue/staff/_import_status.html",
        {"job": job, "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED)},
    )
