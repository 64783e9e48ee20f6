"""The public side: apply online to an agency, then follow the case with its tracking code (no account)."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from gongkai.agencies.selectors import site_identity_agency
from gongkai.applications import documents, kept, lookups, services, tracking
from gongkai.applications.clock import span_verified
from gongkai.applications.forms import CorrectionAnswerForm, OnlineApplicationForm, TrackByNumberForm, TrackForm
from gongkai.applications.models import LetterKind, PauseKind
from gongkai.applications.receipt import receipt_for, receipt_pdf
from gongkai.applications.selectors import application_by_number_and_suffix, application_by_tracking_code
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.core.registry import portal_nav_items
from gongkai.core.storage import file_response
from gongkai.core.views import ServiceFormView
from gongkai.workdays.selectors import workday_calendar

# The receipt page after submitting (回执) finds the case by a signed cookie sent to that page alone, not by a
# session: applying creates no session row (4 statements and a write transaction of the online application,
# issue #15), and the applicant's next pages are still served from the page cache, which skips any visitor with
# a session. The value holds what the receipt shows of the case as it was submitted (`ReceiptFacts`), signed with
# the site's secret (it cannot be made or changed); the cookie lasts until the browser closes and is refused
# after RECEIPT_SECONDS.
RECEIPT_COOKIE = "gk_receipt"
RECEIPT_SALT = "gongkai.applications.receipt"
RECEIPT_SECONDS = 8 * 3600
PUBLIC_LETTERS = [LetterKind.REPLY, LetterKind.CORRECTION, LetterKind.EXTENSION, LetterKind.DELAY, LetterKind.FEE]


def _rate(group, request) -> str:
    return settings.APPLICATIONS_RATE


def _portal_context(agency, **extra) -> dict:
    return {
        "agency": agency,
        "site_agency": site_identity_agency(agency),
        "nav_items": portal_nav_items(agency, "applications"),
        **extra,
    }


def _limited(request, agency, **extra):
    return render(request, "applications/limited.html", _portal_context(agency, **extra), status=429)


class Apply(ServiceFormView):
    """The online application form (条例 第二十九条): no account; a tracking code follows the case."""

    form_class = OnlineApplicationForm
    template_name = "applications/apply.html"

    def load(self, slug):
        self.agency = kept.portal_agency_by_slug(slug)
        if self.agency is None:
            raise Http404

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return _limited(request, self.agency)
        return super().post(request, *args, **kwargs)

    submission_key = ""

    def get(self, request, *args, **kwargs):
        """The blank form, kept per process, agency and language (kept.py): the same page for everyone but for
        the CSRF token and the submission key, put in for each visitor. It cost 3 ms of CPU a view."""
        if not kept.servable(request):
            return super().get(request, *args, **kwargs)
        page = kept.blank_form_page(request, self.agency.pk, render=self._blank)
        kept.mark_answered(request, kept.BLANK_FORM, self.agency.pk)
        return page

    def _blank(self, holes: dict[str, str]):
        self.submission_key = holes["submission_key"]
        return self.render_to_response({**self.get_context_data(), "csrf_token": holes["csrf"]})

    def get_initial(self):
        return {"submission_key": self.submission_key or uuid.uuid4().hex}

    def get_context_data(self, **kwargs):
        return _portal_context(self.agency, **super().get_context_data(**kwargs))

    def form_valid(self, form):
        if form.cleaned_data["website"]:
            # A robot filled the honeypot: answer as if all went well, keep nothing.
            return render(self.request, "applications/submitted.html", _portal_context(self.agency, application=None))
        response = super().form_valid(form)
        if response.status_code == 302:
            response.set_cookie(
                RECEIPT_COOKIE, ReceiptFacts.of(self.result).signed(), path=reverse("applications:submitted"),
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )  # fmt: skip
        return response

    def perform(self, form):
        application, _created = services.application_submit_online(
            agency=self.agency,
            applicant=form.applicant_data(),
            request=form.request_data(),
            submission_key=form.cleaned_data["submission_key"],
            attachments=form.cleaned_data["attachments"],
            notify=tuple(form.cleaned_data["notify"]),
            suggests_proactive=form.cleaned_data["suggests_proactive"],
        )
        return application

    def get_success_url(self):
        return reverse("applications:submitted")


apply = require_http_methods(["GET", "POST"])(
    ratelimit(key="ip", rate=_rate, method="POST", block=False)(Apply.as_view())
)


def _tracking_url(request, application) -> str:
    return request.build_absolute_uri(reverse("applications:track")) + "?code=" + application.tracking_code


@dataclass(frozen=True)
class ReceiptFacts:
    """What the receipt page shows of a case, as it was submitted, and the case's version then.

    Kept in the receipt cookie (signed: it cannot be made or changed), so that the page, asked for right after
    submitting, reads no row (issue #15: the case, its agency, its pauses and extensions were three queries, a
    third of the page): while the case's version (tracking.py: replaced when any row of the case is saved or
    deleted) is the one read after it was submitted, nothing the receipt shows of it has changed and it has no
    pause or extension (条例 第三十条, 第三十三条), so the deadline is counted from the receipt date alone. After any
    change the case is read as before. The agency is this process's copy, kept under its versions (kept.py).
    """

    id: int
    agency_id: int
    number: str
    tracking_code: str
    received_on: dt.date
    version: str

    @classmethod
    def of(cls, application) -> "ReceiptFacts":
        version = tracking.case_version(application.pk)
        return cls(application.pk, application.agency_id, application.number, application.tracking_code,
                   application.received_on, version)  # fmt: skip

    def signed(self) -> str:
        return signing.dumps(
            [self.id, self.agency_id, self.number, self.tracking_code, self.received_on.isoformat(), self.version],
            salt=RECEIPT_SALT,
            compress=True,
        )

    @classmethod
    def from_cookie(cls, request) -> "ReceiptFacts | None":
        value = request.COOKIES.get(RECEIPT_COOKIE, "")
        try:
            pk, agency_id, number, code, received_on, version = signing.loads(
                value, salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS
            )
            return cls(
                int(pk), int(agency_id), str(number), str(code), dt.date.fromisoformat(received_on), str(version)
            )
        except (signing.BadSignature, ValueError, TypeError):
            return None

    def application(self):
        """The case as submitted, if it is unchanged since (an unsaved copy: no pause or extension is read), or
        None."""
        from gongkai.applications.models import Application, Channel

        if tracking.case_version(self.id) != self.version:
            return None
        agency = kept.portal_agency(self.agency_id)
        if agency is None:
            return None
        return Application(
            agency=agency, number=self.number, tracking_code=self.tracking_code, received_on=self.received_on,
            channel=Channel.ONLINE,
        )  # fmt: skip


@never_cache
def submitted(request):
    """The receipt (回执) page right after submitting: the facts to keep (the receipt date of 条例 第三十一条, the
    deadline of 第三十三条), the QR code and the PDF download."""
    from gongkai.applications.models import Application

    facts = ReceiptFacts.from_cookie(request)
    if facts is not None:
        application = facts.application()
        pk = str(facts.id)
    else:  # a cookie from before the facts were kept (the case's id alone), until it lapses
        application = None
        pk = request.get_signed_cookie(RECEIPT_COOKIE, default="", salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS)
    if application is None and pk.isdigit():  # changed since it was submitted (or gone): read as it is now
        application = Application.objects.select_related("agency").filter(pk=pk).first()
    if application is None:
        return redirect("portal:home")
    found = receipt_for(application, _tracking_url(request, application))
    # The receipt itself needs no request (no form, no token): rendered alone, put into the kept frame.
    receipt_html = get_template("applications/_receipt.html").render({"application": application, "receipt": found})

    def page(receipt: str):  # the frame's values (the site's agency may be a query) only when it is rendered
        context = _portal_context(application.agency, receipt_html=receipt)
        return render(request, "applications/submitted.html", context)

    if not kept.servable(request):  # a visitor with a session or a message waiting: the page rendered for them
        return page(receipt_html)
    return kept.receipt_page(
        request, application.agency_id, receipt_html, render=lambda holes: page(holes["content"])
    )  # fmt: skip


def receipt_download(request, code: str):
    """The PDF receipt, for whoever holds the tracking code (the applicant; the code is the secret)."""
    if lookups.address_limited(request):
        return _limited(request, None)
    application = _by_code_or_404(request, code)
    pdf = receipt_pdf(receipt_for(application, _tracking_url(request, application)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.number}-receipt.pdf"'
    return response


def track(request):
    """The status page: by tracking code (GET), or by case number + last six of phone/identity number (POST).

    Only failed look-ups count (lookups.py): per client address, and per case number for the number form;
    a case number at its limit is refused unchecked while its tracking code keeps working.
    """
    form = TrackForm(request.GET or None)
    by_number = TrackByNumberForm(request.POST or None)
    application = None
    if request.method == "POST":
        if by_number.is_valid():
            number, suffix = by_number.cleaned_data["number"], by_number.cleaned_data["suffix"]
            if lookups.address_limited(request) or lookups.case_limited(number):
                return _limited(request, None, by_number=True)
            application = application_by_number_and_suffix(number, suffix)
            if application is None:
                lookups.record_failure(request, number)
                by_number.add_error(None, _("申请编号与手机号码或证件号码后六位不匹配，请核对后重新输入。"))
    elif form.is_bound and form.is_valid():
        if lookups.address_limited(request):
            return _limited(request, None)
        code = form.cleaned_data["code"].strip().upper()
        known = tracking.remembered_case(code) if kept.servable(request) else None
        if known is not None:
            page = tracking.tracking_page(request, *known, render=lambda token: _found_page(request, code, token))
            if page is not None:
                kept.mark_answered(request, tracking.ANSWER, code)
                return page
            tracking.forget_cases()  # the case is gone: look the code up as if it were new
        application = application_by_tracking_code(code)
        if application is None:
            lookups.record_failure(request)
            form.add_error("code", _("没有找到该查询码对应的申请，请核对后重新输入。"))
        elif kept.servable(request):
            tracking.remember_case(code, application.pk, application.agency_id)
            page = tracking.tracking_page(
                request, application.pk, application.agency_id,
                render=lambda token: _found_page(request, code, token, application),
            )  # fmt: skip
            if page is not None:  # (the fast path remembers a 200 only)
                kept.mark_answered(request, tracking.ANSWER, code)
            return page
    return _track_page(request, application, form=form, by_number=by_number)


def _found_page(request, code: str, csrf_token: str, application=None):
    """The page of a case kept for everyone who holds its code (tracking.py): the same look-up form whatever
    was typed, the placeholder for the CSRF token; None if the case is gone."""
    application = application or application_by_tracking_code(code)
    if application is None:
        return None
    return _track_page(request, application, form=TrackForm({"code": code}), csrf_token=csrf_token)


def _track_page(request, application, *, form=None, by_number=None, correction_form=None, status=200, csrf_token=None):
    """The tracking page of one case (or the empty look-up forms): its facts, letters, files and the open step.

    `csrf_token`: a placeholder in place of the visitor's token, for a page kept between visitors (tracking.py)."""
    context = _portal_context(
        application.agency if application else None,
        form=form or TrackForm(initial={"code": application.tracking_code} if application else None),
        by_number=by_number or TrackByNumberForm(),
        application=application,
    )
    if application is not None:
        today = timezone.localdate()
        correction = application.pauses.filter(kind=PauseKind.CORRECTION).order_by("-pk").first()
        waiting = correction is not None and correction.ended_on is None
        fee = application.fees.filter(paid_on__isnull=True).first() if application.is_open else None
        calendar = workday_calendar()
        context.update(
            letters=application.letters.filter(kind__in=PUBLIC_LETTERS).prefetch_related("files"),
            correction=correction if waiting else None,
            # 条例 第三十条: the applicant answers within the period on the notice; after it, the page says why
            # the form is gone instead of refusing silently.
            correction_open=services.correction_open_online(correction, today) if waiting else False,
            correction_form=correction_form or (CorrectionAnswerForm() if waiting else None),
            answered=correction if correction is not None and correction.answered_online_at else None,
            fee=fee,
            # A period counted in working days over a year whose holidays are not verified may still move.
            correction_verified=not waiting
            or correction.respond_by is None
            or span_verified(calendar, correction.started_on, correction.respond_by),
            fee_verified=fee is None or span_verified(calendar, fee.notified_on, fee.pay_by),
        )
    if csrf_token is not None:
        context["csrf_token"] = csrf_token  # above the context processor's, which is not evaluated then
    return render(request, "applications/track.html", context, status=status)


@require_POST
def correction_submit(request, code: str):
    """The applicant's answer to a correction notice (条例 第三十条), posted from the tracking page.

    The tracking code in the address is the key, as for the letters; a wrong code is a failed look-up. Bad
    input shows the page again with what was typed; a success shows the case with the new deadline.
    """
    if lookups.address_limited(request):
        return _limited(request, None)
    application = _by_code_or_404(request, code)
    form = CorrectionAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_submit_correction(
                application=application, text=form.cleaned_data["text"], attachments=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{reverse('applications:track')}?code={application.tracking_code}#correction")
    application.refresh_from_db()
    return _track_page(request, application, correction_form=form, status=400)


def _by_code_or_404(request, code: str):
    """The case of a tracking code in a download URL; a wrong code counts as a failed look-up."""
    application = application_by_tracking_code(code)
    if application is None:
        lookups.record_failure(request)
        raise Http404
    return application


def letter_download(request, code: str, letter_id: int, fmt: str):
    if lookups.address_limited(request):
        return _limited(request, None)
    application = _by_code_or_404(request, code)
    letter = application.letters.filter(pk=letter_id, kind__in=PUBLIC_LETTERS).first()
    if letter is None:
        raise Http404
    response = letter_file_response(letter, fmt)
    if request.method == "GET":  # a HEAD (a link checker's) fetches nothing, so delivers nothing
        services.reply_record_download(application=application, letter=letter)
    return response


def reply_file_download(request, code: str, file_id: int):
    """A file of information issued with the reply, for the holder of the case's tracking code only.

    Like every download it is not counted against the look-up limits; only a wrong code is. The first download
    records the delivery of the reply where the applicant chose to receive it online (services.online).
    """
    if lookups.address_limited(request):
        return _limited(request, None)
    application = _by_code_or_404(request, code)
    # Only a file issued with the reply letter: one proposed with a draft is the office's until the reply goes out.
    reply_file = application.reply_files.select_related("letter").filter(pk=file_id, letter__isnull=False).first()
    if reply_file is None:
        raise Http404
    response = file_response(reply_file.file, filename=reply_file.name)
    if request.method == "GET":
        services.reply_record_download(application=application, letter=reply_file.letter, reply_file=reply_file)
    return response


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
