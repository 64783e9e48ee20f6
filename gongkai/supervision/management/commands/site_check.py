"""Walk the portal's own pages for broken links and stale columns, store the findings and print them."""

from django.core.management.base import BaseCommand

from gongkai.supervision.site_checks import site_check_run


class Command(BaseCommand):
    help = "检查门户网站：逐页访问本站页面，查找失效链接和未按期更新的栏目（国办秘函〔2019〕19号），并输出报告"

    def add_arguments(self, parser):
        parser.add_argument("--start", default="/", help="从哪个页面开始（默认 /）")

    def handle(self, *args, start: str, **options):
        run = site_check_run(start=start)
        findings = list(run.findings.select_related("agency"))
        self.stdout.write(f"checked {run.pages} page(s); {len(findings)} finding(s)")
        for f in findings:
            where = f.agency.name if f.agency else f.found_on
            self.stdout.write(f"  [{f.get_kind_display()}] {f.url}  {where}  {f.detail}")
        if findings:
            self.stderr.write("site check found problems")
