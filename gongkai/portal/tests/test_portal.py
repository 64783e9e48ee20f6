"""The public portal shell: identity, navigation, contact details and the footer record numbers."""

from django.test import override_settings


def test_the_home_page_shows_the_agency_and_its_disclosure_office(tree, client):
    page = client.get("/").content.decode()
    assert "<h1>黔东南州人民政府信息公开</h1>" in page
    assert "政府政府" not in page
    assert "黔东南州人民政府办公室" in page  # the disclosure office
    assert "0855-8227803" in page
    assert "凯里市人民政府" in page  # subordinate agencies


def test_the_footer_carries_the_site_identity(tree, client):
    page = client.get("/").content.decode()
    for text in ("黔ICP备16003716号", "政府网站标识码", "5226000038", "贵公网安备52260102556045"):
        assert text in page


def test_a_subordinate_page_inherits_the_nearest_site_identity(tree, client):
    page = client.get("/agencies/kaili-edu/").content.decode()
    assert "凯里市教育局" in page and "5226000038" in page
    assert "凯里市政府" in page  # breadcrumb through the ancestors


def test_the_directory_lists_the_tree(tree, client):
    page = client.get("/agencies/").content.decode()
    for agency in tree.values():
        assert agency.name in page


def test_navigation_links_only_to_sections_that_exist(tree, client):
    page = client.get("/").content.decode()
    assert 'href="/agencies/qdn/"' in page
    assert 'href="/agencies/"' in page


def test_an_unknown_agency_is_404(tree, client):
    assert client.get("/agencies/nowhere/").status_code == 404


def test_an_empty_platform_says_what_to_do(db, client):
    page = client.get("/").content.decode()
    assert "尚未设置任何机关" in page


@override_settings(PORTAL_AGENCY="kaili")
def test_the_portal_agency_can_be_configured(tree, client):
    assert "<h1>凯里市人民政府信息公开</h1>" in client.get("/").content.decode()


def test_pages_have_no_inline_script(tree, client, alice, login):
    import re

    pages = [client.get("/").content.decode(), client.get("/staff/login/").content.decode()]
    pages.append(login(alice).get("/staff/").content.decode())
    for page in pages:
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag
        assert " style=" not in page
        assert " onclick=" not in page


def test_the_english_locale_works(tree, client):
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Skip to content" in page
    assert "Staff login" in page


def test_the_public_can_switch_language(tree, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Staff login" in client.get("/").content.decode()


def test_the_language_switch_is_a_plain_link_and_public_pages_carry_no_csrf_token(tree, client):
    page = client.get("/agencies/").content.decode()
    assert 'href="/language/en/?next=/agencies/"' in page
    assert "csrfmiddlewaretoken" not in page and "csrftoken" not in client.cookies
    response = client.get("/language/en/", {"next": "/agencies/"})
    assert response.status_code == 302 and response["Location"] == "/agencies/"
    assert "Staff login" in client.get("/agencies/").content.decode()
    back = client.get("/language/zh-hans/", {"next": "/"})
    assert back.status_code == 302 and "工作人员登录" in client.get("/").content.decode()


def test_the_language_link_never_sends_the_visitor_to_another_site(tree, client):
    assert client.get("/language/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/language/en/", {"next": "//evil.example/"})["Location"] == "/"
    assert client.get("/language/klingon/").status_code == 404


def test_a_browser_set_to_english_still_gets_chinese_until_the_visitor_chooses(tree, client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in page and "工作人员登录" in page


@override_settings(PORTAL_AGENCY="kaili")
def test_every_public_page_shows_one_site_identity(tree, client):
    """The footer's identity is the nearest agency up the tree with a 政府网站标识码, else the portal's home agency,
    whichever app serves the page (the catalogue, the application form and the participation pages each had a copy
    of the rule, falling back to the first root instead of the configured home agency)."""
    prefecture, county = tree["prefecture"], tree["county"]
    prefecture.site_code = ""
    prefecture.save()
    county.site_code, county.site_sponsor = "5226010001", "凯里市人民政府办公室"
    county.save()
    pages = ["/agencies/qdn-czj/", "/catalogue/qdn-czj/", "/applications/qdn-czj/apply/", "/participation/qdn-czj/",
             "/gazette/qdn-czj/", "/enforcement/qdn-czj/penalties/", "/agencies/qdn-czj/annual-reports/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "主办：凯里市人民政府办公室" in page and "5226010001" in page, url
    # An agency whose own chain has the code keeps it.
    assert "5226010001" in client.get("/agencies/kaili-edu/").content.decode()


def test_a_public_page_reads_the_agency_s_ancestors_once(tree, client):
    """The breadcrumb and the footer's site identity both need the agency's ancestors: one query for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in ("/agencies/kaili-edu/", "/catalogue/kaili-edu/", "/participation/kaili-edu/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        ancestors = [
            q for q in captured.captured_queries if 'FROM "agencies_agency" WHERE "agencies_agency"."id" IN' in q["sql"]
        ]
        assert len(ancestors) == 1, url
