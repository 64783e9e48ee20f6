"""常态化监测: re-check every published item with today's rules and word lists, and report what was found."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Finding, ItemStatus
from gongkai.catalogue.services import items_rescan


class Command(BaseCommand):
    help = "Re-scan published catalogue items (personal data, sensitive words, typos, links, metadata)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="agency slug (repeatable; default: all)")
        parser.add_argument("--csv", help="also write every open finding on a published item to this CSV file")

    def handle(self, *args, **options):
        agencies = Agency.objects.filter(is_active=True).order_by("path")
        if options["agency"]:
            agencies = agencies.filter(slug__in=options["agency"])
            missing = set(options["agency"]) - set(agencies.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown agency: {', '.join(sorted(missing))}")
        for agency in agencies:
            summary = items_rescan(actor=None, agency=agency)
            if not summary["scanned"]:
                continue
            kinds = "，".join(f"{k} {v}" for k, v in summary["by_kind"].items()) or "无"
            self.stdout.write(
                f"{agency.name}：检查 {summary['scanned']} 条，{summary['items_with_findings']} 条有待处理问题"
                f"（{kinds}），{len(summary['withdrawn'])} 条因含未遮盖的个人信息已自动撤回"
            )
        if options["csv"]:
            # The published items with open findings, and those the re-scan withdrew for personal data.
            monitored = Q(item__status=ItemStatus.PUBLISHED) | Q(
                item__status=ItemStatus.WITHDRAWN, item__withdrawn_by_rescan=True
            )
            rows = (
                Finding.objects.filter(monitored, item__agency__in=agencies, overridden_at__isnull=True)
                .select_related("item", "item__agency")
                .order_by("item__agency__path", "item_id", "pk")
            )
            with open(options["csv"], "w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(["机关", "索引号", "标题", "问题", "位置", "上下文", "建议"])
                for f in rows:
                    writer.writerow(
                        [f.item.agency.name, f.item.index_number, f.item.title, f.get_kind_display(), f.location,
                         f.excerpt, f.suggestion]
                    )  # fmt: skip
            self.stdout.write(f"已写入 {options['csv']}")
