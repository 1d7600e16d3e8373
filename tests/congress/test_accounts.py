"""Signing in and out: by username or phone, lockout after failures, idle timeout, argon2."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password

from congress.models import Role, User
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def sign_in(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_in_chinese_whatever_the_browser_asks(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录履职通" in body
    assert "用户名或手机号" in body
    assert 'lang="zh-Hans"' in body


def test_sign_in_with_username_lands_in_the_only_congress(tenant_a, client):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    response = sign_in(client, user.username)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"] == f"/c/{tenant_a.congress.slug}/"


def test_a_deputy_signs_in_with_the_mobile_number(tenant_a, client):
    deputy = tenant_a.user(Role.DEPUTY)
    assert deputy.username != deputy.phone
    response = sign_in(client, deputy.phone)
    assert response.status_code == 302
    assert client.get(f"/c/{tenant_a.congress.slug}/").status_code == 200


def test_wrong_password_is_refused_in_chinese(tenant_a, client):
    response = sign_in(client, tenant_a.user(Role.DEPUTY).username, "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_with_the_right_password(tenant_a, client, settings):
    user = tenant_a.user(Role.COMMITTEE_ADMIN)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    locked = sign_in(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()
    # The right password is refused too while the lock lasts.
    again = sign_in(client, user.username)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    other = tenant_a.user(Role.COMMITTEE_STAFF)
    assert sign_in(client, other.username).status_code == 302


def test_the_lock_ends_after_the_cool_off_time(tenant_a, client, settings):
    user = tenant_a.user(Role.DEPUTY)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, user.username, "wrong-password")
        assert sign_in(client, user.username).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
        assert sign_in(client, user.username).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(tenant_a, client):
    user = tenant_a.user(Role.DEPUTY)
    sign_in(client, user.username, "wrong-password")
    sign_in(client, user.username, "wrong-password")
    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert sign_in(client, user.username).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_idle_session_signs_out(tenant_a, client, settings):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    home = f"/c/{tenant_a.congress.slug}/"
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        sign_in(client, user.username)
        assert client.get(home).status_code == 200
        # Activity keeps the session alive past the idle limit in total.
        for _step in range(3):
            traveller.shift(settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
            assert client.get(home).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"])
        assert "您长时间未操作，已自动退出" in login_page.content.decode()


def test_idle_api_session_answers_401(tenant_a, client, settings):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        sign_in(client, user.username)
        url = f"/api/v1/c/{tenant_a.congress.slug}/me/"
        assert client.get(url).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["detail"] == "登录已过期，请重新登录。"


def test_sign_out_needs_a_post_and_ends_the_session(tenant_a, client):
    sign_in(client, tenant_a.user(Role.DEPUTY).username)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(f"/c/{tenant_a.congress.slug}/").status_code == 302


def test_password_change_validates_in_chinese_and_keeps_the_session(tenant_a, client_as):
    user = tenant_a.user(Role.DEPUTY)
    client = client_as(user)
    weak = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    body = weak.content.decode()
    assert "密码至少需要 10 个字符。" in body
    assert "密码只包含数字。" in body
    strong = "Xiangcheng-renda-2027"
    response = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)
    assert client.get(f"/c/{tenant_a.congress.slug}/").status_code == 200


def test_passwords_are_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory()
    assert user.password.startswith("argon2$")
    assert make_password("x").startswith("argon2$")


def test_the_settings_use_argon2_first():
    from congress import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_user_in_two_congresses_chooses_one(tenant_a, tenant_b, client_as):
    from django_scopes import scopes_disabled

    from tests.factories import MembershipFactory

    user = tenant_a.user(Role.LEADER)
    with scopes_disabled():  # test setup across congresses
        MembershipFactory(congress=tenant_b.congress, user=user, role=Role.LEADER)
    response = client_as(user).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "选择常委会" in body
    assert tenant_a.congress.name in body and tenant_b.congress.name in body


def test_a_user_with_no_congress_is_told_so(db, client_as):
    response = client_as(UserFactory()).get("/")
    assert response.status_code == 200
    assert "尚未加入常委会" in response.content.decode()


@pytest.mark.parametrize("username", ["", "a" * 200])
def test_odd_usernames_do_not_break_sign_in(username, client, db):
    response = sign_in(client, username, "whatever")
    assert response.status_code == 200
    assert User.objects.count() == 0
