"""Applications for tests, made through the services like everything else."""

import datetime as dt
import itertools

from gongkai.applications import services
from gongkai.applications.steps import sign_off_required
from gongkai.core.identifiers import credit_code_check_char, resident_id_check_char

_serial = itertools.count(1)


def resident_id(serial: int = 0) -> str:
    first17 = f"52260119850312{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(serial: int = 0) -> str:
    first17 = f"91522601MA{serial % 10_000_000:07d}"
    return first17 + credit_code_check_char(first17)


def person(**overrides) -> dict:
    n = next(_serial)
    return {
        "kind": "natural",
        "name": f"申请人{n}",
        "id_type": "resident_id",
        "id_number": resident_id(n),
        "phone": "13885501234",
        "email": f"a{n}@example.cn",
        "address": "贵州省凯里市北京东路1号",
        "postcode": "556000",
        **overrides,
    }


def organisation(organisation_type: str = "business", **overrides) -> dict:
    n = next(_serial)
    return {
        "kind": "organisation",
        "name": f"贵州某某公司{n}",
        "organisation_type": organisation_type,
        "credit_code": credit_code(n),
        "legal_representative": "王总",
        "contact_person": "李经理",
        "phone": "0855-8220000",
        **overrides,
    }


REQUEST = {
    "title": "2023年度征地补偿安置方案",
    "document_number": "",
    "description": "全文",
    "form_wanted": "electronic",
    "delivery_method": "email",
}


def make_application(actor, agency, received_on: dt.date, applicant: dict | None = None, topics=(), **request):
    return services.application_register(
        actor=actor,
        agency=agency,
        applicant=applicant or person(),
        request={**REQUEST, **request},
        channel="post",
        received_on=received_on,
        topics=list(topics),
    )


def approver_of(agency, *, besides=None):
    """An approver of the agency other than `besides` (nobody signs their own draft); made if there is none."""
    from gongkai.accounts.models import Role, User
    from gongkai.accounts.services import role_grant, user_create

    found = (
        User.objects.filter(roles__agency=agency, roles__role=Role.APPROVER, is_active=True)
        .exclude(pk=getattr(besides, "pk", None))
        .first()
    )
    if found is not None:
        return found
    user = user_create(actor=None, username=f"approver-{agency.slug}", full_name="审批人", password="Correct-Horse-42")
    role_grant(actor=None, user=user, agency=agency, role=Role.APPROVER)
    return user


def sign_off(actor, application, outcome: str, detail: str, approver=None):
    """拟办 by `actor`, 签发 by an approver of the agency: what an outcome needing sign-off goes through first."""
    services.application_draft_reply(actor=actor, application=application, outcome=outcome, detail=detail)
    approver = approver or approver_of(application.agency, besides=actor)
    services.application_sign_reply(actor=approver, application=application)


def reply(actor, application, outcome: str = "disclosed", on: dt.date | None = None, detail: str = "理由"):
    """A reply through the steps the agency's sign-off setting requires (signed by an approver where needed)."""
    if sign_off_required(application.agency, outcome):
        sign_off(actor, application, outcome, detail)
    return services.application_reply(
        actor=actor, application=application, outcome=outcome, detail=detail, on=on or application.received_on
    )
