"""The portal columns the site check watches, fed by the catalogue (主动公开) app's published items.

Periods from 国办秘函〔2019〕19号 (disclosure-spec §4.3): the home page (newest information) within 2 weeks;
notices and policy documents within 6 months. Only agencies that have set up their catalogue (have a
category tree) are expected to keep these columns.
"""

import datetime as dt

from django.db.models import Max

from gongkai.agencies.models import Agency
from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import Category, Genre
from gongkai.supervision.site_checks import (
    NEWS_PERIOD,
    NOTICE_PERIOD,
    POLICY_PERIOD,
    ColumnSource,
    register_column_source,
)

POLICY_CATEGORY_CODES = ("policy", "rules", "normative", "other-documents")
NOTICE_GENRES = (Genre.NOTICE, Genre.ANNOUNCEMENT, Genre.CIRCULAR)


def _latest(items) -> dt.date | None:
    newest = items.aggregate(newest=Max("published_at"))["newest"]
    return newest.date() if newest else None


def latest_any(agency: Agency) -> dt.date | None:
    return _latest(items_published().filter(agency=agency))


def latest_policy(agency: Agency) -> dt.date | None:
    return _latest(items_published().filter(agency=agency, category__code__in=POLICY_CATEGORY_CODES))


def latest_notice(agency: Agency) -> dt.date | None:
    return _latest(items_published().filter(agency=agency, genre__in=NOTICE_GENRES))


def agencies_with_a_catalogue():
    return Agency.objects.filter(is_active=True, pk__in=Category.objects.values("agency")).order_by("path")


def register() -> None:
    for key, label, period, latest in (
        ("catalogue.home", "首页最新信息", NEWS_PERIOD, latest_any),
        ("catalogue.notices", "通知公告", NOTICE_PERIOD, latest_notice),
        ("catalogue.policy", "政策文件", POLICY_PERIOD, latest_policy),
    ):
        register_column_source(ColumnSource(key, label, period, latest, applies_to=agencies_with_a_catalogue))
