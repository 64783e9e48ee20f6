"""The dashboard's catalogue figures (review backlog, published items with personal data) and the site check's
catalogue columns, read through the catalogue app's selectors."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.catalogue.services.review import item_submit
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer
from gongkai.supervision.models import FindingKind, SiteCheckFinding


@pytest.fixture
def items(tree, alice, rob, ann, kim):
    reviewers = [rob, second_reviewer(tree["prefecture"]), ann]
    in_review = item_submit(actor=alice, item=draft(alice, tree["prefecture"], title="待审的通知"))
    leaked = publish(alice, tree["prefecture"], reviewers, title="公示名单")
    Item.objects.filter(pk=leaked.pk).update(personal_data_found=True)  # as the catalogue's check would mark it
    county_review = item_submit(actor=kim, item=draft(kim, tree["county"], title="凯里待审"))
    return {"in_review": in_review, "leaked": leaked, "county_review": county_review}


def test_the_dashboard_counts_the_subtrees_review_backlog_and_leaks(login, sue, items):
    ctx = login(sue).get("/staff/supervision/").context
    assert (ctx["review_backlog"], ctx["personal_data"]) == (2, 1)


def test_the_catalogue_figures_drill_down_to_the_items(login, sue, kim, items, client):
    page = login(sue).get("/staff/supervision/catalogue/review-backlog/").content.decode()
    assert "待审的通知" in page and "凯里待审" in page and "公示名单" not in page
    page = client.get("/staff/supervision/catalogue/personal-data/").content.decode()
    assert "公示名单" in page and "待审的通知" not in page
    assert client.get("/staff/supervision/catalogue/anything-else/").status_code == 404
    client.logout()
    page = login(kim).get("/staff/supervision/catalogue/review-backlog/").content.decode()
    assert "凯里待审" in page and "待审的通知" not in page


def test_the_site_check_flags_catalogue_columns_past_their_period(items, tree):
    long_ago = timezone.now() - dt.timedelta(days=200)
    Item.objects.filter(pk=items["leaked"].pk).update(published_at=long_ago)
    call_command("site_check")
    found = set(SiteCheckFinding.objects.values_list("kind", "url", "agency__slug"))
    # The prefecture's newest item is 200 days old: the home page (2 weeks) and both columns (6 months) are stale.
    assert {
        (FindingKind.STALE_COLUMN, "catalogue.home", "qdn"),
        (FindingKind.STALE_COLUMN, "catalogue.notices", "qdn"),
        (FindingKind.STALE_COLUMN, "catalogue.policy", "qdn"),
    } <= found
    # The county has a catalogue but nothing published: empty columns.
    assert (FindingKind.EMPTY_COLUMN, "catalogue.home", "kaili") in found


def test_a_fresh_catalogue_column_is_not_reported(items, tree):
    call_command("site_check")
    assert not SiteCheckFinding.objects.filter(agency=tree["prefecture"]).exists()
