"""Processing fees (国办函〔2020〕109号): the quote, the notice and the payment."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongkai.applications import clock, fees
from gongkai.applications.models import (
    Application,
    ClockPause,
    Fee,
    FeeMethod,
    LetterKind,
    PauseKind,
    Status,
)
from gongkai.applications.notify import applicant_notify
from gongkai.applications.services.base import (
    _check_date,
    _check_handle,
    _check_move,
    _check_no_live_draft,
    _locked,
    _open_pause,
    _save_clock,
    fee_wait_excluded,
)
from gongkai.applications.services.correspondence import _issue_letter
from gongkai.audit.services import audited_update
from gongkai.core.errors import IllegalTransition
from gongkai.workdays.selectors import workday_calendar


# ------------------------------------------------------------------------------------------ fees
def earlier_items_this_month(application: Application) -> list[tuple[str, int]]:
    """The same applicant's earlier applications to this agency this calendar month, with their items (件).

    国办函〔2020〕109号 counts items cumulatively per applicant per natural month: the applicant is the same
    person (identity number) or organisation (credit code); "earlier" is received earlier, or the same day and
    registered earlier.
    """
    person = application.applicant
    identity = {"applicant__id_number": person.id_number} if person.id_number else {}
    if person.credit_code:
        identity = {"applicant__credit_code": person.credit_code}
    if not identity:
        return []
    first = application.received_on.replace(day=1)
    rows = (
        Application.objects.filter(agency=application.agency, received_on__gte=first, **identity)
        .filter(
            Q(received_on__lt=application.received_on) | Q(received_on=application.received_on, pk__lt=application.pk)
        )
        .order_by("received_on", "pk")
        .values_list("number", "items")
    )
    return list(rows)


def prior_items_this_month(application: Application) -> int:
    """Items (件, not applications) the same applicant asked this agency for earlier this calendar month."""
    return sum(items for _number, items in earlier_items_this_month(application))


@transaction.atomic
def application_count_items(*, actor, application: Application, items: int) -> Application:
    """Record how many items (件) the application asks for, for the monthly per-item count (国办函〔2020〕109号).

    An application under the free allowance gets no fee notice, yet its items count towards the applicant's
    later applications that month; the handler records them here.
    """
    application = _locked(application)
    _check_handle(actor, application)
    _check_no_live_draft(application)
    if items < 1:
        raise ValidationError({"items": _("申请件数应为正整数。")})
    if application.fees.filter(method=FeeMethod.PER_ITEM).exists():
        raise ValidationError({"items": _("本申请已按件发出收费通知，件数以收费通知为准，不能再修改。")})
    audited_update(
        application, actor=actor, verb="application.count_items", changes={"items": items},
        agency=application.agency_id, validate=False,
    )  # fmt: skip
    return application


def fee_quote(application: Application, *, method: str, quantity: int) -> tuple[fees.FeeQuote, int]:
    if method == FeeMethod.PER_ITEM:
        earlier = earlier_items_this_month(application)
        prior = sum(items for _number, items in earlier)
        return fees.per_item_fee(items=quantity, prior_items=prior, earlier=earlier), prior
    if method == FeeMethod.PER_PAGE:
        return fees.per_page_fee(pages=quantity), 0
    raise ValidationError({"method": _("请选择计收方式（按件或按量，二者只能选一种）。")})


@transaction.atomic
def application_notify_fee(*, actor, application: Application, on: dt.date, method: str, quantity: int) -> Fee:
    """国办函〔2020〕109号: one standard per application; 20 working days to pay from the day after the notice."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_no_live_draft(application)
    _check_date(on, "on", not_before=application.received_on)
    if application.fees.exists():
        raise ValidationError({"method": _("本申请已经发出过收费通知；同一申请只能按一种标准收费一次。")})
    if quantity < 1:
        raise ValidationError({"quantity": _("件数或页数应为正整数。")})
    quote, prior = fee_quote(application, method=method, quantity=quantity)
    if quote.amount <= 0:
        raise ValidationError({"quantity": _("按此标准计算不需要收费（未超过免费额度）。")})
    _check_move(application, Status.AWAITING_FEE)
    period = workday_calendar().add_working_days(on, clock.FEE_PAYMENT_DAYS)
    pay_by = period.date
    fee = Fee.objects.create(
        application=application, method=method, quantity=quantity, prior_items=prior, amount=quote.amount,
        working=quote.explain(), notified_on=on, pay_by=pay_by,
    )  # fmt: skip
    ClockPause.objects.create(
        application=application, kind=PauseKind.FEE, started_on=on, respond_by=pay_by,
        counted=not fee_wait_excluded(), request_text=quote.explain(), created_by=actor,
    )  # fmt: skip
    _issue_letter(
        application,
        LetterKind.FEE,
        on,
        amount=quote.amount,
        working=quote.explain(),
        pay_by=clock.dated(pay_by, period.verified),
    )
    # Per item, the items counted here are this application's 件 for every later per-item notice this month.
    also = {"items": quantity} if method == FeeMethod.PER_ITEM else None
    _save_clock(
        actor, application, "application.fee_notify", to=Status.AWAITING_FEE, note=f"{quote.amount}元", also=also
    )
    applicant_notify(application, "application.fee", amount=quote.amount, pay_by=clock.dated(pay_by, period.verified))
    return fee


@transaction.atomic
def application_record_payment(*, actor, application: Application, on: dt.date, receipt_number: str) -> Fee:
    application = _locked(application)
    _check_handle(actor, application)
    fee = application.fees.filter(paid_on__isnull=True).first()
    pause = _open_pause(application, PauseKind.FEE)
    if fee is None or pause is None:
        raise IllegalTransition(_("本申请没有待缴的信息处理费。"))
    _check_date(on, "on", not_before=fee.notified_on)
    if not receipt_number.strip():
        raise ValidationError({"receipt_number": _("请填写财政票据号。")})
    _check_move(application, Status.IN_PROGRESS)
    fee.paid_on = on
    fee.receipt_number = receipt_number
    fee.save(update_fields=["paid_on", "receipt_number"])
    pause.ended_on = on
    pause.save(update_fields=["ended_on"])
    _save_clock(
        actor, application, "application.fee_paid", to=Status.IN_PROGRESS, note=f"{fee.amount}元 {receipt_number}"
    )
    return fee
