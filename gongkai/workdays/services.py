"""Maintaining the holiday data: only site administrators change it, and every change is audited."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import AccessDenied
from gongkai.workdays.models import HolidayNotice, WorkdayOverride


def _require_site_admin(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise AccessDenied(_("只有系统管理员可以维护节假日安排。"))


@transaction.atomic
def holiday_notice_create(
    *, actor, year: int, title: str, document_number: str = "", published_on: dt.date | None = None
) -> HolidayNotice:
    """Record the year's official holiday notice; the year then counts as verified."""
    _require_site_admin(actor)
    notice = HolidayNotice(year=year, title=title, document_number=document_number, published_on=published_on)
    notice.full_clean()
    notice.save()
    audit_record(actor=actor, verb="holiday_notice.create", obj=notice, after=snapshot(notice))
    return notice


@transaction.atomic
def workday_override_set(
    *, actor, date: dt.date, is_workday: bool, name: str = "", notice: HolidayNotice | None = None, note: str = ""
) -> WorkdayOverride:
    """Declare a day a holiday or a working day, replacing any earlier entry for that date."""
    _require_site_admin(actor)
    existing = WorkdayOverride.objects.filter(date=date).first()
    before = snapshot(existing) if existing else None
    override = existing or WorkdayOverride(date=date)
    override.is_workday, override.name, override.notice, override.note = is_workday, name, notice, note
    override.full_clean()
    override.save()
    audit_record(actor=actor, verb="workday_override.set", obj=override, before=before, after=snapshot(override))
    return override


@transaction.atomic
def workday_override_delete(*, actor, override: WorkdayOverride) -> None:
    _require_site_admin(actor)
    before = snapshot(override)
    object_id, label = override.pk, str(override)
    override.delete()
    audit_record(
        actor=actor,
        verb="workday_override.delete",
        object_type="workdays.workdayoverride",
        object_id=str(object_id),
        object_repr=label,
        before=before,
    )
