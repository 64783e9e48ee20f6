"""Public pages: responses to concerns, consultations with their comment form, surveys with their results."""

import secrets

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from gongkai.core.views import ServiceFormView
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


TOO_OFTEN = gettext_lazy("提交过于频繁，请稍后再试。")


class PublicFormView(ServiceFormView):
    """A public form of this app: 400 with the errors when the input is wrong, 429 when an address posts too
    often (the rate limit marks the request), everything typed kept."""

    invalid_status = 400

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            form = self.get_form()
            form.add_error(None, TOO_OFTEN)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class ConsultationDetail(PublicFormView):
    """An online consultation (条例 第十九条) and its comment form."""

    form_class = CommentForm
    template_name = "participation/consultation_detail.html"

    def load(self, slug, pk):
        self.agency = public_agency(slug)
        self.consultation = get_object_or_404(consultations_published(self.agency), pk=pk)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return portal_context(
            self.agency,
            "participation",
            **super().get_context_data(**kwargs),
            consultation=self.consultation,
            comments=comments_public(self.consultation),
            is_open=self.consultation.is_open_on(today),
            is_closed=self.consultation.is_closed_on(today),
            submitted=self.request.GET.get("submitted") == "1",
        )

    def perform(self, form):
        return comment_submit(
            consultation=self.consultation,
            content=form.cleaned_data["content"],
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            client=client_key("comment", visitor_address(None, self.request)),
        )

    def get_success_url(self):
        return f"{self.request.path}?submitted=1#comment-form"


consultation_detail = ratelimit(key=visitor_address, rate=COMMENT_RATE, method="POST", block=False)(
    ConsultationDetail.as_view()
)


def survey_list(request, slug: str):
    agency = public_agency(slug)
    return render(
        request,
        "participation/survey_list.html",
        portal_context(agency, "participation", surveys=surveys_published(agency), today=timezone.localdate()),
    )


class SurveyDetail(PublicFormView):
    """An online survey: its questions while open (one response per person), its results once public."""

    form_class = SurveyAnswerForm
    template_name = "participation/survey_detail.html"

    def load(self, slug, pk):
        self.agency = public_agency(slug)
        self.survey = get_object_or_404(surveys_published(self.agency), pk=pk)
        self.today = timezone.localdate()
        # One response per person, as far as can be told without accounts: a random token in a cookie, hashed
        # with the survey; without the cookie (cookies refused) the address and browser stand in for it.
        self.token = self.request.COOKIES.get(SURVEY_COOKIE) or ""
        self.address = visitor_address(None, self.request)
        who = self.token or f"{self.address}|{self.request.headers.get('user-agent', '')}"
        self.respondent = client_key("survey", str(self.survey.pk), who)
        self.already = self.survey.responses.filter(respondent_key=self.respondent).exists()
        self.accepting = self.survey.is_open_on(self.today) and not self.already

    def post(self, request, *args, **kwargs):
        if not self.accepting:
            return self.render_to_response(self.get_context_data(), status=409 if self.already else 403)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return super().get_form(form_class) if self.accepting else None

    def get_extra_form_kwargs(self):
        return {"survey": self.survey}

    def get_context_data(self, **kwargs):
        results_public = self.survey.results_public_on(self.today)
        total, results = survey_results(self.survey) if results_public else (0, [])
        return portal_context(
            self.agency,
            "participation",
            **super().get_context_data(**kwargs),
            survey=self.survey,
            already=self.already,
            is_open=self.survey.is_open_on(self.today),
            results_public=results_public,
            total=total,
            results=results,
            submitted=self.request.GET.get("submitted") == "1",
        )

    def perform(self, form):
        return survey_response_submit(
            survey=self.survey,
            answers=form.answers(),
            respondent=self.respondent,
            client=client_key("survey", self.address),
        )

    def get_success_url(self):
        return f"{self.request.path}?submitted=1"

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.token:
            response.set_cookie(
                SURVEY_COOKIE, secrets.token_urlsafe(24), max_age=3 * 365 * 86400, httponly=True, samesite="Lax"
            )
        return response


survey_detail = ratelimit(key=visitor_address, rate=SURVEY_RATE, method="POST", block=False)(SurveyDetail.as_view())


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
