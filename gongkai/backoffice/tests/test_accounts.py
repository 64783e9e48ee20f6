"""Staff accounts over their life: one's own password, a forgotten one reset, an account stopped and started."""

import pytest
from django.test import Client

from conftest import PASSWORD
from gongkai.accounts.models import User
from gongkai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "Qiandongnan#2027"


def _change(client, old=PASSWORD, new1=NEW, new2=NEW):
    return client.post("/staff/password/", {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_a_clerk_changes_their_password_and_their_other_sessions_end(login, alice):
    elsewhere = Client()
    elsewhere.force_login(alice)
    client = login(alice)
    assert "旧密码" in client.get("/staff/password/").content.decode()
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert "密码已修改" in client.get("/staff/").content.decode()  # this session stays
    assert elsewhere.get("/staff/").status_code == 302  # the other one is sent to the login page
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    event = AuditEvent.objects.get(verb="user.password_change")
    assert event.actor == alice and NEW not in str(event.before) + str(event.after) + event.note


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("wrong-password", NEW, NEW, "旧密码", "旧密码不正确"),
        (PASSWORD, NEW, NEW + "x", "新密码确认", "输入的两个密码不一致"),
        (PASSWORD, "12345678901", "12345678901", "新密码确认", "全都是数字"),
        (PASSWORD, "short1!", "short1!", "新密码确认", "密码太短，至少需要10个字符。"),
    ],
)
def test_a_refused_password_is_named_on_its_field_and_nothing_changes(login, alice, old, new1, new2, field, message):
    page = _change(login(alice), old, new1, new2).content.decode()
    assert "请修改以下内容后再提交" in page and f">{field}</a>" in page and message in page
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and not AuditEvent.objects.filter(verb="user.password_change").exists()


def test_a_supervisor_changes_their_own_password_though_they_change_no_record(login, sue):
    assert _change(login(sue)).status_code == 302
    sue.refresh_from_db()
    assert sue.check_password(NEW)


def test_the_site_administrator_resets_a_forgotten_password(login, sam, alice):
    client = login(sam)
    page = client.get(f"/staff/users/{alice.pk}/").content.decode()
    assert "重置密码" in page and "停用账号" in page
    response = client.post(f"/staff/users/{alice.pk}/password/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert AuditEvent.objects.get(verb="user.password_reset").actor == sam


def test_a_stopped_account_cannot_sign_in_and_its_open_session_ends(login, sam, alice):
    open_session = Client()
    open_session.force_login(alice)
    client = login(sam)
    client.post(f"/staff/users/{alice.pk}/active/", {"active": "0"})
    alice.refresh_from_db()
    assert not alice.is_active
    assert open_session.get("/staff/").status_code == 302
    refused = Client().post("/staff/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session
    assert "停用" in client.get("/staff/users/").content.decode()
    client.post(f"/staff/users/{alice.pk}/active/", {"active": "1"})
    alice.refresh_from_db()
    assert alice.is_active
    verbs = list(AuditEvent.objects.filter(verb__startswith="user.").order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == ["user.deactivate", "user.activate"]


def test_nobody_stops_their_own_account_and_a_stray_post_changes_nothing(login, sam):
    client = login(sam)
    page = client.post(f"/staff/users/{sam.pk}/active/", {"active": "0"}, follow=True).content.decode()
    assert "不能停用自己的账号" in page
    client.post(f"/staff/users/{sam.pk}/active/", {})
    assert User.objects.get(pk=sam.pk).is_active
    assert not AuditEvent.objects.filter(verb="user.deactivate").exists()


def test_only_the_site_administrator_manages_other_accounts(login, adam, alice):
    client = login(adam)
    assert client.get(f"/staff/users/{alice.pk}/").status_code == 403
    response = client.post(f"/staff/users/{alice.pk}/password/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 403
    assert client.post(f"/staff/users/{alice.pk}/active/", {"active": "0"}).status_code == 403
    alice.refresh_from_db()
    assert alice.is_active and alice.check_password(PASSWORD)


def test_the_way_to_change_ones_password_is_on_ones_own_settings_page(login, alice):
    page = login(alice).get("/staff/notices/my-settings/").content.decode()
    assert '<a class="button secondary" href="/staff/password/">修改密码</a>' in page
