"""The demo reproduces the seed report's section 四 from individual cases."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_report_members
from gongkai.appeals.models import Lawsuit, Reconsideration
from gongkai.appeals.selectors import appeal_report_cells

SEED = json.loads((Path(settings.BASE_DIR) / "tests" / "data" / "seed_2024.json").read_text())


def test_the_demo_reproduces_section_four_of_the_seed_and_loads_once(db):
    call_command("demo_load", "--quiet-logins")
    counts = (Reconsideration.objects.count(), Lawsuit.objects.count())
    call_command("demo_load", "--quiet-logins")
    assert (Reconsideration.objects.count(), Lawsuit.objects.count()) == counts
    members = agency_report_members(Agency.objects.get(slug="qdn"))
    cells = appeal_report_cells(agencies=members, year=2024)
    assert [cells[f"C{i}"].value for i in range(1, 16)] == SEED["section4"]
    after = Lawsuit.objects.get(pk=cells["C14"].ids[0])
    assert after.reconsideration.result == "upheld" and after.application is not None
