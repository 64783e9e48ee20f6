"""Creating and changing agencies. Each change is validated, saved and audited in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.audit.services import audit_record, audited_update, snapshot

EDITABLE_FIELDS = [
    "name", "short_name", "slug", "kind", "parent_id", "reports_with_id", "credit_code", "region_code",
    "sort_order", "is_active", "office_name", "office_address", "office_postcode", "office_phone", "office_fax",
    "office_email", "office_hours", "site_name", "site_sponsor", "site_phone", "icp_number", "site_code",
    "police_record",
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
    old_path = agency.path
    new_parent = fields.get("parent", agency.parent)
    if new_parent is not None and (new_parent.pk == agency.pk or new_parent.path.startswith(old_path)):
        raise ValidationError({"parent": _("上级机关不能是本机关或其下级机关。")})
    # The event is filed under the agency itself; its path follows from the parent and is not an edit of its own.
    audited_update(
        agency, actor=actor, verb="agency.update", changes=fields, agency=agency,
        validate=lambda changed: changed.full_clean(exclude=["path"]),
    )  # fmt: skip
    path = new_parent.path_for_child(agency.pk) if new_parent else f"{agency.pk:06d}/"
    if path != old_path:
        # Moving an agency re-roots its subtree: rewrite the path prefix and depth of every descendant.
        agency.path, agency.depth = path, new_parent.depth + 1 if new_parent else 0
        Agency.objects.filter(pk=agency.pk).update(path=agency.path, depth=agency.depth)
        for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk):
            child_path = agency.path + child.path[len(old_path) :]
            Agency.objects.filter(pk=child.pk).update(path=child_path, depth=child_path.count("/") - 1)
    return agency
