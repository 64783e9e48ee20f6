"""Bulk import pages: upload, then a progress bar that advances step by step (htmx), then the result."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.catalogue.access import items_can_import
from gongkai.catalogue.forms import ImportForm
from gongkai.catalogue.models import ImportJob, ImportStatus
from gongkai.catalogue.services.imports import COLUMNS, import_job_create, import_job_step
from gongkai.core.views import ServiceFormView


def _job_for(request, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("agency").filter(pk=pk).first()
    if job is None or not items_can_import(request.user, job.agency):
        raise Http404
    return job


class ImportStart(ServiceFormView):
    form_class = ImportForm
    template_name = "catalogue/staff/import.html"

    def load(self):
        self.agency = self.request.agency

    def check_access(self):
        if self.agency is None or not items_can_import(self.request.user, self.agency):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        recent = ImportJob.objects.filter(agency=self.agency)[:10]
        return super().get_context_data(recent=recent, columns=COLUMNS, **kwargs)

    def perform(self, form):
        return import_job_create(actor=self.request.user, agency=self.agency, upload=form.cleaned_data["file"])

    def get_success_url(self):
        return reverse("catalogue_staff:import_progress", args=[self.result.pk])


import_start = staff_view(ImportStart.as_view())


@staff_view
def import_progress(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "catalogue/staff/import_progress.html", {"job": job})


@require_POST
@staff_view
def import_step(request, pk: int):
    # A user who lost the role meanwhile gets a 403 (the service raises AccessDenied); the step has no input.
    job = import_job_step(actor=request.user, job=_job_for(request, pk))
    if not request.headers.get("HX-Request"):
        return redirect("catalogue_staff:import_progress", pk=job.pk)
    return render(
        request,
        "catalogue/staff/_import_status.html",
        {"job": job, "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED)},
    )
