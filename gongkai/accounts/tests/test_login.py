"""Staff login: sessions, lockout after repeated failures, and secure cookies in production settings."""

from django.conf import settings

from conftest import PASSWORD


def test_staff_log_in_with_username_and_password(alice, client):
    page = client.get("/staff/login/")
    assert "工作人员登录" in page.content.decode()
    response = client.post("/staff/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(alice, client):
    response = client.post("/staff/login/", {"username": "alice", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "正确" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(alice, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/staff/login/", {"username": "alice", "password": "wrong-password"})
    response = client.post("/staff/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_lockout_of_one_user_does_not_lock_another(alice, rob, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/staff/login/", {"username": "alice", "password": "wrong-password"})
    assert client.post("/staff/login/", {"username": "rob", "password": PASSWORD}).status_code == 302


def test_logout_needs_post_and_ends_the_session(alice, login):
    client = login(alice)
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_sessions_expire_and_production_cookies_are_secure():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    # GONGKAI_HTTPS defaults to on: only `make run` on plain http://127.0.0.1 turns it off.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_security_headers_and_a_csp_without_inline_script(client, prefecture):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_active_session_slides_its_expiry_without_a_write_on_every_request(alice, login, monkeypatch):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.core import middleware

    client = login(alice)
    client.get("/staff/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expires = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        client.get("/staff/")
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == expires
    # A minute later the same session in use is written again with a later expiry.
    later = middleware.time.time() + settings.GONGKAI_SESSION_TOUCH_SECONDS + 1
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    client.get("/staff/")
    assert Session.objects.get(session_key=key).expire_date > expires
