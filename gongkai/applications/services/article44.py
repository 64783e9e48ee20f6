"""条例 第四十四条: cases whose information is turned into proactive disclosure are linked to the catalogue draft.

The draft itself is made by the participation app (which may use both the catalogue and this app); this
service only records, on each case and in its audit history, which catalogue item answers it.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications.models import Application
from gongkai.applications.services.base import _check_handle
from gongkai.audit.services import audited_update


@transaction.atomic
def applications_link_proactive_item(*, actor, applications: Sequence[Application], item) -> list[Application]:
    """Link each case to the catalogue item (`item`, a catalogue draft) its information became.

    All cases must belong to the item's agency and be handled by `actor`; a case already linked keeps its link
    and the whole call is refused, naming it, so no half of a group is moved.
    """
    cases = list(Application.objects.select_for_update().filter(pk__in=[a.pk for a in applications]).order_by("pk"))
    if not cases:
        raise ValidationError({"applications": _("请至少选择一件申请。")})
    for case in cases:
        _check_handle(actor, case)
        if case.agency_id != item.agency_id:
            raise ValidationError({"applications": _("申请%(n)s不属于本机关。") % {"n": case.number}})
        if case.proactive_item_id is not None:
            raise ValidationError(
                {"applications": _("申请%(n)s已经转为主动公开草稿，不能重复转换。") % {"n": case.number}}
            )
    for case in cases:
        audited_update(
            case, actor=actor, verb="application.proactive_draft", changes={"proactive_item_id": item.pk},
            agency=case.agency_id, note=item.title, validate=False,
        )  # fmt: skip
    return cases
