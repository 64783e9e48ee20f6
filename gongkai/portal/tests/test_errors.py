"""Error pages in the portal's layout and Chinese; bad query parameters answer 400 or an empty page, never 500."""

import pytest
from django.test import Client
from django.urls import path

from gongkai.portal import errors


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("suspicious/", _suspicious),
]


def _assert_site_page(response, status: int, title: str):
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-CN">' in page and f"<h1>{title}</h1>" in page
    assert 'href="/"' in page  # the way home
    for hint in ("DEBUG", "Django", "Traceback", "CSRF verification failed", "Not Found"):
        assert hint not in page
    return page


def test_an_unknown_address_gets_a_chinese_404_in_the_sites_layout(tree, client):
    page = _assert_site_page(client.get("/no/such/page/"), 404, "页面不存在")
    assert "5226000038" in page  # the footer's site identity
    assert 'role="search"' in page
    assert "返回工作台" not in page


def test_staff_get_the_way_back_to_their_work(tree, alice, login):
    page = _assert_site_page(login(alice).get("/no/such/page/"), 404, "页面不存在")
    assert 'href="/staff/"' in page and "返回工作台" in page


@pytest.mark.urls("gongkai.portal.tests.error_urls")
def test_a_server_error_is_a_chinese_page_without_a_trace(tree):
    client = Client(raise_request_exception=False)
    _assert_site_page(client.get("/boom/"), 500, "系统暂时出现问题")


@pytest.mark.urls("gongkai.portal.tests.error_urls")
def test_forbidden_and_bad_requests_get_chinese_pages(tree, client):
    _assert_site_page(client.get("/forbidden/"), 403, "没有访问权限")
    _assert_site_page(client.get("/suspicious/"), 400, "请求有误")


def test_a_failed_csrf_check_says_why_and_gives_back_what_was_typed(tree, prefecture):
    client = Client(enforce_csrf_checks=True)
    url = f"/applications/{prefecture.slug}/apply/"
    response = client.post(
        url,
        {"content": "请公开2024年城区道路改造的预算", "password": "secret-value", "csrfmiddlewaretoken": "stale"},
        HTTP_REFERER=f"http://testserver{url}",
        HTTP_ORIGIN="http://testserver",
    )
    page = _assert_site_page(response, 403, "页面已过期，请重新提交")
    assert "请公开2024年城区道路改造的预算" in page
    assert "secret-value" not in page and "stale" not in page
    assert f'href="http://testserver{url}"' in page  # back to the form


def test_a_forged_post_from_another_site_gets_nothing_echoed(tree, prefecture):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/applications/{prefecture.slug}/apply/",
        {"content": "<b>伪造的内容</b>"},
        HTTP_ORIGIN="https://evil.example",
        HTTP_REFERER="https://evil.example/form",
    )
    page = _assert_site_page(response, 403, "页面已过期，请重新提交")
    assert "伪造的内容" not in page and "evil.example" not in page


def test_the_error_views_are_the_ones_django_uses(settings):
    from config import urls

    assert settings.CSRF_FAILURE_VIEW == "gongkai.portal.errors.csrf_failure"
    assert urls.handler404 == "gongkai.portal.errors.page_not_found"
    assert urls.handler500 == "gongkai.portal.errors.server_error"
    assert callable(errors.server_error)
