from django.core.management.base import BaseCommand

from gongkai.demo.loader import DEMO_PASSWORD, DEMO_USERS, DemoLoader


class Command(BaseCommand):
    help = "Load the 黔东南州 demo (agencies, one user per role, and the records of the seed report). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, **options):
        created = DemoLoader(stdout=self.stdout).load()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 demo data ready ({created} new records)."))
        if not options["quiet_logins"]:
            self.stdout.write("\n演示账号 Demo logins (password for all: %s):" % DEMO_PASSWORD)
            for user in DEMO_USERS:
                self.stdout.write(f"  {user.username:<12} {user.full_name:<4}  {user.description}")
