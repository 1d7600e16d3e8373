"""The forms of the congress's own pages: members, settings, calendar, accounts, security."""

from __future__ import annotations

import time
from datetime import date

from django.contrib.auth.signals import user_logged_in
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from congress.models import CalendarOverride, Role
from tests.security.conftest import World
from tests.security.form_cases import FormCase

# Staff turn two-step sign-in on; deputies may not.
OTP_ROLE = Role.COMMITTEE_STAFF


def _own_membership(world: World) -> dict:
    return {"membership_id": world.tenant.members[Role.SECURITY_ADMIN].pk}


def _override(world: World) -> None:
    with scopes_disabled():  # test setup
        override = CalendarOverride.objects.create(
            congress=world.tenant.congress, date=date(2027, 2, 20), is_working_day=True
        )
    world.ids["override_id"] = [override.pk]


def _override_id(world: World) -> dict:
    return {"override_id": world.ids["override_id"][0]}


def _pending_device(world: World) -> None:
    # The person pressed "Set up two-step sign-in" and is looking at the QR code.
    TOTPDevice.objects.create(
        user=world.tenant.user(OTP_ROLE), name="authenticator", confirmed=False
    )


def _spent_device(world: World) -> TOTPDevice:
    # Every code of this half-minute and the next few was used already: whatever six digits
    # the person types, the device refuses them, so the wrong code is certain.
    return TOTPDevice.objects.create(
        user=world.tenant.user(OTP_ROLE),
        name="authenticator",
        confirmed=True,
        last_t=int(time.time()) // 30 + 20,
    )


def _signed_in_owing_a_code(world: World) -> None:
    # The device is on before signing in, so the session owes its code.
    _spent_device(world)


TURN_ON_LATER = "tests.security.form_cases.congress.turned_on_after_signing_in"


def _turned_on_after_signing_in(world: World) -> None:
    # This browser signed in first and the device was confirmed from another one afterwards, so
    # this session owes no code and shows the "turn off" form. The device is made just after
    # the sign-in's own receiver (which would ask for the code) has run, once.
    def confirm_after_sign_in(sender, **kwargs) -> None:
        user_logged_in.disconnect(dispatch_uid=TURN_ON_LATER)
        _spent_device(world)

    user_logged_in.connect(confirm_after_sign_in, weak=False, dispatch_uid=TURN_ON_LATER)


FORMS = [
    FormCase(
        "congress:member_create",
        Role.COMMITTEE_ADMIN,
        {"username": "wang xiuying!", "role": "deputy", "full_name": "王秀英", "phone": "1380"},
        kept=("wang xiuying!", "王秀英", "1380"),
    ),
    # The security administrator tries to make themself committee staff (refused on top).
    FormCase(
        "congress:member_change",
        Role.SECURITY_ADMIN,
        {"role": "committee_staff", "is_active": "on"},
        kept=(),
        ids=_own_membership,
    ),
    FormCase(
        # Below the platform's floor, and the kinds of characters written as a word.
        "congress:password_policy",
        Role.SECURITY_ADMIN,
        {"password_min_length": "8", "password_min_classes": "四种"},
        kept=("8", "四种"),
    ),
    FormCase(
        "congress:settings",
        Role.COMMITTEE_ADMIN,
        {
            "reply_deadline_months": "三个月",
            "reply_deadline_max_months": "6",
            "rehandling_deadline_months": "1",
            "voter_message_reply_working_days": "15",
            "motion_min_cosigners": "10",
            "co_handling_opinion_months": "1",
            "unit_return_working_days": "5",
            "reply_classes_text": "A 已解决\nB 正在解决\nC",
            "reminder_days_text": "30, 15, 七",
        },
        kept=("三个月", "B 正在解决", "30, 15, 七"),
    ),
    FormCase(
        "calendar:create",
        Role.COMMITTEE_STAFF,
        {"date": "2027-02-30", "kind": "off", "note": "春节调休"},
        kept=("2027-02-30", "春节调休"),
    ),
    FormCase(
        "calendar:edit",
        Role.COMMITTEE_STAFF,
        {"date": "2027/02/20", "kind": "work", "note": "春节后补班（原定周六）" * 10},
        kept=("2027/02/20", "春节后补班（原定周六）"),
        ids=_override_id,
        setup=_override,
    ),
    FormCase(
        "calendar:bulk",
        Role.COMMITTEE_STAFF,
        {"text": "2027-01-01 休 元旦\n2027-02-30 休 春节\n2027-02-06~2027-02-12 放 春节"},
        kept=("2027-01-01 休 元旦", "2027-02-06~2027-02-12 放 春节"),
    ),
    FormCase(
        "login",
        None,
        {"username": "13871234567", "password": "xiangcheng2026"},
        kept=("13871234567",),
    ),
    # Password fields are never filled in again: only the errors come back.
    FormCase(
        "password_change",
        Role.COMMITTEE_STAFF,
        {
            "old_password": "not-my-password",
            "new_password1": "renda2026",
            "new_password2": "renda2O26",
        },
        kept=(),
    ),
    FormCase(
        "account_two_step",
        OTP_ROLE,
        {"action": "confirm", "code": "１２３ ４５"},
        kept=("１２３ ４５",),
        context=("code_form",),
        setup=_pending_device,
        label="confirm",
    ),
    FormCase(
        "account_two_step",
        OTP_ROLE,
        {"action": "off", "code": "246810", "password": ""},
        kept=("246810",),
        context=("off_form",),
        setup=_turned_on_after_signing_in,
        label="off",
    ),
    FormCase(
        "account_two_step_verify",
        OTP_ROLE,
        {"code": "135 791"},
        kept=("135 791",),
        setup=_signed_in_owing_a_code,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {
    "congress:account_unlock": "the security administrator's 'unlock' button on a locked account",
    "calendar:delete": "'remove this entry' on a calendar day; nothing typed",
    "notifications:read": "'mark as read' on one notice; only the page number in a hidden field",
    "notifications:read_all": "'mark all as read'; only the page number in a hidden field",
    "logout": "'sign out'",
    "account_sessions": "'sign out everywhere else'; a hidden action only",
    "reports:export": "'export': the file's choices come from the list's filters in the address",
}
