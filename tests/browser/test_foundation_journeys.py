"""A clerk logs in, works in the right agency and uses the calendar; a citizen reads the portal."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from gongkai.accounts.models import Role, RoleAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reads_the_portal_and_finds_an_agencys_office(tree, page, live_server):
    page.goto(live_server.url + "/")
    assert "黔东南州人民政府" in page.title()
    page.get_by_role("link", name="机构导航").click()
    page.get_by_role("link", name="凯里市教育局").click()
    assert page.locator("h1").inner_text() == "凯里市教育局"
    assert "0855-8227803" in page.content()
    assert "5226000038" in page.locator("footer").inner_text()


def test_a_clerk_logs_in_switches_agency_and_computes_a_deadline(tree, alice, page, live_server):
    RoleAssignment.objects.create(user=alice, agency=tree["finance"], role=Role.CLERK)
    page.goto(live_server.url + "/staff/")
    assert "/staff/login/" in page.url
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert "工作台 · 黔东南州人民政府" in page.locator("h1").inner_text()

    page.select_option("#agency-switch", label="黔东南州财政局")
    page.get_by_role("button", name="切换").click()
    assert "工作台 · 黔东南州财政局" in page.locator("h1").inner_text()

    page.get_by_role("link", name="工作日历", exact=True).click()
    page.fill("#id_start", "2026-02-13")
    page.fill("#id_days", "20")
    page.get_by_role("button", name="计算").click()
    assert "2026年3月19日" in page.locator("main").inner_text()


def test_a_wrong_password_keeps_the_username_and_says_why(tree, alice, page, live_server):
    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form-errors")).to_be_visible()  # waits for the answer page, as is_visible() would not
    assert page.input_value("#id_username") == "alice"


def test_on_a_phone_the_clerks_menu_waits_behind_a_button_so_the_page_starts_with_the_work(
    tree, alice, phone, live_server
):
    phone.goto(live_server.url + "/staff/login/")
    phone.fill("#id_username", "alice")
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="登录").click()
    menu = phone.get_by_role("button", name="菜单")
    expect(menu).to_have_attribute("aria-expanded", "false")
    calendar = phone.get_by_role("link", name="工作日历", exact=True)
    expect(calendar).to_be_hidden()
    # The page's heading is on the first screen, not below twenty links.
    assert phone.locator("h1").bounding_box()["y"] < 400
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    calendar.click()
    assert "/staff/calendar/" in phone.url
