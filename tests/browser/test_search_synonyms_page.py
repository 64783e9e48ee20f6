"""The site administrator adds and removes a search synonym in the back office, on a desktop and a phone."""

import os

import pytest

from gongkai.catalogue.models import SearchSynonym
from tests.browser.test_catalogue_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("GONGKAI_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def test_the_site_administrator_adds_and_removes_a_synonym(sam, page, live_server):
    _login(page, live_server, "sam")
    page.goto(live_server.url + "/staff/catalogue/synonyms/")
    page.fill("#id_word", "双减")
    page.fill("#id_synonym", "税")
    page.get_by_role("button", name="添加", exact=True).click()
    assert "单个字不能设为同义词" in page.content() and page.input_value("#id_word") == "双减"
    page.fill("#id_synonym", "减轻学生负担")
    page.get_by_role("button", name="添加", exact=True).click()
    page.get_by_text("已添加同义词").wait_for()
    assert SearchSynonym.objects.filter(word="减轻学生负担", synonym="双减").exists()
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"synonyms-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    row = page.get_by_role("row").filter(has_text="减轻学生负担")
    row.get_by_role("button", name="删除").click()
    page.get_by_text("已删除同义词").wait_for()
    assert not SearchSynonym.objects.filter(word="减轻学生负担", synonym="双减").exists()
