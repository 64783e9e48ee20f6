"""The public catalogue: browse, item page with the 索引号 box, print view, search page, guide, feeds, sitemap."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses in tests

import pytest
from django.utils import timezone

from gongkai.catalogue.services import disclosure_guide_save, item_create
from gongkai.catalogue.tests.factories import category, draft, publish, second_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(prefecture, alice, rob, ann):
    return publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])


def test_the_item_page_shows_the_index_box(client, published):
    page = client.get(f"/catalogue/items/{published.pk}/").content.decode()
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "发布日期", "文号", "有效性"):
        assert label in page
    assert published.index_number in page and "黔东南府办发〔2024〕12号" in page and "行政规范性文件" in page
    assert 'style="' not in page and "<script>" not in page


def test_drafts_are_not_public(client, prefecture, alice):
    item = draft(alice, prefecture)
    assert client.get(f"/catalogue/items/{item.pk}/").status_code == 404
    assert item.title not in client.get(f"/catalogue/{prefecture.slug}/").content.decode()


def test_browse_by_category_and_year(client, prefecture, published):
    page = client.get(f"/catalogue/{prefecture.slug}/c/policy/").content.decode()  # the parent category
    assert published.title in page
    assert published.title not in client.get(f"/catalogue/{prefecture.slug}/c/plans/").content.decode()
    year = published.published_at.year
    assert published.title in client.get(f"/catalogue/{prefecture.slug}/?year={year}").content.decode()
    assert published.title not in client.get(f"/catalogue/{prefecture.slug}/?year={year - 1}").content.decode()
    assert client.get(f"/catalogue/{prefecture.slug}/c/no-such/").status_code == 404


def test_a_rows_document_number_and_date_never_break_over_two_lines(client, prefecture, published):
    page = client.get(f"/catalogue/{prefecture.slug}/").content.decode()
    day = timezone.localtime(published.published_at).date().isoformat()
    assert f'<td class="nowrap">黔东南府办发〔2024〕12号</td><td class="nowrap">{day}</td>' in page


def test_the_print_view_has_the_text_without_the_site_chrome(client, published):
    page = client.get(f"/catalogue/items/{published.pk}/print/").content.decode()
    assert published.title in page and published.index_number in page and "site-nav" not in page


def test_the_search_page_finds_filters_and_highlights(client, prefecture, published):
    page = client.get("/catalogue/search/", {"q": "森林防火", "agency": prefecture.slug}).content.decode()
    assert "找到 1 条" in page and "<mark>森林防火</mark>" in page
    page = client.get("/catalogue/search/", {"q": "森林防火", "document_type": "rules"}).content.decode()
    assert "没有找到与“森林防火”相关的信息" in page
    page = client.get("/catalogue/search/", {"q": "森林防火", "year": "abc"}).content.decode()
    assert "年份" in page and 'value="森林防火"' in page


def test_the_search_page_escapes_the_query(client, published):
    page = client.get("/catalogue/search/", {"q": "<b>森林</b>"}).content.decode()
    assert "<b>森林</b>" not in page and "&lt;b&gt;森林&lt;/b&gt;" in page


def test_the_guide_has_a_complete_default_until_the_agency_writes_one(client, prefecture, adam):
    page = client.get(f"/catalogue/{prefecture.slug}/guide/").content.decode()
    for heading in ("一、主动公开", "二、依申请公开", "三、监督和救济"):
        assert heading in page
    assert prefecture.office_address in page and prefecture.office_phone in page and "20个工作日" in page
    disclosure_guide_save(actor=adam, agency=prefecture, body="本机关自行编写的指南。")
    assert "本机关自行编写的指南" in client.get(f"/catalogue/{prefecture.slug}/guide/").content.decode()


def test_the_guide_is_edited_in_the_back_office(client, login, prefecture, adam, alice):
    assert login(alice).get("/staff/catalogue/guide/").status_code == 403
    client.post("/staff/logout/")
    login(adam)
    response = client.post("/staff/catalogue/guide/", {"body": ""})
    assert "指南正文" in response.content.decode()
    client.post("/staff/catalogue/guide/", {"body": "新的指南"})
    assert prefecture.disclosure_guide.body == "新的指南"


def test_atom_feeds_per_agency_and_category(client, prefecture, published):
    for url in (f"/catalogue/{prefecture.slug}/feed.atom", f"/catalogue/{prefecture.slug}/c/normative/feed.atom"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)  # noqa: S314
        titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert published.title in titles
    empty = ET.fromstring(client.get(f"/catalogue/{prefecture.slug}/c/plans/feed.atom").content)  # noqa: S314
    assert published.title not in [e.text for e in empty.iter("{http://www.w3.org/2005/Atom}title")]


def test_the_sitemap_lists_published_items_only(client, prefecture, alice, published):
    hidden = draft(alice, prefecture, title="草稿")
    body = client.get("/sitemap.xml").content.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", body)
    assert f"http://testserver/catalogue/items/{published.pk}/" in locs
    assert f"http://testserver/catalogue/items/{hidden.pk}/" not in locs
    ET.fromstring(body.encode())  # noqa: S314


def test_an_interpretation_links_both_ways(client, prefecture, alice, rob, ann, published):
    reviewers = [rob, second_reviewer(prefecture), ann]
    interpretation = item_create(
        actor=alice,
        agency=prefecture,
        title="图解：春季森林防火工作通知",
        summary="一图读懂。",
        body="<p>图解内容。</p>",
        category=category(prefecture, "interpretation"),
        document_type="interpretation",
        genre="interpretation",
        interpretation_form="graphic",
        interprets=published,
        date_written=published.date_written,
    )
    from gongkai.catalogue.services import item_approve, item_submit

    interpretation = item_submit(actor=alice, item=interpretation)
    for reviewer in reviewers:
        interpretation = item_approve(actor=reviewer, item=interpretation, proofread=True)
    document_page = client.get(f"/catalogue/items/{published.pk}/").content.decode()
    assert "相关解读" in document_page and interpretation.title in document_page and "图解" in document_page
    assert published.title in client.get(f"/catalogue/items/{interpretation.pk}/").content.decode()


def test_the_portal_navigation_has_the_catalogue_sections(client, prefecture):
    page = client.get(f"/agencies/{prefecture.slug}/").content.decode()
    assert f"/catalogue/{prefecture.slug}/" in page and f"/catalogue/{prefecture.slug}/guide/" in page
