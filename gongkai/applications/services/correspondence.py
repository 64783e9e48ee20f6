"""Letters: rendering them from the agency's templates, recording delivery, editing the templates."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications.access import (
    letter_templates_can_edit,
)
from gongkai.applications.letters import (
    DEFAULT_BODIES,
    MAX_LETTER_CHARS,
    LetterTooLong,
    remedies_for,
    render_letter,
    template_problems,
)
from gongkai.applications.models import (
    Application,
    DeliveryMethod,
    Letter,
    LetterKind,
    LetterTemplate,
)
from gongkai.applications.services.base import (
    _check_date,
    _check_handle,
    _locked,
)
from gongkai.audit.services import audit_record, audited_update
from gongkai.core.dates import chinese_date
from gongkai.core.errors import AccessDenied


# ------------------------------------------------------------------------------------------ letters
def _letter_values(application: Application, today: dt.date, **extra) -> dict:
    agency = application.agency
    return {
        "applicant": application.applicant.name,
        "number": application.number,
        "title": application.title,
        "received": chinese_date(application.received_on),
        "agency": agency.name,
        "office_address": agency.office_address,
        "office_phone": agency.office_phone,
        "form": application.get_form_wanted_display(),
        "delivery": application.get_delivery_method_display(),
        "date": chinese_date(today),
        "reconsideration_body": agency.reconsideration_body,
        "competent_court": agency.competent_court,
        "remedies": remedies_for(agency.reconsideration_body, agency.competent_court),
        **extra,
    }


def letter_template_body(agency: Agency, kind: str, group: str = "") -> str:
    """The agency's own template if it has one, else the platform's default."""
    row = (
        LetterTemplate.objects.filter(kind=kind, outcome_group=group, agency__in=[agency])
        .values_list("body", flat=True)
        .first()
    )
    return row or DEFAULT_BODIES[(kind, group)]


def _issue_letter(application: Application, kind: str, on: dt.date, group: str = "", **values) -> Letter:
    try:
        body = render_letter(
            letter_template_body(application.agency, kind, group), _letter_values(application, on, **values)
        )
    except LetterTooLong as exc:
        raise ValidationError(
            _("生成的%(kind)s超过%(n)s字的上限，未出具：请检查该文书的模板和所填的说明。")
            % {"kind": LetterKind(kind).label, "n": MAX_LETTER_CHARS}
        ) from exc
    count = application.letters.filter(kind=kind).count() + 1
    return Letter.objects.create(
        application=application,
        kind=kind,
        number=f"{application.number}-{kind[:3].upper()}{count}",
        title=str(LetterKind(kind).label),
        body=body,
        issued_on=on,
    )


@transaction.atomic
def letter_deliver(*, actor, letter: Letter, method: str, on: dt.date) -> Letter:
    """Record how and when a letter reached the applicant (or the third party)."""
    application = _locked(letter.application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=letter.issued_on)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("请选择送达方式。")})
    audited_update(
        letter, actor=actor, verb="letter.deliver", changes={"delivery_method": method, "delivered_on": on},
        agency=application.agency_id, validate=False, always=True,
    )  # fmt: skip
    return letter


@transaction.atomic
def letter_template_save(*, actor, agency: Agency, kind: str, outcome_group: str, body: str) -> LetterTemplate:
    if not letter_templates_can_edit(actor, agency):
        raise AccessDenied(_("无权修改文书模板。"))
    if (kind, outcome_group) not in DEFAULT_BODIES:
        raise ValidationError({"kind": _("没有这种文书。")})
    # A placeholder is a bare name: no format specification, conversion or attribute/index access, which could
    # make every later letter enormous or reach into Python objects.
    if len(body) > MAX_LETTER_CHARS:
        raise ValidationError({"body": _("正文模板不能超过%(n)s字。") % {"n": MAX_LETTER_CHARS}})
    problems = template_problems(body)
    if problems:
        raise ValidationError({"body": problems})
    template, created = LetterTemplate.objects.get_or_create(
        agency=agency, kind=kind, outcome_group=outcome_group, defaults={"body": body}
    )
    before = None if created else {"body": template.body}
    template.body = body
    template.save()
    audit_record(
        actor=actor, verb="letter_template.save", obj=template, agency=agency, before=before, after={"body": body},
        object_repr=f"{LetterKind(kind).label} {outcome_group}",
    )  # fmt: skip
    return template
