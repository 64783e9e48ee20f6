"""Public pages: responses to concerns, consultations with their comment form, surveys with their results."""

import secrets

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from gongkai.participation.forms import CommentForm, SurveyAnswerForm
from gongkai.participation.public import portal_context, public_agency, visitor_address
from gongkai.participation.selectors import (
    catalogue_item_url,
    comments_public,
    concerns_published,
    consultations_published,
    interpretations_of,
    interpretations_published,
    survey_results,
    surveys_published,
)
from gongkai.participation.services import client_key, comment_submit, survey_response_submit

SURVEY_COOKIE = "gk_respondent"
COMMENT_RATE = "5/h"  # per address: enough for a person, too few for a flood
SURVEY_RATE = "20/h"  # per address: an office behind one address may answer together


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def concern_list(request, slug: str):
    agency = public_agency(slug)
    concerns = concerns_published(agency).order_by("-published_on", "-id")
    return render(
        request, "participation/concern_list.html", portal_context(agency, "participation", concerns=concerns)
    )


def concern_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    concern = get_object_or_404(concerns_published(agency), pk=pk)
    return render(
        request, "participation/concern_detail.html", portal_context(agency, "participation", concern=concern)
    )


def consultation_list(request, slug: str):
    agency = public_agency(slug)
    today = timezone.localdate()
    return render(
        request,
        "participation/consultation_list.html",
        portal_context(agency, "participation", consultations=consultations_published(agency), today=today),
    )


@ratelimit(key=visitor_address, rate=COMMENT_RATE, method="POST", block=False)
def consultation_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    consultation = get_object_or_404(consultations_published(agency), pk=pk)
    today = timezone.localdate()
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            status = 429
        elif form.is_valid():
            try:
                comment_submit(
                    consultation=consultation,
                    content=form.cleaned_data["content"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    client=client_key("comment", visitor_address(None, request)),
                )
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                return redirect(f"{request.path}?submitted=1#comment-form")
        if form.errors and status == 200:
            status = 400
    context = portal_context(
        agency,
        "participation",
        consultation=consultation,
        comments=comments_public(consultation),
        form=form,
        is_open=consultation.is_open_on(today),
        is_closed=consultation.is_closed_on(today),
        submitted=request.GET.get("submitted") == "1",
    )
    return render(request, "participation/consultation_detail.html", context, status=status)


def survey_list(request, slug: str):
    agency = public_agency(slug)
    return render(
        request,
        "participation/survey_list.html",
        portal_context(agency, "participation", surveys=surveys_published(agency), today=timezone.localdate()),
    )


@ratelimit(key=visitor_address, rate=SURVEY_RATE, method="POST", block=False)
def survey_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    survey = get_object_or_404(surveys_published(agency), pk=pk)
    today = timezone.localdate()
    # One response per person, as far as can be told without accounts: a random token in a cookie, hashed
    # with the survey; without the cookie (cookies refused) the address and browser stand in for it.
    token = request.COOKIES.get(SURVEY_COOKIE) or ""
    address = visitor_address(None, request)
    respondent = client_key("survey", str(survey.pk), token or f"{address}|{request.headers.get('user-agent', '')}")
    already = survey.responses.filter(respondent_key=respondent).exists()
    form = None
    status = 200
    if survey.is_open_on(today) and not already:
        form = SurveyAnswerForm(request.POST or None, survey=survey)
        if request.method == "POST":
            if getattr(request, "limited", False):
                form.add_error(None, _("提交过于频繁，请稍后再试。"))
                status = 429
            elif form.is_valid():
                try:
                    survey_response_submit(
                        survey=survey,
                        answers=form.answers(),
                        respondent=respondent,
                        client=client_key("survey", address),
                    )
                except ValidationError as exc:
                    _form_errors_from(form, exc)
                else:
                    return redirect(f"{request.path}?submitted=1")
            if form.errors and status == 200:
                status = 400
    elif request.method == "POST":
        status = 409 if already else 403
    total, results = survey_results(survey) if survey.results_public_on(today) else (0, [])
    context = portal_context(
        agency,
        "participation",
        survey=survey,
        form=form,
        already=already,
        is_open=survey.is_open_on(today),
        results_public=survey.results_public_on(today),
        total=total,
        results=results,
        submitted=request.GET.get("submitted") == "1",
    )
    response = render(request, "participation/survey_detail.html", context, status=status)
    if not token:
        response.set_cookie(
            SURVEY_COOKIE, secrets.token_urlsafe(24), max_age=3 * 365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def participation_home(request, slug: str):
    agency = public_agency(slug)
    context = portal_context(
        agency,
        "participation",
        concerns=concerns_published(agency).order_by("-published_on", "-id")[:5],
        consultations=consultations_published(agency)[:5],
        surveys=surveys_published(agency)[:5],
        interpretations=interpretations_published(agency)[:5],
        today=timezone.localdate(),
    )
    return render(request, "participation/home.html", context)


def interpretation_list(request, slug: str):
    agency = public_agency(slug)
    context = portal_context(agency, "participation", interpretations=interpretations_published(agency))
    return render(request, "participation/interpretation_list.html", context)


def interpretation_detail(request, slug: str, pk: int):
    agency = public_agency(slug)
    item = get_object_or_404(interpretations_published(agency), pk=pk)
    context = portal_context(
        agency,
        "participation",
        item=item,
        document_url=catalogue_item_url(item.interprets),
        others=interpretations_of(item.interprets).exclude(pk=item.pk).select_related("agency"),
    )
    return render(request, "participation/interpretation_detail.html", context)
