"""Every change to Article 20 records: validated, saved and audited in one transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.enforcement.access import enforcement_can_edit, enforcement_can_publish
from gongkai.enforcement.imports import RowError, validate_decision_rows, validate_fee_rows
from gongkai.enforcement.models import Decision, FeeRecord

DECISION_FIELDS = [
    "kind",
    "decided_on",
    "number",
    "subject",
    "subject_kind",
    "summary",
    "social_impact",
    "published_on",
]
FEE_FIELDS = ["collected_on", "item", "basis", "amount"]


class ImportRejected(ValidationError):
    """A bulk import with errors: nothing was saved; `row_errors` says which row and column to fix."""

    def __init__(self, row_errors: list[RowError]):
        super().__init__(_("导入文件有%(n)d处错误，未导入任何记录。") % {"n": len(row_errors)})
        self.row_errors = row_errors


def _require_edit(actor, agency) -> None:
    if actor is not None and not enforcement_can_edit(actor, agency):
        raise AccessDenied(_("您不能录入该机关的行政决定或收费记录。"))


@transaction.atomic
def decision_create(*, actor, agency, **values) -> Decision:
    """Record one licensing, penalty or coercive decision (条例 第二十条（五）（六）)."""
    _require_edit(actor, agency)
    decision = Decision(agency=agency, **values)
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor, verb="decision.create", obj=decision, agency=agency, after=snapshot(decision, DECISION_FIELDS)
    )
    return decision


@transaction.atomic
def decision_update(*, actor, decision: Decision, **values) -> Decision:
    """Correct a recorded decision (a typo in the number, the wrong date); a published one is withdrawn first."""
    _require_edit(actor, decision.agency)
    if decision.published_on:
        raise IllegalTransition(_("该决定已在门户公开，请先撤回公开再修改。"))
    changes = {name: values[name] for name in DECISION_FIELDS if name in values and name != "published_on"}
    audited_update(decision, actor=actor, verb="decision.update", changes=changes)
    return decision


@transaction.atomic
def decisions_import(*, actor, agency, header: list[str], rows: list[dict]) -> list[Decision]:
    """Import decisions from table rows: all rows valid and saved, or ImportRejected and nothing saved."""
    _require_edit(actor, agency)
    decisions, errors = validate_decision_rows(agency, header, rows)
    if errors:
        raise ImportRejected(errors)
    for decision in decisions:
        decision.full_clean()
    created = Decision.objects.bulk_create(decisions)
    ids = [d.pk for d in created]
    audit_record(
        actor=actor,
        verb="decision.import",
        object_type="enforcement.decision",
        object_id=f"import-{timezone.now():%Y%m%d%H%M%S}",
        object_repr=_("批量导入行政决定%(n)d条") % {"n": len(created)},
        agency=agency,
        after={"count": len(created), "ids": ids},
    )
    return created


@transaction.atomic
def decision_publish(*, actor, decision: Decision, on: dt.date | None = None) -> Decision:
    """Publish a penalty decision the agency judged to have social impact (条例 第二十条（六）)."""
    if actor is not None and not enforcement_can_publish(actor, decision.agency):
        raise AccessDenied(_("只有审核人或终审人可以公开行政处罚决定。"))
    if not decision.can_be_published():
        raise IllegalTransition(_("只有标记为具有一定社会影响的行政处罚决定才在门户公开。"))
    if decision.published_on:
        raise IllegalTransition(_("该决定已经公开。"))
    changes = {"published_on": on or timezone.localdate()}
    audited_update(decision, actor=actor, verb="decision.publish", changes=changes, validate=False)
    return decision


@transaction.atomic
def decision_unpublish(*, actor, decision: Decision, reason: str = "") -> Decision:
    """Take a published penalty decision off the portal (for instance when it was revoked on appeal)."""
    if actor is not None and not enforcement_can_publish(actor, decision.agency):
        raise AccessDenied(_("只有审核人或终审人可以撤回公开。"))
    if not decision.published_on:
        raise IllegalTransition(_("该决定尚未公开。"))
    changes = {"published_on": None}
    audited_update(decision, actor=actor, verb="decision.unpublish", changes=changes, validate=False, note=reason)
    return decision


@transaction.atomic
def fee_record_create(*, actor, agency, **values) -> FeeRecord:
    """Record an amount of administrative fees collected (条例 第二十条（八）)."""
    _require_edit(actor, agency)
    record = FeeRecord(agency=agency, **values)
    record.full_clean()
    record.save()
    audit_record(actor=actor, verb="fee.create", obj=record, agency=agency, after=snapshot(record, FEE_FIELDS))
    return record


@transaction.atomic
def fee_record_update(*, actor, record: FeeRecord, **values) -> FeeRecord:
    """Correct an amount or a date of fees collected; the audit trail keeps what it was."""
    _require_edit(actor, record.agency)
    changes = {name: values[name] for name in FEE_FIELDS if name in values}
    audited_update(record, actor=actor, verb="fee.update", changes=changes)
    return record


@transaction.atomic
def fee_records_import(*, actor, agency, header: list[str], rows: list[dict]) -> list[FeeRecord]:
    """Import fee records: all rows valid and saved, or ImportRejected and nothing saved."""
    _require_edit(actor, agency)
    records, errors = validate_fee_rows(agency, header, rows)
    if errors:
        raise ImportRejected(errors)
    created = [FeeRecord.objects.create(agency=agency, **{f: getattr(r, f) for f in FEE_FIELDS}) for r in records]
    audit_record(
        actor=actor,
        verb="fee.import",
        object_type="enforcement.feerecord",
        object_id=f"import-{timezone.now():%Y%m%d%H%M%S}",
        object_repr=_("批量导入收费记录%(n)d条") % {"n": len(created)},
        agency=agency,
        after={"count": len(created), "ids": [r.pk for r in created]},
    )
    return created
