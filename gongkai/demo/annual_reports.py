"""The demo's published 2024 annual report of 黔东南州人民政府(州政府办公室), with the seed report's own text.

Every number comes from the demo's records; the narrative is the one the prefecture published
(gongkai/demo/data/seed_report_2024.txt), so the portal shows a page like the real one and the checks show
the one finding the real report has (its text says 42 applications received: 41 new + 1 carried over).
"""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency
from gongkai.annual_reports import services
from gongkai.annual_reports.models import AnnualReport

SEED = Path(__file__).resolve().parent / "data" / "seed_report_2024.txt"
PUBLISHED_AT = dt.datetime(2025, 1, 23, 11, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
PUBLISHED_2023 = dt.datetime(2024, 1, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# Section 五 and 六 of the demo's 2023 report; the other sections are the platform's own draft from the figures.
EARLIER_TEXT = {
    "problems": "政策解读形式还不够丰富，图解、视频等解读数量偏少；部分栏目信息更新不够及时。",
    "improvements": "2024年将丰富政策解读形式，加强栏目日常巡查，确保信息发布及时准确。",
    "other": "2023年本机关未收取信息处理费。",
}


def seed_text() -> dict[str, str]:
    """The seed report's narrative, section by section."""
    text = SEED.read_text()

    def line(pattern: str) -> str:
        match = re.search(pattern + r"[^\n]*", text)
        return match.group(0) if match else ""

    def strip_head(value: str) -> str:
        return re.sub(r"^\([一二三四五]\)[^。]*。", "", value)

    return {
        "preamble": "\n".join([line(r"根据《中华人民共和国政府信息公开条例》"), line(r"本报告包括总体情况")]),
        "proactive": strip_head(line(r"\(一\)主动公开")),
        "on_application": strip_head(line(r"\(二\)依申请公开")),
        "management": strip_head(line(r"\(三\)政府信息管理")),
        "platform": strip_head(line(r"\(四\)政府信息公开平台建设")),
        "supervision": strip_head(line(r"\(五\)监督保障")),
        "problems": line(r"存在的主要问题:").removeprefix("存在的主要问题:"),
        "improvements": line(r"改进情况:").removeprefix("改进情况:"),
        "other": line(r"2024年本单位"),
    }


# Subordinates that published on this platform, with when (条例 第四十九条: departments by 31 January, people's
# governments by 31 March); the others show as not published on the prefecture's report page.
SUBORDINATES_PUBLISHED = {
    2024: [
        ("qdn-fgw", dt.date(2025, 1, 20)), ("qdn-edu", dt.date(2025, 1, 24)), ("qdn-czj", dt.date(2025, 1, 22)),
        ("qdn-rsj", dt.date(2025, 1, 27)), ("qdn-wjw", dt.date(2025, 1, 26)), ("kaili", dt.date(2025, 3, 18)),
        ("huangping", dt.date(2025, 3, 25)),
    ],
    2023: [("qdn-fgw", dt.date(2024, 1, 19)), ("qdn-czj", dt.date(2024, 1, 25)), ("kaili", dt.date(2024, 3, 20))],
}  # fmt: skip


def _subordinate_text(agency: Agency, year: int) -> dict[str, str]:
    return {
        "preamble": (
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，特向社会公布{agency.name}{year}年"
            "政府信息公开工作年度报告。本报告中所列数据统计期限自" + f"{year}年1月1日起至{year}年12月31日止。"
        ),
        "problems": "主动公开内容的深度和广度还需拓展，政策解读形式较为单一。",
        "improvements": f"{year + 1}年将进一步规范信息发布审核，丰富政策解读形式，及时回应社会关切。",
        "other": f"{year}年本机关未收取信息处理费。",
    }


def load_subordinates() -> int:
    """The published reports of a few agencies under the prefecture, so its report page lists them by year."""
    created = 0
    for year, published in SUBORDINATES_PUBLISHED.items():
        for slug, day in published:
            agency = Agency.objects.get(slug=slug)
            if AnnualReport.objects.filter(agency=agency, year=year).exists():
                continue
            at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
            report = services.annual_report_create(actor=None, agency=agency, year=year)
            services.annual_report_update_text(actor=None, report=report, **_subordinate_text(agency, year))
            services.annual_report_review(actor=None, report=report)
            services.annual_report_approve(actor=None, report=report)
            services.annual_report_publish(actor=None, report=report, at=at)
            AnnualReport.objects.filter(pk=report.pk).update(approved_at=at)
            created += 1
    return created


def load(loader) -> None:
    loader.created += load_subordinates()
    government = Agency.objects.get(slug="qdn")
    if AnnualReport.objects.filter(agency=government, year=2024).exists():
        return
    clerk, reviewer, approver = (User.objects.get(username=u) for u in ("clerk", "reviewer", "approver"))
    # The year before, with the drafted narrative, so the portal's report column lists more than one year.
    earlier = services.annual_report_create(actor=clerk, agency=government, year=2023)
    services.annual_report_update_text(actor=clerk, report=earlier, **EARLIER_TEXT)
    services.annual_report_review(actor=reviewer, report=earlier)
    services.annual_report_approve(actor=approver, report=earlier)
    services.annual_report_publish(actor=approver, report=earlier, at=PUBLISHED_2023)
    AnnualReport.objects.filter(pk=earlier.pk).update(approved_at=PUBLISHED_2023)
    report = services.annual_report_create(actor=clerk, agency=government, year=2024)
    services.annual_report_update_text(actor=clerk, report=report, **seed_text())
    services.annual_report_review(actor=reviewer, report=report)
    services.annual_report_approve(actor=approver, report=report)
    # The demo's history: published when the real report was (条例 第四十九条: by 31 March).
    services.annual_report_publish(actor=approver, report=report, at=PUBLISHED_AT)
    AnnualReport.objects.filter(pk=report.pk).update(approved_at=PUBLISHED_AT)
    loader.created += 2
