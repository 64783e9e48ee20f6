"""Every change to gazette issues: validated, saved and audited in one transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.workflow import move
from gongkai.gazette.access import gazette_can_edit, gazette_can_publish
from gongkai.gazette.models import ISSUE_TRANSITIONS, GazetteEntry, GazetteIssue, IssueStatus

ISSUE_FIELDS = ["title", "year", "number", "serial_number", "issued_on", "copies"]


def _require_edit(actor, agency) -> None:
    if actor is not None and not gazette_can_edit(actor, agency):
        raise AccessDenied(_("您不能编辑该机关的政府公报。"))


def _validate(issue: GazetteIssue) -> None:
    # The unique (agency, year, number) constraint is checked below with a message naming the field.
    issue.full_clean(validate_constraints=False)
    if not issue.year_matches_date():
        raise ValidationError({"issued_on": _("出版日期应在公报所属年份内。")})
    clash = GazetteIssue.objects.filter(agency=issue.agency, year=issue.year, number=issue.number).exclude(pk=issue.pk)
    if clash.exists():
        raise ValidationError({"number": _("本机关该年份已有这一期。")})


@transaction.atomic
def gazette_issue_create(*, actor, agency, **values) -> GazetteIssue:
    """Start compiling an issue (条例 第二十四条: the gazette is a channel of proactive disclosure)."""
    _require_edit(actor, agency)
    issue = GazetteIssue(agency=agency, **{k: values.get(k) for k in ISSUE_FIELDS})
    _validate(issue)
    issue.save()
    audit_record(actor=actor, verb="gazette.create", obj=issue, agency=agency, after=snapshot(issue, ISSUE_FIELDS))
    return issue


@transaction.atomic
def gazette_issue_update(*, actor, issue: GazetteIssue, **values) -> GazetteIssue:
    _require_edit(actor, issue.agency)
    if issue.status != IssueStatus.DRAFT:
        raise IllegalTransition(_("只有编辑中的公报可以修改。"))
    changes = {name: values[name] for name in ISSUE_FIELDS if name in values}
    audited_update(issue, actor=actor, verb="gazette.update", changes=changes, validate=_validate)
    return issue


def _move(*, actor, issue: GazetteIssue, to: str, verb: str, on: dt.date | None = None, note: str = ""):
    published_on = (on or timezone.localdate()) if to == IssueStatus.PUBLISHED else issue.published_on
    move(
        issue, to, transitions=ISSUE_TRANSITIONS, actor=actor, verb=verb,
        also={"published_on": published_on}, agency=issue.agency, note=note,
    )  # fmt: skip
    return issue


@transaction.atomic
def gazette_issue_add_document(*, actor, issue: GazetteIssue, item: Item) -> GazetteEntry:
    """Put a published catalogue document of this agency (or one below it) into the issue's contents."""
    _require_edit(actor, issue.agency)
    if issue.status != IssueStatus.DRAFT:
        raise IllegalTransition(_("只有编辑中的公报可以调整收录文件。"))
    if item.status != ItemStatus.PUBLISHED:
        raise ValidationError({"item": _("只能收录已发布的目录文件。")})
    if not item.agency.path.startswith(issue.agency.path):
        raise ValidationError({"item": _("只能收录本机关或下级机关发布的文件。")})
    if issue.entries.filter(item=item).exists():
        raise ValidationError({"item": _("本期已收录该文件。")})
    position = (issue.entries.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    entry = GazetteEntry.objects.create(issue=issue, item=item, position=position)
    audit_record(
        actor=actor, verb="gazette.add_document", obj=issue, agency=issue.agency,
        after={"item": item.pk, "title": item.title, "position": position},
    )  # fmt: skip
    return entry


@transaction.atomic
def gazette_issue_remove_document(*, actor, issue: GazetteIssue, entry: GazetteEntry) -> None:
    _require_edit(actor, issue.agency)
    if issue.status != IssueStatus.DRAFT:
        raise IllegalTransition(_("只有编辑中的公报可以调整收录文件。"))
    if entry.issue_id != issue.pk:
        raise ValidationError({"item": _("该文件不在本期。")})
    audit_record(
        actor=actor, verb="gazette.remove_document", obj=issue, agency=issue.agency,
        before={"item": entry.item_id, "title": entry.item.title, "position": entry.position},
    )  # fmt: skip
    entry.delete()


@transaction.atomic
def gazette_issue_submit(*, actor, issue: GazetteIssue) -> GazetteIssue:
    _require_edit(actor, issue.agency)
    if not issue.entries.exists():
        raise ValidationError(_("公报至少需要收录一份文件才能提交审核。"))
    return _move(actor=actor, issue=issue, to=IssueStatus.SUBMITTED, verb="gazette.submit")


@transaction.atomic
def gazette_issue_publish(*, actor, issue: GazetteIssue, on: dt.date | None = None) -> GazetteIssue:
    """Publish the online edition; from then on the issue and its contents are fixed."""
    if actor is not None and not gazette_can_publish(actor, issue.agency):
        raise AccessDenied(_("只有审核人或终审人可以出版公报。"))
    return _move(actor=actor, issue=issue, to=IssueStatus.PUBLISHED, verb="gazette.publish", on=on)


@transaction.atomic
def gazette_issue_return(*, actor, issue: GazetteIssue, reason: str = "") -> GazetteIssue:
    if actor is not None and not gazette_can_publish(actor, issue.agency):
        raise AccessDenied(_("只有审核人或终审人可以退回公报。"))
    return _move(actor=actor, issue=issue, to=IssueStatus.DRAFT, verb="gazette.return", note=reason)
