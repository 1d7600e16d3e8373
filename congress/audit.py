"""The audit log: recording events (sign-ins, permission changes, exports, state changes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core import checks
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

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
    PASSWORD_POLICY_CHANGED = "password_policy_changed", _("changed the password rules")
    EXPORT = "export", _("exported data")
    PERSONAL_DATA_DELETED = "personal_data_deleted", _("deleted personal data")
    STATE_CHANGED = "state_changed", _("changed a state")
    DATA_EXPORTED = "data_exported", _("exported the congress's data")


def current_request() -> HttpRequest | None:
    """The request being answered on this thread (the history middleware keeps it), if any:
    services record where a change came from without every caller passing the request."""
    return getattr(HistoricalRecords.context, "request", None)


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
    With no request given, the request being answered (if any) says where it came from.
    """
    action = AuditAction(action).value
    if request is None:
        request = current_request()
    if user is None and request is not None and _signed_in(request):
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
            ids = list(Membership.objects.filter(user=user).values_list("congress_id", flat=True))
        congresses = [Congress(pk=pk) for pk in ids] or [None]
    else:
        congresses = [None]
    with scopes_disabled():  # writing explicit congresses, which may not be the active scope
        return AuditEvent.objects.bulk_create(
            [AuditEvent(congress=item, **fields) for item in congresses]
        )


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


# --- Retention -------------------------------------------------------------------------------

# Network security law, art. 21: network logs are kept for no less than six months.
AUDIT_RETENTION_MINIMUM_DAYS = 183
AUDIT_PRUNE_BATCH = 5000


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    days = getattr(settings, "LVZHI_AUDIT_RETENTION_DAYS", None)
    if isinstance(days, bool) or not isinstance(days, int) or days < AUDIT_RETENTION_MINIMUM_DAYS:
        return [
            checks.Error(
                f"LVZHI_AUDIT_RETENTION_DAYS is {days!r}: the audit log must be kept for at "
                f"least {AUDIT_RETENTION_MINIMUM_DAYS} days (six months).",
                id="congress.E001",
            )
        ]
    return []


def _allow_pruning() -> None:
    """Lift the database's refusal to delete audit rows, for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lvzhi.audit_prune = 'on'")


def audit_prune(*, days: int | None = None, batch_size: int = AUDIT_PRUNE_BATCH) -> int:
    """Delete audit events older than the retention period; returns how many.

    The only way rows leave the log. Batches keep each transaction (and its locks) short on a
    log of millions of rows; each batch lifts the database trigger for itself alone.
    """
    days = settings.LVZHI_AUDIT_RETENTION_DAYS if days is None else days
    if days < AUDIT_RETENTION_MINIMUM_DAYS:
        raise ValueError(f"The audit log is kept at least {AUDIT_RETENTION_MINIMUM_DAYS} days.")
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    # Retention is one rule for every congress's log and for events with no congress.
    with scopes_disabled():
        while True:
            with transaction.atomic():
                _allow_pruning()
                ids = list(
                    AuditEvent.objects.filter(created_at__lt=cutoff)
                    .order_by("created_at")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    return deleted
                count, _by_model = AuditEvent.objects.filter(pk__in=ids).delete()
                deleted += count


@shared_task(name="congress.audit.prune_audit_log")
def prune_audit_log() -> int:
    """The nightly retention job (congress.schedules)."""
    return audit_prune()
