"""Roll up finished days' raw portal hits into daily counts, then prune old raw hits and old search-term counts.
Safe to run twice."""

from django.core.management.base import BaseCommand

from gongkai.analytics.services import analytics_rollup, hits_prune, search_counts_prune


class Command(BaseCommand):
    help = "把已结束日期的原始访问记录汇总为每日统计，并清理已汇总的原始记录（可重复运行、可中断续跑）"

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=7, help="已汇总的原始记录保留天数（默认 7）")
        parser.add_argument("--no-prune", action="store_true", help="只汇总，不清理")

    def handle(self, *args, keep_days: int, no_prune: bool, **options):
        done = analytics_rollup()
        self.stdout.write(f"rolled up {len(done)} day(s), {sum(done.values())} hit(s)")
        if not no_prune:
            pruned = hits_prune(keep_days=keep_days)
            self.stdout.write(f"pruned {pruned} raw hit(s) older than {keep_days} day(s)")
            terms = search_counts_prune()
            self.stdout.write(f"pruned {terms} daily search-term count(s) past GONGKAI_SEARCH_TERMS_KEEP_DAYS")
