"""Accounts: password rules, the first sign-in's password change, two-step sign-in, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from congress import services
from congress.account_views import device_label
from congress.models import AuditEvent, Role, User, UserSession
from congress.password_validation import CharacterClassesValidator, character_classes
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "/accounts/password/"
TWO_STEP = "/accounts/two-step/"
VERIFY = "/accounts/two-step/verify/"
SESSIONS = "/accounts/sessions/"
NEW_PASSWORD = "Xiangcheng-renda-2027"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2183A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
)
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 Edg/126.0"
)


def home(tenant) -> str:
    return f"/c/{tenant.congress.slug}/"


def sign_in(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def error_codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def events(action: str, user: User) -> list[AuditEvent]:
    with scopes_disabled():  # the person's events across their congresses
        return list(AuditEvent.objects.filter(action=action, user=user))


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


# --- Password rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefghij", 1),
        ("abcdefghi1", 2),
        ("Abcdefghi1", 3),
        ("Abcdefgh1!", 4),
        ("人大代表abcdef12", 3),  # characters without case count as symbols
    ],
)
def test_character_classes_are_counted(password, classes):
    assert character_classes(password) == classes


def test_passwords_need_three_kinds_of_character(db):
    user = User(username="zhoulan", phone="13971000999")
    assert "password_too_simple" in error_codes("lowercase-only-words", user)
    assert "password_too_simple" in error_codes("onlyletters1234", user)
    assert error_codes("Renda-Station-88", user) == set()


def test_passwords_must_not_contain_the_phone_or_the_username(db):
    user = User(username="zhoulan", phone="13971000999")
    assert "password_has_phone" in error_codes("Ab-13971000999", user)
    assert "password_has_username" in error_codes("My-ZhouLan-2027", user)
    # A very short username is not checked: it turns up in ordinary passwords by chance.
    assert error_codes("Wang-renda-2027", User(username="wan", phone="")) == set()


def test_the_shortest_password_is_still_ten_characters(db):
    assert "password_too_short" in error_codes("Ab1-xyz", User(username="someone"))


def test_the_test_password_satisfies_the_rules(db):
    assert error_codes(TEST_PASSWORD, UserFactory.build()) == set()


def test_the_password_page_shows_the_rules(tenant_a, client_as):
    body = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(PASSWORD).content.decode()
    assert str(CharacterClassesValidator().get_help_text()) in body


def test_a_weak_new_password_is_refused_on_the_page(tenant_a, client_as):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    client = client_as(user)
    weak = "onlylowercaseletters"
    response = client.post(
        PASSWORD, {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_too_simple")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- First sign-in: change the password staff set ------------------------------------------


@pytest.fixture
def new_member(tenant_a):
    """An account a committee administrator has just created, with a password they typed."""
    with tenant_a.scope():
        membership = services.membership_create(
            actor=tenant_a.user(Role.COMMITTEE_ADMIN),
            congress=tenant_a.congress,
            role=Role.COMMITTEE_STAFF,
            username="liming",
            full_name="李明",
            password="Initial-pass-2026",
        )
    return membership.user


def test_accounts_staff_create_must_change_the_password(new_member):
    assert new_member.must_change_password
    assert new_member.password_changed_at is None


def test_a_deputy_account_from_the_roster_must_change_the_password(tenant_a):
    from deputies.services import deputy_create_account
    from tests.factories import DeputyFactory

    with tenant_a.scope():
        deputy = DeputyFactory(congress=tenant_a.congress, phone="13971000555")
        user, created = deputy_create_account(
            actor=tenant_a.user(Role.COMMITTEE_STAFF), deputy=deputy, password="Initial-pass-2026"
        )
    assert created and user.must_change_password


def test_the_first_sign_in_goes_to_the_password_page_until_it_is_changed(tenant_a, new_member):
    client = Client()
    assert sign_in(client, "liming", "Initial-pass-2026").status_code == 302
    page = client.get(home(tenant_a))
    assert page.status_code == 302
    assert page["Location"] == f"{PASSWORD}?next=%2Fc%2F{tenant_a.congress.slug}%2F"
    assert client.get("/")["Location"] == PASSWORD
    # The API says why instead of redirecting.
    api = client.get(f"/api/v1/c/{tenant_a.congress.slug}/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required"
    # The password page itself, the other account pages and signing out stay open.
    form = client.get(PASSWORD)
    assert form.status_code == 200
    assert form.context["must_change"]
    assert client.get(SESSIONS).status_code == 200

    response = client.post(
        f"{PASSWORD}?next=/c/{tenant_a.congress.slug}/",
        {
            "old_password": "Initial-pass-2026",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": home(tenant_a),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == home(tenant_a)
    new_member.refresh_from_db()
    assert not new_member.must_change_password
    assert new_member.password_changed_at is not None
    assert new_member.check_password(NEW_PASSWORD)
    # Same session, now free to go anywhere.
    assert client.get(home(tenant_a)).status_code == 200
    assert len(events("password_changed", new_member)) == 1


def test_an_api_token_of_an_account_that_must_change_is_refused(tenant_a, new_member):
    token = Token.objects.create(user=new_member)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(f"/api/v1/c/{tenant_a.congress.slug}/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_changing_the_password_keeps_this_session_and_ends_the_others(tenant_a):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    here, elsewhere = Client(HTTP_USER_AGENT=DESKTOP_UA), Client(HTTP_USER_AGENT=PHONE_UA)
    sign_in(here, user.username)
    sign_in(elsewhere, user.username)
    response = here.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert here.get(home(tenant_a)).status_code == 200
    assert elsewhere.get(home(tenant_a)).status_code == 302
    open_sessions = UserSession.objects.filter(user=user, ended_at=None)
    assert [session.session_key for session in open_sessions] == [here.session.session_key]


# --- Two-step sign-in -----------------------------------------------------------------------


def enable_two_step(client) -> TOTPDevice:
    client.post(TWO_STEP, {"action": "start"})
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(TWO_STEP, {"action": "confirm", "code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


@pytest.fixture
def staff_with_device(tenant_a, client_as):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        device = enable_two_step(client_as(user))
    return user, device


def test_deputies_are_not_offered_two_step_sign_in(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.DEPUTY))
    response = client.get(TWO_STEP)
    assert response.status_code == 200
    assert response.context["not_allowed"]
    client.post(TWO_STEP, {"action": "start"})
    assert not TOTPDevice.objects.exists()
    assert 'href="/accounts/two-step/"' not in client.get(home(tenant_a)).content.decode()


def test_staff_turn_two_step_sign_in_on_with_a_confirming_code(tenant_a, client_as):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    client = client_as(user)
    assert 'href="/accounts/two-step/"' in client.get(home(tenant_a)).content.decode()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        client.post(TWO_STEP, {"action": "start"})
        device = TOTPDevice.objects.get(user=user)
        assert not device.confirmed
        page = client.get(TWO_STEP)
        body = page.content.decode()
        assert 'class="otp-qr"' in body and "<svg" in body
        assert page.context["secret"].replace(" ", "") in body.replace(" ", "")
        assert "otpauth://" not in body  # only in the drawing, never as text
        # A wrong code does not turn it on.
        wrong = client.post(TWO_STEP, {"action": "confirm", "code": wrong_code(device)})
        assert wrong.status_code == 200
        assert wrong.context["code_form"].errors["code"]
        device.refresh_from_db()
        assert not device.confirmed
    with time_machine.travel("2026-03-02 09:01 +0800", tick=False):
        right = client.post(TWO_STEP, {"action": "confirm", "code": current_code(device)})
        assert right.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert len(events("otp_enabled", user)) == 1
        # This session proved the code, so it carries on.
        assert client.get(home(tenant_a)).status_code == 200


def test_signing_in_asks_for_the_code_after_the_password(tenant_a, staff_with_device):
    user, device = staff_with_device
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        assert sign_in(client, user.username).status_code == 302
        blocked = client.get(home(tenant_a))
        assert blocked.status_code == 302
        assert blocked["Location"].startswith(VERIFY)
        assert client.get(PASSWORD)["Location"].startswith(VERIFY)
        api = client.get(f"/api/v1/c/{tenant_a.congress.slug}/me/")
        assert api.status_code == 403
        assert api.json()["code"] == "otp_required"
        page = client.get(blocked["Location"])
        assert page.status_code == 200
        wrong = client.post(VERIFY, {"code": wrong_code(device), "next": home(tenant_a)})
        assert wrong.status_code == 200
        assert wrong.context["form"].errors["code"]
        assert client.get(home(tenant_a)).status_code == 302
    with time_machine.travel("2026-03-02 10:01 +0800", tick=False):
        right = client.post(VERIFY, {"code": current_code(device), "next": home(tenant_a)})
        assert right.status_code == 302
        assert right["Location"] == home(tenant_a)
        assert client.get(home(tenant_a)).status_code == 200


def test_too_many_wrong_codes_sign_out_and_lock_the_account(tenant_a, staff_with_device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own slowing down is tested apart
    user, device = staff_with_device
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        sign_in(client, user.username)
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200
        last = client.post(VERIFY, {"code": wrong_code(device)})
        assert last.status_code == 429  # the lockout page
        assert "_auth_user_id" not in client.session
        # The right password is refused while the lock lasts.
        assert sign_in(client, user.username).status_code == 429


def test_the_device_slows_down_repeated_wrong_codes(tenant_a, staff_with_device):
    user, device = staff_with_device
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        sign_in(client, user.username)
        client.post(VERIFY, {"code": wrong_code(device)})
        # Even the right code waits out the pause after a failure.
        refused = client.post(VERIFY, {"code": current_code(device)})
        assert refused.status_code == 200
        assert "1" in refused.context["form"].errors["code"][0]
    with time_machine.travel("2026-03-02 10:00:05 +0800", tick=False):
        assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302


def test_two_step_sign_in_is_turned_off_with_the_password(tenant_a, staff_with_device):
    user, _device = staff_with_device
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        sign_in(client, user.username)
        device = TOTPDevice.objects.get(user=user)
        client.post(VERIFY, {"code": current_code(device)})
        wrong = client.post(TWO_STEP, {"action": "off", "password": "not-my-password"})
        assert wrong.status_code == 200
        assert TOTPDevice.objects.filter(user=user).exists()
        response = client.post(TWO_STEP, {"action": "off", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert len(events("otp_disabled", user)) == 1
    # The next sign-in is one step again.
    fresh = Client()
    sign_in(fresh, user.username)
    assert fresh.get(home(tenant_a)).status_code == 200


def test_the_api_token_needs_the_code_too(tenant_a, staff_with_device):
    user, device = staff_with_device
    client = Client()
    url = "/api/v1/auth/token/"
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        missing = client.post(url, {"username": user.username, "password": TEST_PASSWORD})
        assert missing.status_code == 400
        assert "otp_token" in missing.json()
        wrong = client.post(
            url,
            {"username": user.username, "password": TEST_PASSWORD, "otp_token": wrong_code(device)},
        )
        assert wrong.status_code == 400
        assert not Token.objects.filter(user=user).exists()
    with time_machine.travel("2026-03-02 10:01 +0800", tick=False):
        right = client.post(
            url,
            {
                "username": user.username,
                "password": TEST_PASSWORD,
                "otp_token": current_code(device),
            },
        )
        assert right.status_code == 200
        token = right.json()["token"]
        me = Client(HTTP_AUTHORIZATION=f"Token {token}").get(
            f"/api/v1/c/{tenant_a.congress.slug}/me/"
        )
        assert me.status_code == 200


# --- Sessions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (PHONE_UA, "WeChat · Android"),
        (DESKTOP_UA, "Edge · Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari · iPhone",
        ),
        ("", "Unknown device"),
    ],
)
def test_devices_are_named_as_people_know_them(agent, label, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        assert device_label(agent) == label


def test_signing_in_records_a_session_and_signing_out_ends_it(tenant_a):
    user = tenant_a.user(Role.DEPUTY)
    client = Client(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="10.1.2.3")
    sign_in(client, user.phone)
    session = UserSession.objects.get(user=user)
    assert session.session_key == client.session.session_key
    assert session.user_agent == PHONE_UA
    assert session.ip_address == "10.1.2.3"
    assert session.ended_at is None
    client.post("/accounts/logout/")
    session.refresh_from_db()
    assert session.ended_at is not None


def test_last_seen_moves_at_most_once_a_minute(tenant_a):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        sign_in(client, user.username)
        session = UserSession.objects.get(user=user)
        signed_in = session.last_seen_at
        traveller.shift(timedelta(seconds=30))
        client.get(home(tenant_a))
        client.get(home(tenant_a))
        session.refresh_from_db()
        assert session.last_seen_at == signed_in
        traveller.shift(timedelta(minutes=5))
        client.get(home(tenant_a))
        session.refresh_from_db()
        assert session.last_seen_at == signed_in + timedelta(minutes=5, seconds=30)


def test_the_device_list_and_signing_out_everywhere_else(tenant_a):
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    here, phone, stale = (
        Client(HTTP_USER_AGENT=DESKTOP_UA),
        Client(HTTP_USER_AGENT=PHONE_UA),
        Client(HTTP_USER_AGENT="Old browser"),
    )
    with time_machine.travel("2026-03-02 08:00 +0800", tick=False):
        sign_in(stale, user.username)  # left open, and the idle timeout has passed since
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        sign_in(phone, user.username)
        sign_in(here, user.username)
        page = here.get(SESSIONS)
        rows = page.context["rows"]
        assert [row["is_current"] for row in rows] == [True, False]
        assert [row["session"].user_agent for row in rows] == [DESKTOP_UA, PHONE_UA]
        assert page.context["others"] == 1
        assert 'href="/accounts/sessions/"' in page.content.decode()

        response = here.post(SESSIONS, {"action": "end_others"}, follow=True)
        assert response.status_code == 200
        assert [row["is_current"] for row in response.context["rows"]] == [True]
        assert phone.get(home(tenant_a))["Location"].startswith(LOGIN)
        assert here.get(home(tenant_a)).status_code == 200
    assert UserSession.objects.filter(user=user, ended_at=None).count() == 1
    ended = events("sessions_ended", user)
    assert len(ended) == 1
    assert ended[0].detail == {"count": 1}


def test_the_device_list_shows_only_ones_own_sessions(tenant_a, client_as):
    other = tenant_a.user(Role.DEPUTY)
    sign_in(Client(), other.phone)
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    client = Client()
    sign_in(client, user.username)
    rows = client.get(SESSIONS).context["rows"]
    assert [row["session"].user for row in rows] == [user]
    client.post(SESSIONS, {"action": "end_others"})
    assert UserSession.objects.get(user=other).ended_at is None


def test_account_pages_need_a_signed_in_user(db):
    client = Client()
    for url in (PASSWORD, TWO_STEP, VERIFY, SESSIONS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_an_administrator_turning_it_off_lets_a_waiting_sign_in_through(
    tenant_a, staff_with_device, rf
):
    from importlib import import_module

    from django.conf import settings

    from congress.account_services import otp_devices_remove

    user, _device = staff_with_device
    client = Client()
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        sign_in(client, user.username)
        assert client.get(home(tenant_a))["Location"].startswith(VERIFY)
        # The phone is lost: the security administrator turns two-step sign-in off for them.
        request = rf.post("/")
        request.user = tenant_a.user(Role.SECURITY_ADMIN)
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        otp_devices_remove(request=request, user=user)
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert events("otp_disabled", request.user)[0].target_id == str(user.pk)
        waiting = client.get(home(tenant_a))
        assert waiting["Location"].startswith(VERIFY)
        assert client.get(waiting["Location"])["Location"] == home(tenant_a)
        assert client.get(home(tenant_a)).status_code == 200
