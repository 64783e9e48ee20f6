"""Letters: rendering them from the agency's templates, recording delivery, editing the templates."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications.access import (
    letter_templates_can_edit,
)
from gongkai.applications.letters import DEFAULT_BODIES, render_letter
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
from gongkai.core.errors import AccessDenied


# ------------------------------------------------------------------------------------------ letters
def _letter_values(application: Application, today: dt.date, **extra) -> dict:
    agency = application.agency
    return {
        "applicant": application.applicant.name,
        "number": application.number,
        "title": application.title,
        "received": f"{application.received_on:%Y年%m月%d日}",
        "agency": agency.name,
        "office_address": agency.office_address,
        "office_phone": agency.office_phone,
        "form": application.get_form_wanted_display(),
        "delivery": application.get_delivery_method_display(),
        "date": f"{today:%Y年%m月%d日}",
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
    body = render_letter(
        letter_template_body(application.agency, kind, group), _letter_values(application, on, **values)
    )
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
    try:
        render_letter(body, {})
    except (ValueError, IndexError) as exc:
        raise ValidationError({"body": _("模板中的花括号不成对：%(v1)s") % {"v1": exc}}) from exc
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
