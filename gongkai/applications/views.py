"""The public side: apply online to an agency, then follow the case with its tracking code (no account)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_by_slug
from gongkai.applications import documents, services
from gongkai.applications.forms import OnlineApplicationForm, TrackForm
from gongkai.applications.models import LetterKind, PauseKind
from gongkai.applications.selectors import application_by_tracking_code
from gongkai.core.registry import portal_nav_items

SESSION_KEY = "applications_last_submitted"
PUBLIC_LETTERS = [LetterKind.REPLY, LetterKind.CORRECTION, LetterKind.EXTENSION, LetterKind.DELAY, LetterKind.FEE]


def _rate(group, request) -> str:
    return settings.APPLICATIONS_RATE


def _site_agency(agency):
    """The agency whose site identity the portal footer shows (the nearest with a 政府网站标识码)."""
    if agency is None:
        return Agency.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "id").first()
    candidates = [agency, *reversed(agency_ancestors(agency))]
    return next((a for a in candidates if a.site_code), candidates[-1])


def _portal_context(agency, **extra) -> dict:
    return {
        "agency": agency,
        "site_agency": _site_agency(agency),
        "nav_items": portal_nav_items(agency, "applications"),
        **extra,
    }


def _limited(request, agency):
    return render(request, "applications/limited.html", _portal_context(agency), status=429)


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate, method="POST", block=False)
def apply(request, slug: str):
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    if request.method == "POST" and getattr(request, "limited", False):
        return _limited(request, agency)
    form = OnlineApplicationForm(
        request.POST or None, request.FILES or None, initial={"submission_key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # A robot filled the honeypot: answer as if all went well, keep nothing.
            return render(request, "applications/submitted.html", _portal_context(agency, application=None))
        try:
            application, _created = services.application_submit_online(
                agency=agency,
                applicant=form.applicant_data(),
                request=form.request_data(),
                submission_key=form.cleaned_data["submission_key"],
                attachments=form.cleaned_data["attachments"],
                notify=tuple(form.cleaned_data["notify"]),
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SESSION_KEY] = application.pk
            return redirect("applications:submitted")
    return render(request, "applications/apply.html", _portal_context(agency, form=form))


def submitted(request):
    from gongkai.applications.models import Application

    pk = request.session.get(SESSION_KEY)
    application = Application.objects.select_related("agency").filter(pk=pk).first() if pk else None
    if application is None:
        return redirect("portal:home")
    return render(request, "applications/submitted.html", _portal_context(application.agency, application=application))


@ratelimit(key="ip", rate=_rate, method="GET", block=False)
def track(request):
    form = TrackForm(request.GET or None)
    application = None
    if form.is_bound and form.is_valid():
        if getattr(request, "limited", False):
            return _limited(request, None)
        application = application_by_tracking_code(form.cleaned_data["code"])
        if application is None:
            form.add_error("code", _("没有找到该查询码对应的申请，请核对后重新输入。"))
    context = _portal_context(application.agency if application else None, form=form, application=application)
    if application is not None:
        context.update(
            letters=application.letters.filter(kind__in=PUBLIC_LETTERS),
            correction=application.pauses.filter(kind=PauseKind.CORRECTION, ended_on__isnull=True).first(),
            fee=application.fees.filter(paid_on__isnull=True).first() if application.is_open else None,
        )
    return render(request, "applications/track.html", context)


@ratelimit(key="ip", rate=_rate, method="GET", block=False)
def letter_download(request, code: str, letter_id: int, fmt: str):
    if getattr(request, "limited", False):
        return _limited(request, None)
    application = application_by_tracking_code(code)
    if application is None:
        raise Http404
    letter = application.letters.filter(pk=letter_id, kind__in=PUBLIC_LETTERS).first()
    if letter is None:
        raise Http404
    return letter_file_response(letter, fmt)


def letter_file_response(letter, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(documents.letter_pdf(letter), content_type="application/pdf")
    elif fmt == "docx":
        response = HttpResponse(
            documents.letter_docx(letter),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{letter.number}.{fmt}"'
    return response
