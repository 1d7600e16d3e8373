"""Accounts: passwords changed, two-step devices turned on and off, the sessions of a person."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress.audit import AuditAction, audit_record
from congress.models import User, UserSession
from congress.net import client_address
from congress.otp import OTP_REQUIRED_SESSION_KEY

USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length


def _session_store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


# --- Sessions -------------------------------------------------------------------------------


def user_session_start(*, request: HttpRequest, user: User) -> UserSession | None:
    """Remember a new sign-in: which browser, from which address, when."""
    session_key = request.session.session_key
    if not session_key:
        return None
    now = timezone.now()
    session, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip_address": client_address(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
            "ended_at": None,
        },
    )
    return session


def user_session_touch(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at=None).update(
            last_seen_at=timezone.now()
        )


def user_session_end(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at=None).update(
            ended_at=timezone.now()
        )


def user_session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (as on a password change) but it is the same sign-in."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def open_since(now: datetime | None = None) -> datetime:
    """Sessions seen before this moment have been signed out by the idle timeout."""
    return (now or timezone.now()) - settings.SESSION_IDLE_TIMEOUT


def user_session_list_open(*, user: User) -> list[UserSession]:
    now = timezone.now()
    return list(
        UserSession.objects.filter(
            user=user,
            ended_at=None,
            last_seen_at__gte=open_since(now),
            created_at__gte=now - timedelta(seconds=settings.SESSION_COOKIE_AGE),
        ).order_by("-last_seen_at")
    )


def _end_sessions(sessions) -> int:
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete()
    UserSession.objects.filter(session_key__in=keys).update(ended_at=timezone.now())
    return len(keys)


@transaction.atomic
def user_sessions_end_others(*, request: HttpRequest) -> int:
    """Sign the person out everywhere but here; returns how many of the listed sessions ended.

    Sessions that the idle timeout has already closed are cleared too, but not counted: the
    person never saw them in the list.
    """
    others = UserSession.objects.filter(user=request.user, ended_at=None).exclude(
        session_key=request.session.session_key or ""
    )
    count = others.filter(last_seen_at__gte=open_since()).count()
    _end_sessions(others)
    audit_record(
        action=AuditAction.SESSIONS_ENDED,
        request=request,
        target=request.user,
        detail={"count": count},
    )
    return count


# --- Passwords ------------------------------------------------------------------------------


@transaction.atomic
def password_changed(*, request: HttpRequest, user: User) -> None:
    """After the person set a new password: keep this session, end the others, record it.

    Django already refuses the other sessions once the password hash changes; ending them here
    also clears them from the list of devices.
    """
    old_key = request.session.session_key
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["must_change_password", "password_changed_at"])
    update_session_auth_hash(request, user)
    user_session_rekey(old_key=old_key, new_key=request.session.session_key)
    _end_sessions(
        UserSession.objects.filter(user=user, ended_at=None).exclude(
            session_key=request.session.session_key or ""
        )
    )
    audit_record(action=AuditAction.PASSWORD_CHANGED, request=request, target=user)


# --- Two-step sign-in -----------------------------------------------------------------------


@transaction.atomic
def otp_device_start(*, user: User) -> TOTPDevice:
    """A new secret to scan; it counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def otp_device_confirm(*, request: HttpRequest, device: TOTPDevice) -> TOTPDevice:
    """Turn the device on; this session has just shown a code from it, so it counts as verified."""
    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[OTP_REQUIRED_SESSION_KEY] = True
    audit_record(action=AuditAction.OTP_ENABLED, request=request, target=request.user)
    return device


@transaction.atomic
def otp_devices_remove(*, request: HttpRequest, user: User) -> None:
    """Turn two-step sign-in off: by the person, or for them by an administrator (a lost phone).

    The person's sessions that still owe a code are let through by the code page itself.
    """
    TOTPDevice.objects.filter(user=user).delete()
    if request.user.pk == user.pk:
        request.session.pop(OTP_REQUIRED_SESSION_KEY, None)
    audit_record(action=AuditAction.OTP_DISABLED, request=request, target=user)
