"""Creating and changing agencies. Each change is validated, saved and audited in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.audit.services import audit_record, changed_fields, snapshot

EDITABLE_FIELDS = [
    "name", "short_name", "slug", "kind", "parent_id", "reports_with_id", "credit_code", "region_code",
    "sort_order", "is_active", "office_name", "office_address", "office_postcode", "office_phone", "office_fax",
    "office_email", "office_hours", "site_name", "site_sponsor", "site_phone", "icp_number", "site_code",
    "police_record", "reconsideration_body", "competent_court",
]  # fmt: skip


@transaction.atomic
def agency_create(*, actor, parent: Agency | None, **fields) -> Agency:
    """Add an agency under `parent` (None for a root). Raises ValidationError on bad fields."""
    agency = Agency(parent=parent, **fields)
    agency.depth = parent.depth + 1 if parent else 0
    agency.full_clean(exclude=["path"])
    agency.save()
    agency.path = parent.path_for_child(agency.pk) if parent else f"{agency.pk:06d}/"
    Agency.objects.filter(pk=agency.pk).update(path=agency.path)
    audit_record(actor=actor, verb="agency.create", obj=agency, agency=agency, after=snapshot(agency, EDITABLE_FIELDS))
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **fields) -> Agency:
    """Change an agency's details; moving it under another parent moves its whole subtree."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"parent", "reports_with"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(agency, EDITABLE_FIELDS)
    old_path = agency.path
    for name, value in fields.items():
        setattr(agency, name, value)
    new_parent = agency.parent
    if new_parent is not None and (new_parent.pk == agency.pk or new_parent.path.startswith(old_path)):
        raise ValidationError({"parent": _("上级机关不能是本机关或其下级机关。")})
    agency.full_clean(exclude=["path"])
    agency.path = new_parent.path_for_child(agency.pk) if new_parent else f"{agency.pk:06d}/"
    agency.depth = new_parent.depth + 1 if new_parent else 0
    agency.save()
    if agency.path != old_path:
        # Moving an agency re-roots its subtree: rewrite the path prefix and depth of every descendant.
        for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk):
            child_path = agency.path + child.path[len(old_path) :]
            Agency.objects.filter(pk=child.pk).update(path=child_path, depth=child_path.count("/") - 1)
    old, new = changed_fields(before, snapshot(agency, EDITABLE_FIELDS))
    if new:
        audit_record(actor=actor, verb="agency.update", obj=agency, agency=agency, before=old, after=new)
    return agency


@transaction.atomic
def agency_set_remedy_bodies(*, actor, agency: Agency, reconsideration_body: str, competent_court: str) -> Agency:
    """条例 第五十一条: the 复议机关 and the competent court the agency's reply letters name.

    Both or neither: a letter naming only one would send the applicant to a generic sentence for the other.
    """
    reconsideration_body, competent_court = reconsideration_body.strip(), competent_court.strip()
    if bool(reconsideration_body) != bool(competent_court):
        field = "competent_court" if reconsideration_body else "reconsideration_body"
        raise ValidationError({field: _("行政复议机关和管辖人民法院应当一并填写（或者都不填，使用通用表述）。")})
    before = snapshot(agency, ["reconsideration_body", "competent_court"])
    agency.reconsideration_body, agency.competent_court = reconsideration_body, competent_court
    agency.full_clean(exclude=["path"])
    agency.save(update_fields=["reconsideration_body", "competent_court"])
    old, new = changed_fields(before, snapshot(agency, ["reconsideration_body", "competent_court"]))
    if new:
        audit_record(actor=actor, verb="agency.update", obj=agency, agency=agency, before=old, after=new)
    return agency
