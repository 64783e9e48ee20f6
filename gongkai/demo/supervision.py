"""Demo data for platform statistics and supervision: 黔东南州's 2024 figures of report sections 一(四) and 一(五).

The 2024 visit statistics are stored as daily roll-ups (marked imported: they come from the counter the site
used then), spread over the year so that their sums are exactly the seed report's figures. New-media counts,
training and inspections go through the services, so they have an audit trail.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.analytics.models import DailyCount, Hit
from gongkai.analytics.services import analytics_rollup, daily_salt, visitor_digest
from gongkai.catalogue.access import items_published
from gongkai.supervision.models import Inspection, NewMediaAccount, ProblemStatus, TrainingSession
from gongkai.supervision.services import (
    follower_count_record,
    inspection_create,
    inspection_problem_move,
    inspection_problem_record,
    new_media_account_create,
    training_session_create,
)

YEAR = 2024
# tests/data/seed_2024.json section1, for the government and its general office together.
SEED_TOTALS = {"visits": 6_020_000, "page_views": 8_200_000, "new_visitors": 5_960_000}
SEED_DAILY_VISITORS = 17_150
OFFICE_SHARE = 0.15  # the general office's section of the portal gets this share of the traffic


def split_exactly(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, as integers summing exactly to `total` (largest remainder)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _day_weights(days: list[dt.date]) -> list[float]:
    # Weekdays busier than weekends, and a gentle rise through the year, as government sites see.
    return [(1.0 if d.weekday() < 5 else 0.55) * (0.9 + 0.2 * d.timetuple().tm_yday / 366) for d in days]


def load_visit_history(qdn: Agency, office: Agency) -> None:
    if DailyCount.objects.filter(agency=qdn, day__year=YEAR).exists():
        return
    days = [
        dt.date(YEAR, 1, 1) + dt.timedelta(n) for n in range((dt.date(YEAR, 12, 31) - dt.date(YEAR, 1, 1)).days + 1)
    ]
    weights = _day_weights(days)
    totals = {**SEED_TOTALS, "visitors": SEED_DAILY_VISITORS * len(days)}
    columns = {}
    for key, total in totals.items():
        office_total = round(total * OFFICE_SHARE)
        columns[(qdn.pk, key)] = split_exactly(total - office_total, weights)
        columns[(office.pk, key)] = split_exactly(office_total, weights)
    DailyCount.objects.bulk_create(
        DailyCount(
            day=day,
            agency_id=agency_id,
            imported=True,
            **{key: columns[(agency_id, key)][i] for key in totals},
        )
        for agency_id in (qdn.pk, office.pk)
        for i, day in enumerate(days)
    )


RECENT_DAYS = 14
RECENT_SECTIONS = ["qdn", "qdn-office", "qdn-fgw", "qdn-czj", "qdn-edu", "kaili", "huangping", "zhenyuan"]
SEARCH_TERMS = ["征地拆迁", "项目建设", "统计数据", "政策文件", "事业单位招聘", "医保缴费"]


def load_recent_hits(today: dt.date) -> None:
    """Raw hits of the last two weeks, made as the middleware would make them, then rolled up by the service.

    Shows the live pipeline (and top pages and searches) beside the imported 2024 history. Loaded after the
    catalogue: its newest documents are among the pages visited.
    """
    if Hit.objects.exists() or DailyCount.objects.filter(imported=False).exists():
        return
    rng = random.Random(2024)  # noqa: S311 - demo traffic, not security
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=RECENT_SECTIONS)}
    # After a visitor's first page of the prefecture: the portal's main pages and its newest documents.
    newest = items_published().filter(agency=agencies["qdn"]).order_by("-published_at", "-pk")[:4]
    qdn_pages = [
        "/", "/agencies/", "/catalogue/qdn/", "/catalogue/search/", "/applications/track/", "/applications/qdn/apply/",
        "/agencies/qdn/annual-reports/", "/participation/qdn/interpretations/",
        *(f"/catalogue/items/{pk}/" for pk in newest.values_list("pk", flat=True)),
    ]  # fmt: skip
    hits = []
    for back in range(RECENT_DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        salt = daily_salt(day)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
        for rank, slug in enumerate(RECENT_SECTIONS):
            agency = agencies[slug]
            for n in range(max(4, 60 // (rank + 1)) + rng.randrange(5)):
                visitor = visitor_digest(salt=salt, client_address=f"10.{rank}.{n}.{back}", user_agent="demo browser")
                when = start + dt.timedelta(minutes=rng.randrange(600))
                is_new = rng.random() < 0.8
                for view in range(1 + rng.randrange(3)):
                    if view == 0:
                        path = f"/agencies/{slug}/"
                    else:
                        path = rng.choice(qdn_pages) if slug == "qdn" else f"/catalogue/{slug}/"
                    term = rng.choice(SEARCH_TERMS) if slug == "qdn" and rng.random() < 0.1 else ""
                    hits.append(Hit(created_at=when + dt.timedelta(minutes=3 * view), day=day, agency=agency,
                                    path=path, search_term=term, visitor=visitor, is_new_visitor=is_new))  # fmt: skip
    Hit.objects.bulk_create(hits, batch_size=2000)
    analytics_rollup(actor=None, until=today)


# (agency slug, platform, name, [(date, followers, last post)]); the prefecture's accounts reach the seed's
# year-end figures: WeChat about 77,000 subscribers and Weibo about 38,000 followers.
def _accounts(today: dt.date) -> list:
    recent = today - dt.timedelta(days=2)
    return [
        ("qdn", "wechat", "黔东南州人民政府", [
            (dt.date(2024, 3, 31), 71_200, dt.date(2024, 3, 29)), (dt.date(2024, 6, 30), 73_100, dt.date(2024, 6, 28)),
            (dt.date(2024, 9, 30), 75_300, dt.date(2024, 9, 30)), (dt.date(2024, 12, 31), 77_000, dt.date(2024, 12, 31)),
            (recent, 80_420, recent),
        ]),
        ("qdn", "weibo", "黔东南州人民政府发布", [
            (dt.date(2024, 3, 31), 35_900, dt.date(2024, 3, 31)), (dt.date(2024, 6, 30), 36_600, dt.date(2024, 6, 30)),
            (dt.date(2024, 9, 30), 37_300, dt.date(2024, 9, 29)), (dt.date(2024, 12, 31), 38_000, dt.date(2024, 12, 30)),
            (recent, 39_150, recent),
        ]),
        ("kaili", "wechat", "凯里发布", [(dt.date(2024, 12, 31), 52_300, dt.date(2024, 12, 31)), (recent, 55_010, recent)]),
        # Not updated for over a month: the dashboard flags it, as the inspection rules require.
        ("huangping", "wechat", "黄平县人民政府", [
            (dt.date(2024, 12, 31), 12_800, dt.date(2024, 12, 20)),
            (today - dt.timedelta(days=10), 13_050, today - dt.timedelta(days=37)),
        ]),
        ("qdn-edu", "douyin", "黔东南教育", [(dt.date(2024, 12, 31), 8_400, dt.date(2024, 12, 28))]),
    ]  # fmt: skip


def load_new_media(today: dt.date) -> None:
    for slug, platform, name, counts in _accounts(today):
        agency = Agency.objects.get(slug=slug)
        if NewMediaAccount.objects.filter(agency=agency, platform=platform, name=name).exists():
            continue
        account = new_media_account_create(actor=None, agency=agency, platform=platform, name=name)
        for recorded_on, followers, last_post_on in counts:
            follower_count_record(
                actor=None, account=account, recorded_on=recorded_on, followers=followers, last_post_on=last_post_on
            )


TRAININGS = [
    (dt.date(2024, 5, 16), "全州政务公开业务培训（第一期）：《条例》与依申请公开办理", "县（市）和州直部门政务公开工作人员", 126),
    (dt.date(2024, 10, 24), "全州政务公开业务培训（第二期）：主动公开、政策解读与年度报告", "县（市）、乡镇和州直部门政务公开工作人员", 143),
]  # fmt: skip


def load_training(qdn: Agency) -> None:
    for held_on, topic, audience, count in TRAININGS:
        if not TrainingSession.objects.filter(agency=qdn, held_on=held_on).exists():
            training_session_create(
                actor=None, agency=qdn, held_on=held_on, topic=topic, audience=audience, trained_count=count
            )


V, F, R, C = ProblemStatus.VERIFIED, ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.CLOSED
# (inspection title, date, [(agency slug, target kind, target, category, description, deadline, [(status, note, on)])])
INSPECTIONS = [
    ("2024年第二季度县（市）和州直部门政府网站及政务新媒体检查", dt.date(2024, 6, 20), [
        ("kaili", "site", "凯里市人民政府网站 / 通知公告", "column_stale", "“通知公告”栏目最近一条信息为2023年11月，超过6个月未更新。", dt.date(2024, 7, 5), [
            (V, "经核实属实。", dt.date(2024, 6, 21)), (F, "已书面反馈凯里市政府办，限期更新。", dt.date(2024, 6, 21)),
            (R, "已补充发布2024年通知公告23条，并明确专人维护。", dt.date(2024, 7, 3)), (C, "复查已更新，同意销号。", dt.date(2024, 7, 8)),
        ]),
        ("qdn-edu", "new_media", "黔东南教育（抖音）", "new_media_stale", "账号连续3周未发布内容。", dt.date(2024, 7, 5), [
            (V, "经核实属实。", dt.date(2024, 6, 21)), (F, "已反馈州教育局。", dt.date(2024, 6, 22)),
            (R, "已恢复更新，每周发布不少于3条。", dt.date(2024, 7, 1)), (C, "复查已按期更新，同意销号。", dt.date(2024, 7, 8)),
        ]),
        ("sansui", "site", "三穗县人民政府网站 / 政策文件", "privacy", "一份公示名单公开了未打码的身份证号码和手机号码。", dt.date(2024, 6, 22), [
            (V, "经核实属实，立即通知下线。", dt.date(2024, 6, 20)), (F, "要求当日撤下并全面自查。", dt.date(2024, 6, 20)),
            (R, "已撤下原文件，重新发布脱敏版本，并自查近三年公示类信息。", dt.date(2024, 6, 21)), (C, "复查无个人信息泄露，同意销号。", dt.date(2024, 6, 25)),
        ]),
        ("zhenyuan", "site", "镇远县人民政府网站 / 互动交流", "interaction", "2条网民留言超过3个月未答复。", dt.date(2024, 7, 10), [
            (ProblemStatus.DISMISSED, "经核实两条留言已于5月电话答复并在线公开，检查时页面缓存未更新，不属实。", dt.date(2024, 6, 24)),
        ]),
    ]),
    ("2024年第四季度政府网站及政务新媒体检查", dt.date(2024, 11, 18), [
        ("huangping", "new_media", "黄平县人民政府（微信公众号）", "new_media_stale", "账号超过两周未更新。", dt.date(2024, 12, 2), [
            (V, "经核实属实。", dt.date(2024, 11, 19)), (F, "已反馈黄平县政府办。", dt.date(2024, 11, 19)),
            (R, "已恢复更新并建立值班发布制度。", dt.date(2024, 11, 28)), (C, "复查已按期更新，同意销号。", dt.date(2024, 12, 3)),
        ]),
        ("qdn-fgw", "site", "州发展改革委 / 政策解读", "typo", "政策解读文章中有2处错别字。", dt.date(2024, 11, 25), [
            (V, "经核实属实。", dt.date(2024, 11, 19)), (F, "已反馈州发展改革委。", dt.date(2024, 11, 19)),
        ]),
        ("kaili", "site", "凯里市人民政府网站 / 办事服务", "service", "部分办事指南缺少办理时限和收费标准。", dt.date(2024, 12, 18), [
            (V, "经核实属实。", dt.date(2024, 11, 20)),
        ]),
    ]),
]  # fmt: skip


def load_inspections(qdn: Agency) -> None:
    for title, inspected_on, problems in INSPECTIONS:
        if Inspection.objects.filter(agency=qdn, title=title).exists():
            continue
        inspection = inspection_create(
            actor=None, agency=qdn, title=title, inspected_on=inspected_on,
            scope="16个县（市）和州直部门的政府网站、政务新媒体",
        )  # fmt: skip
        for slug, kind, target, category, description, deadline, steps in problems:
            problem = inspection_problem_record(
                actor=None, inspection=inspection, responsible_agency=Agency.objects.get(slug=slug),
                target_kind=kind, target=target, category=category, description=description, deadline=deadline,
            )  # fmt: skip
            for status, note, on in steps:
                problem = inspection_problem_move(actor=None, problem=problem, status=status, note=note, on=on)


@transaction.atomic
def load(loader) -> None:
    qdn, office = Agency.objects.get(slug="qdn"), Agency.objects.get(slug="qdn-office")
    load_visit_history(qdn, office)
    load_new_media(timezone.localdate())
    load_training(qdn)
    load_inspections(qdn)
