"""The portal's anonymous pages come from the shared cache, and a change shows on the very next request."""

import pytest
from django.core.cache import caches
from django.test import Client

from gongkai.analytics.models import Hit
from gongkai.catalogue.services import item_correct, item_update, item_withdraw
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer
from gongkai.core.pagecache import ALL, token_key

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def visitor() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def published(prefecture, alice, rob, ann):
    return publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])


def _pages(agency, item):
    return [
        "/",
        f"/agencies/{agency.slug}/",
        f"/catalogue/{agency.slug}/",
        f"/catalogue/{agency.slug}/guide/",
        f"/catalogue/items/{item.pk}/",
        f"/catalogue/search/?q={item.title[:4]}",
        f"/catalogue/{agency.slug}/feed.atom",
        "/sitemap.xml",
    ]


def test_the_second_anonymous_request_is_served_from_the_cache(prefecture, published):
    first = visitor().get(f"/catalogue/{prefecture.slug}/")
    second = visitor().get(f"/catalogue/{prefecture.slug}/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content and published.title in second.content.decode()
    assert second["ETag"] == first["ETag"] and "Last-Modified" in second


def test_no_cached_page_holds_a_csrf_token_a_session_or_anything_per_visitor(prefecture, published):
    for url in _pages(prefecture, published):
        one, two = visitor(), visitor()
        first = one.get(url)
        assert first.status_code == 200, url
        second = two.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert first.content == second.content, url
        body = second.content.decode()
        assert "csrfmiddlewaretoken" not in body and "sessionid" not in body, url
        assert "sessionid" not in second.cookies and "csrftoken" not in second.cookies, url


def test_publishing_shows_on_the_agency_pages_the_home_page_and_in_search_at_once(
    prefecture, alice, rob, ann, published
):
    for url in _pages(prefecture, published):
        visitor().get(url)
    newer = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann], title="关于开展2024年防汛演练的通知")
    for url in (f"/catalogue/{prefecture.slug}/", f"/catalogue/search/?q={newer.title[:6]}", "/sitemap.xml"):
        response = visitor().get(url)
        assert newer.title in response.content.decode() or f"/catalogue/items/{newer.pk}/" in response.content.decode()
        assert response["X-Page-Cache"] == "miss", url


def test_a_withdrawn_item_leaves_its_page_and_the_lists_on_the_next_request(prefecture, ann, published):
    assert visitor().get(f"/catalogue/items/{published.pk}/").status_code == 200
    assert visitor().get(f"/catalogue/items/{published.pk}/")["X-Page-Cache"] == "hit"
    visitor().get(f"/catalogue/{prefecture.slug}/")
    item_withdraw(actor=ann, item=published, reason="内容有误")
    assert visitor().get(f"/catalogue/items/{published.pk}/").status_code == 404
    assert published.title not in visitor().get(f"/catalogue/{prefecture.slug}/").content.decode()


def test_a_correction_shows_on_the_item_page_at_once(prefecture, ann, published):
    visitor().get(f"/catalogue/items/{published.pk}/")
    item_correct(
        actor=ann, item=published, correction_note="更正标题", title="关于做好2024年春季森林防火工作的通知（更正）"
    )
    page = visitor().get(f"/catalogue/items/{published.pk}/").content.decode()
    assert "（更正）" in page and "更正标题" in page


def test_work_on_a_draft_leaves_the_cached_pages_alone(prefecture, alice, published):
    visitor().get(f"/catalogue/{prefecture.slug}/")
    item = draft(alice, prefecture, title="尚未发布的草稿")
    item_update(actor=alice, item=item, title="尚未发布的草稿（二稿）")
    response = visitor().get(f"/catalogue/{prefecture.slug}/")
    assert response["X-Page-Cache"] == "hit" and "尚未发布的草稿" not in response.content.decode()


def test_a_change_in_another_agency_leaves_this_agencys_pages_cached(tree, alice, published):
    county = tree["county"]
    visitor().get(f"/catalogue/items/{published.pk}/")
    from gongkai.core.pagecache import bump

    bump(scopes=[str(county.pk), ALL], kinds=["catalogue"])
    assert visitor().get(f"/catalogue/items/{published.pk}/")["X-Page-Cache"] == "hit"


def test_a_lost_version_token_never_brings_back_an_old_page(prefecture, published):
    visitor().get(f"/catalogue/items/{published.pk}/")
    caches["pages"].delete(token_key(str(prefecture.pk), "catalogue"))
    assert visitor().get(f"/catalogue/items/{published.pk}/")["X-Page-Cache"] == "miss"


def test_staff_and_visitors_with_a_session_always_get_the_live_page(login, prefecture, alice, published):
    visitor().get(f"/catalogue/{prefecture.slug}/")
    client = login(alice)
    response = client.get(f"/catalogue/{prefecture.slug}/")
    assert "X-Page-Cache" not in response


def test_the_application_form_and_tracking_are_never_cached(prefecture):
    for url in (f"/applications/{prefecture.slug}/apply/", "/applications/track/"):
        first, second = visitor().get(url), visitor().get(url)
        assert "X-Page-Cache" not in second, url
        if first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode():
            assert first.content != second.content or "csrfmiddlewaretoken" not in second.content.decode()


def test_a_revalidation_with_the_etag_gets_304(prefecture, published):
    url = f"/catalogue/items/{published.pk}/"
    etag = visitor().get(url)["ETag"]
    response = visitor().get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag


def test_every_view_is_counted_whether_cached_or_not(prefecture, published):
    before = Hit.objects.count()
    for _ in range(3):
        visitor().get(f"/catalogue/{prefecture.slug}/")
    assert Hit.objects.count() == before + 3


def test_search_pages_share_one_entry_per_normalised_query(prefecture, published):
    word = published.title[2:6]
    visitor().get(f"/catalogue/search/?q={word}&agency=")
    response = visitor().get(f"/catalogue/search/?agency=&q={word}%20")
    assert response["X-Page-Cache"] == "hit"
    assert f"/catalogue/items/{published.pk}/" in response.content.decode()


def test_the_language_link_sets_the_cookie_and_returns_to_the_page(prefecture):
    response = visitor().get(f"/language/en/?next=/catalogue/{prefecture.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/catalogue/{prefecture.slug}/"
    assert response.cookies["django_language"].value == "en"
    assert visitor().get("/language/en/?next=https://evil.example/")["Location"] == "/"
    assert visitor().get("/language/xx/").status_code == 404


def test_english_and_chinese_pages_are_cached_apart(prefecture, published):
    chinese = visitor().get(f"/catalogue/{prefecture.slug}/")
    english_visitor = visitor()
    english_visitor.cookies["django_language"] = "en"
    english = english_visitor.get(f"/catalogue/{prefecture.slug}/")
    assert english["X-Page-Cache"] == "miss" and english.content != chinese.content


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_once_when_it_was_stored(prefecture, published):
    import gzip

    url = f"/catalogue/{prefecture.slug}/"
    plain = visitor().get(url)
    first = visitor().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    again = visitor().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert plain["X-Page-Cache"] == "miss" and first["X-Page-Cache"] == again["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in plain
    assert first["Content-Encoding"] == "gzip" and first.content == again.content
    assert gzip.decompress(first.content) == plain.content and len(first.content) < len(plain.content) / 2
    # One URL, two representations: caches keep them apart, and each has its own validator.
    assert all("Accept-Encoding" in r["Vary"] for r in (plain, first))
    assert first["ETag"] != plain["ETag"]
    revalidated = visitor().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304 and revalidated["ETag"] == first["ETag"]


def test_the_visitor_who_stores_the_page_gets_it_compressed_too(prefecture, published):
    import gzip

    url = f"/agencies/{prefecture.slug}/"
    first = visitor().get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = visitor().get(url)
    assert first["X-Page-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == plain.content


def test_a_short_answer_is_not_compressed(prefecture, published):
    from gongkai.portal.pagecache import gzipped_content

    assert gzipped_content(b"<p>ok</p>", "text/html; charset=utf-8") is None
    assert gzipped_content(b"\x89PNG" + bytes(range(256)) * 8, "image/png") is None
    assert gzipped_content("<p>公开</p>".encode() * 200, "text/html; charset=utf-8") is not None
