"""The audit log: recording events (sign-ins, permission changes, exports, state changes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from congress.models import AuditEvent, Congress, Membership, User
from congress.net import client_address


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
    SIGN_OUT = "sign_out", _("signed out")
    LOCKED_OUT = "locked_out", _("account locked")
    UNLOCKED = "unlocked", _("account unlocked")
    PASSWORD_CHANGED = "password_changed", _("changed the password")
    PASSWORD_RESET = "password_reset", _("reset a password")
    OTP_ENABLED = "otp_enabled", _("turned on the one-time code")
    OTP_DISABLED = "otp_disabled", _("turned off the one-time code")
    SESSIONS_ENDED = "sessions_ended", _("signed out elsewhere")
    MEMBER_CREATED = "member_created", _("created an account")
    MEMBER_CHANGED = "member_changed", _("changed an account")
    ROLE_CHANGED = "role_changed", _("changed a role")
    SETTINGS_CHANGED = "settings_changed", _("changed the settings")
    EXPORT = "export", _("exported data")
    PERSONAL_DATA_DELETED = "personal_data_deleted", _("deleted personal data")
    STATE_CHANGED = "state_changed", _("changed a state")
    DATA_EXPORTED = "data_exported", _("exported the congress's data")


def _client(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    address = client_address(request) or None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return address, agent


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    congress: Congress | None = None,
    success: bool = True,
    target: models.Model | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Write one event; with no congress, one per congress the user belongs to.

    `user` defaults to the request's signed-in user. A person's events with no congress of
    their own (an unknown account name) are kept with no congress, for the platform admin.
    """
    action = AuditAction(action).value
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    address, agent = _client(request)
    fields = {
        "user": user,
        "username": (username or (user.get_username() if user else ""))[:150],
        "action": action,
        "success": success,
        "ip_address": address,
        "user_agent": agent,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "summary": str(summary)[:500],
        "detail": detail or {},
    }
    congresses: Iterable[Congress | None]
    if congress is not None:
        congresses = [congress]
    elif user is not None:
        with scopes_disabled():  # a person's event belongs to each congress they are in
            ids = list(
                Membership.objects.filter(user=user).values_list("congress_id", flat=True)
            )
        congresses = [Congress(pk=pk) for pk in ids] or [None]
    else:
        congresses = [None]
    with scopes_disabled():  # writing explicit congresses, which may not be the active scope
        return AuditEvent.objects.bulk_create(
            [AuditEvent(congress=item, **fields) for item in congresses]
        )
