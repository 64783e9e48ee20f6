"""A developer opens the API's reference page: Swagger UI loads from the platform's own files (no CDN), under
the site's content security policy, and tries an operation against the live API."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reference_page_works_offline_and_tries_the_agency_list(prefecture, page, live_server, settings):
    settings.API_RATE_PER_MINUTE = 0
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + "/api/v1/")  # redirects to the reference
    expect(page.get_by_text("公开 Gongkai 开放数据接口")).to_be_visible()
    page.get_by_text("/api/v1/agencies", exact=True).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(
        page.locator(".responses-wrapper .live-responses-table").get_by_text("黔东南州人民政府").first
    ).to_be_visible()

    assert requested_hosts == {live_server.url.split("/")[2]}  # nothing from a CDN or anywhere else
    assert [e for e in errors if "favicon" not in e and "404" not in e] == []
