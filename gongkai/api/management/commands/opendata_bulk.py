"""Regenerate the bulk files of the 数据下载 page: run it after publishing (cron, or the job queue)."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.agencies.selectors import agency_by_slug
from gongkai.api.bulk import bulk_regenerate


class Command(BaseCommand):
    help = "重新生成数据下载文件：各机关各年度的目录（JSON Lines、CSV）和下级机关年度报告汇总（XLSX）"

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="只生成该机关（网址代码，可重复）")
        parser.add_argument("--year", action="append", type=int, default=[], help="只生成该年度（可重复）")

    def handle(self, *args, agency, year, **options):
        agencies = None
        if agency:
            agencies = []
            for slug in agency:
                found = agency_by_slug(slug)
                if found is None:
                    raise CommandError(f"没有网址代码为“{slug}”的机关。")
                agencies.append(found)
        written = bulk_regenerate(agencies=agencies, years=set(year) or None, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"已生成 {len(written)} 个文件。"))
