"""The portal's disclosure guide (政府信息公开指南): the agency's own, or a complete default from its details."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from gongkai.catalogue.models import DisclosureGuide
from gongkai.catalogue.selectors.browse import category_tree


def disclosure_guide_text(agency) -> tuple[str, bool]:
    """The agency's guide, or a complete default generated from its data; (text, is_custom)."""
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    if guide is not None:
        return guide.body, True
    return default_guide_text(agency), False


def default_guide_text(agency) -> str:
    """A complete 政府信息公开指南 in the structure common after 2019 (spec §4.1), from the agency's details:
    plain text, one paragraph a line, from the template catalogue/guide_default.txt (each sentence a message
    for translation), citing the articles of the 条例 each part follows."""
    categories = "、".join(c.name for c, _children in category_tree(agency))
    context = {
        "name": agency.name,
        "categories": categories or _("机构职能、政策文件、规划计划等"),
        "site": agency.site_name or _("{name}门户网站").format(name=agency.name),
        "office": agency.office_name,
        "address": agency.office_address,
        "postcode": agency.office_postcode,
        "phone": agency.office_phone,
        "hours": agency.office_hours,
        "fax": agency.office_fax,
        "email": agency.office_email,
    }
    return render_to_string("catalogue/guide_default.txt", context).removesuffix("\n")
