"""The demo's 2024 for 黔东南州人民政府(州政府办公室) reproduces the seed report's figures for these apps."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from gongkai.agencies.models import Agency
from gongkai.enforcement.selectors import enforcement_article20
from gongkai.gazette.models import GazetteEntry
from gongkai.gazette.selectors import gazette_counts
from gongkai.participation.selectors import interpretation_count, participation_counts

SEED = json.loads((Path(settings.BASE_DIR) / "tests" / "data" / "seed_2024.json").read_text())


@pytest.fixture
def demo(db):
    call_command("demo_load", "--quiet-logins")
    return [Agency.objects.get(slug="qdn"), Agency.objects.get(slug="qdn-office")]


def test_the_demo_reproduces_the_seed_and_shows_on_the_portal(demo, client):
    # One test, because loading the whole demo (with the catalogue's 12,500 items) takes a while.
    _section_one_figures_match_the_seed(demo)
    _section_two_article_20_figures_match_the_seed_and_the_zeros_are_filtering(demo)
    _the_demo_pages_show_on_the_portal(client)


def _section_one_figures_match_the_seed(demo):
    seed = SEED["section1"]
    counts = participation_counts(agencies=demo, year=2024)
    assert {k: c.value for k, c in counts.items()} == {
        "concern_responses": seed["concern_responses"],  # 16
        "online_consultations": seed["online_consultations"],  # 7
        "online_surveys": seed["online_surveys"],  # 3
    }
    assert interpretation_count(agencies=demo, year=2024).value == seed["policy_interpretations"]  # 32
    gazette = gazette_counts(agencies=demo, year=2024)
    assert gazette["gazette_issues"].value == seed["gazette_issues"]  # 6
    assert gazette["gazette_copies"].value == seed["gazette_copies"]  # 600
    assert gazette["gazette_documents"].value == seed["gazette_documents"]  # 111
    assert set(gazette["gazette_documents"].ids) == set(
        GazetteEntry.objects.filter(issue_id__in=gazette["gazette_issues"].ids).values_list("item_id", flat=True)
    )


def _section_two_article_20_figures_match_the_seed_and_the_zeros_are_filtering(demo):
    seed = SEED["section2"]
    cells = enforcement_article20(agencies=demo, year=2024)
    assert [cells[k].value for k in ("licensing", "penalty", "coercive")] == [
        seed["licensing"], seed["penalty"], seed["coercive"],
    ]  # fmt: skip
    assert cells["fees_10k_yuan"].value == Decimal(seed["fees_10k_yuan"])
    # The records exist, in another year and another agency, so the zeros above are real filtering.
    assert enforcement_article20(agencies=demo, year=2023)["licensing"].value == 1
    assert enforcement_article20(agencies=demo, year=2023)["fees_10k_yuan"].value == Decimal("0.03")
    kaili = enforcement_article20(agencies=[Agency.objects.get(slug="kaili")], year=2024)
    assert [kaili[k].value for k in ("licensing", "penalty", "coercive")] == [2, 2, 1]
    assert participation_counts(agencies=demo, year=2023)["concern_responses"].value == 1
    assert gazette_counts(agencies=demo, year=2023)["gazette_copies"].value == 120


def _the_demo_pages_show_on_the_portal(client):
    assert "关于凯里城区停车难问题的回应" in client.get("/participation/qdn-office/concerns/").content.decode()
    assert "2024年第6期" in client.get("/gazette/qdn/").content.decode()
    assert "凯市监罚〔2024〕5号" in client.get("/enforcement/kaili/penalties/").content.decode()
    page = client.get("/participation/qdn/consultations/").content.decode()
    assert "征集中" in page and "已公布采纳情况" in page
