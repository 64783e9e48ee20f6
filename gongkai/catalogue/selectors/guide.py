"""The portal's disclosure guide (政府信息公开指南): the agency's own, or a complete default from its details."""

import re
from dataclasses import dataclass

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


# The numbering of an official document's headings (GB/T 9704-2012 7.3.3: 一、 then （一） then 1. then （1）),
# and the same levels as the English translation writes them. A line is a heading only when it is short and ends
# without a sentence's full stop, so a paragraph that opens with 一、 stays a paragraph.
_HEADING_LEVELS = (
    (re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\. )"), 2),
    (re.compile(r"^(?:（[一二三四五六七八九十]+）|\(\d+\) )"), 3),
)
_HEADING_MAX_CHARS = 40


@dataclass(frozen=True)
class GuideBlock:
    """One block of the guide as the portal shows it: a heading of `level` 2 or 3, or a paragraph (level 0)."""

    text: str
    level: int = 0


def guide_blocks(text: str) -> list[GuideBlock]:
    """The guide's lines as headings and paragraphs, blank lines dropped, so its parts read as sections."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        level = 0
        if len(line) <= _HEADING_MAX_CHARS and not line.endswith(("。", ".", "；", ";", "：", ":")):
            level = next((n for pattern, n in _HEADING_LEVELS if pattern.match(line)), 0)
        blocks.append(GuideBlock(line, level))
    return blocks
