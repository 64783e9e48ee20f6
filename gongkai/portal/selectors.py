"""What the portal shows about the deployment itself."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.selectors import items_browse
from gongkai.participation.selectors import consultations_published, surveys_published


def portal_heading(agency: Agency) -> str:
    """The home page's heading: "<agency>政府信息公开", without doubling "政府" when the name ends in it.

    "黔东南州人民政府" + "政府信息公开" would read 黔东南州人民政府政府信息公开; portals write 黔东南州人民政府信息公开.
    """
    return f"{agency.name}信息公开" if agency.name.endswith("政府") else f"{agency.name}政府信息公开"


@dataclass(frozen=True)
class QuickEntry:
    key: str
    label: str
    url: str
    hint: str


def portal_quick_entries(agency: Agency) -> list[QuickEntry]:
    """The home page's seven entries, in the order the national portal guidelines list the disclosure columns."""
    slug = [agency.slug]
    entries = [
        ("applications", _("依申请公开"), reverse("applications:apply", kwargs={"slug": agency.slug}), _("在线提出政府信息公开申请")),
        ("guide", _("信息公开指南"), reverse("catalogue:guide", args=slug), _("公开的范围、方式和程序")),
        ("catalogue", _("信息公开目录"), reverse("catalogue:browse", args=slug), _("按主题和年份浏览公开的信息")),
        ("annual_reports", _("政府信息公开年报"), reverse("annual_reports_public:index", args=slug), _("历年工作年度报告")),
        ("gazette", _("政府公报"), reverse("gazette:issues", args=slug), _("各期政府公报")),
        ("interpretations", _("政策解读"), reverse("participation:interpretations", args=slug), _("政策文件的解读")),
        ("participation", _("公众参与"), reverse("participation:home", args=slug), _("意见征集、网上调查、回应关切")),
    ]  # fmt: skip
    return [QuickEntry(key, str(label), url, str(hint)) for key, label, url, hint in entries]


def portal_latest_items(agency: Agency, limit: int = 8) -> list:
    """The newest published items of the agency, each with its column (主题分类) for the home page."""
    return list(items_browse(agency=agency)[:limit])


def portal_open_participation(agency: Agency, today: dt.date) -> dict:
    """Consultations and surveys open today; if none is open, the most recent ones, so the box is never empty."""
    consultations = consultations_published(agency)
    surveys = surveys_published(agency)
    open_consultations = list(consultations.filter(opens_on__lte=today, closes_on__gte=today).order_by("closes_on")[:4])
    open_surveys = list(surveys.filter(opens_on__lte=today, closes_on__gte=today).order_by("closes_on")[:4])
    return {
        "consultations": open_consultations or list(consultations.order_by("-opens_on", "-pk")[:3]),
        "surveys": open_surveys or list(surveys.order_by("-opens_on", "-pk")[:3]),
        "any_open": bool(open_consultations or open_surveys),
        "today": today,
    }
