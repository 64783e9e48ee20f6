"""信息处理费 under 国办函〔2020〕109号: the bands per item (monthly, cumulative) and per page."""

from decimal import Decimal

import pytest

from gongkai.applications.fees import item_rate, per_item_fee, per_page_fee


@pytest.mark.parametrize(
    ("k", "rate"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)]
)
def test_the_rate_of_the_kth_item_in_a_month(k, rate):
    assert item_rate(k) == rate


@pytest.mark.parametrize(
    ("items", "prior", "amount"),
    [(1, 0, 0), (10, 0, 0), (11, 0, 100), (5, 8, 300), (1, 30, 200), (20, 25, 5 * 100 + 10 * 200 + 5 * 300)],
)
def test_per_item_fees_count_the_applicants_earlier_items_this_month(items, prior, amount):
    assert per_item_fee(items=items, prior_items=prior).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("pages", "amount"), [(30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)]
)
def test_per_page_fees_rise_by_band(pages, amount):
    assert per_page_fee(pages=pages).amount == Decimal(amount)


def test_the_working_shows_each_band():
    text = per_page_fee(pages=150).explain()
    assert "第31至100页，共70页 × 10元 = 700元" in text
    assert "第101至150页，共50页 × 20元 = 1000元" in text
    assert text.endswith("合计1700元。")


def test_impossible_quantities_are_refused():
    with pytest.raises(ValueError):
        per_page_fee(pages=0)
    with pytest.raises(ValueError):
        per_item_fee(items=0)


def test_the_per_item_working_names_the_earlier_applications_it_counts():
    text = per_item_fee(items=5, prior_items=15, earlier=[("GK-1", 15)]).explain()
    assert "本月此前已申请15件，本次5件，为本月第16至20件" in text and "GK-1（15件）" in text
    assert text.endswith("合计500元。")
