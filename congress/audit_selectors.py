"""Reads of the audit log (searching a congress's events a page at a time) and of lockouts."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from congress.audit import AuditAction
from congress.models import AuditEvent, Congress, Membership

PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class AuditSearch:
    """What the auditor searches by; every field may be empty."""

    date_from: date | None = None
    date_to: date | None = None
    account: str = ""
    action: str = ""
    success: bool | None = None
    text: str = ""

    def as_options(self) -> dict:
        """JSON-able, for an export's options."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "account": self.account,
            "action": self.action,
            "success": "" if self.success is None else ("yes" if self.success else "no"),
            "text": self.text,
        }

    @classmethod
    def from_options(cls, options: dict) -> AuditSearch:
        success = options.get("success", "")
        return cls(
            date_from=date.fromisoformat(options["date_from"])
            if options.get("date_from")
            else None,
            date_to=date.fromisoformat(options["date_to"]) if options.get("date_to") else None,
            account=options.get("account", ""),
            action=options.get("action", "") if options.get("action") in AuditAction.values else "",
            success=None if success not in ("yes", "no") else success == "yes",
            text=options.get("text", ""),
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_search(*, search: AuditSearch) -> QuerySet[AuditEvent]:
    """The active congress's events matching the search, newest first.

    Each filter keeps to the table's indexes where it can: the congress and time always, the
    action or the account when given. The free text (summary, object id, address) is read only
    within what the other filters leave.
    """
    events = AuditEvent.objects.select_related("user")
    if search.date_from:
        events = events.filter(created_at__gte=_day_start(search.date_from))
    if search.date_to:
        events = events.filter(created_at__lt=_day_start(search.date_to + timedelta(days=1)))
    if search.action:
        events = events.filter(action=search.action)
    if search.success is not None:
        events = events.filter(success=search.success)
    if search.account:
        # A member of this congress by account name, mobile number or name; else the name as
        # typed (a failed sign-in names an account that may not exist).
        user_ids = list(
            Membership.objects.filter(
                Q(user__username=search.account)
                | Q(user__phone=search.account)
                | Q(user__full_name=search.account)
            ).values_list("user_id", flat=True)
        )
        if user_ids:
            events = events.filter(user_id__in=user_ids)
        else:
            events = events.filter(username=search.account)
    if search.text:
        text = Q(summary__icontains=search.text) | Q(target_id=search.text)
        if _is_address(search.text):
            text |= Q(ip_address=search.text)
        events = events.filter(text)
    return events.order_by("-created_at", "-id")


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# --- Keyset pages: the next page starts after the last row seen, never at an OFFSET ---------


def encode_cursor(event: AuditEvent) -> str:
    return f"{(event.created_at - _EPOCH) // _MICROSECOND}.{event.pk}"


def decode_cursor(value: str) -> tuple[datetime, int] | None:
    micro, _dot, pk = (value or "").partition(".")
    if not micro.lstrip("-").isdigit() or not pk.isdigit():
        return None
    try:
        return _EPOCH + int(micro) * _MICROSECOND, int(pk)
    except OverflowError:
        return None


@dataclass
class AuditPage:
    events: list[AuditEvent]
    newer: str  # cursor for the page before (newer events), empty on the first page
    older: str  # cursor for the page after (older events), empty on the last page


def audit_event_page(
    events: QuerySet[AuditEvent], *, before: str = "", after: str = "", size: int = PAGE_SIZE
) -> AuditPage:
    """One page of `events` (newest first): the first page, the one older than `before`, or
    the one newer than `after`. Costs the same on page 1 and page 20,000, and counts nothing."""
    newer_than = decode_cursor(after)
    older_than = decode_cursor(before)
    if newer_than is not None:
        moment, pk = newer_than
        rows = list(
            events.filter(Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk)).order_by(
                "created_at", "id"
            )[: size + 1]
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return AuditPage(
            events=rows,
            newer=encode_cursor(rows[0]) if rows and more_newer else "",
            older=encode_cursor(rows[-1]) if rows else before,
        )
    if older_than is not None:
        moment, pk = older_than
        events = events.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(events[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return AuditPage(
        events=rows,
        newer=encode_cursor(rows[0]) if rows and older_than is not None else "",
        older=encode_cursor(rows[-1]) if rows and more_older else "",
    )


def audit_rows(events: QuerySet[AuditEvent], *, chunk: int = 2000):
    """Every event of the search, streamed from the database for an export."""
    return events.iterator(chunk_size=chunk)


# --- Locked accounts ------------------------------------------------------------------------


@dataclass
class LockedAccount:
    membership: Membership
    names: list[str]  # the names the failures were typed under (account name, mobile number)
    failures: int
    last_failure: datetime
    unlocks_at: datetime | None


def locked_accounts(*, congress: Congress) -> list[LockedAccount]:
    """Members of the congress whose account is locked now after failed sign-ins.

    Lockouts are per typed account name (username or mobile), across the whole platform;
    only the ones naming this congress's members are shown to its security administrator.
    """
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    cooloff = settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.exclude(username=None)
    if isinstance(cooloff, timedelta):
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cooloff)
    rows = {
        row["username"]: row
        for row in attempts.values("username")
        .annotate(failures=Max("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    }
    if not rows:
        return []
    members = (
        Membership.objects.filter(congress=congress)
        .filter(Q(user__username__in=rows) | Q(user__phone__in=rows))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    found = []
    for member in members:
        names = [name for name in (member.user.username, member.user.phone) if name in rows]
        last = max(rows[name]["last"] for name in names)
        found.append(
            LockedAccount(
                membership=member,
                names=names,
                failures=max(rows[name]["failures"] for name in names),
                last_failure=last,
                unlocks_at=last + cooloff if isinstance(cooloff, timedelta) else None,
            )
        )
    return found


# --- The auditor's and the security administrator's overviews -------------------------------


def audit_overview(*, hours: int = 24) -> dict:
    """For the auditor's home page: the last day's failures and lockouts, and the newest events."""
    since = timezone.now() - timedelta(hours=hours)
    counts = AuditEvent.objects.filter(created_at__gte=since).aggregate(
        failed_sign_ins=Count("pk", filter=Q(action=AuditAction.SIGN_IN_FAILED)),
        lockouts=Count("pk", filter=Q(action=AuditAction.LOCKED_OUT)),
        permission_changes=Count(
            "pk",
            filter=Q(
                action__in=[
                    AuditAction.ROLE_CHANGED,
                    AuditAction.MEMBER_CHANGED,
                    AuditAction.MEMBER_CREATED,
                ]
            ),
        ),
    )
    return {**counts, "latest_events": list(AuditEvent.objects.order_by("-created_at", "-id")[:8])}


def password_policy(*, congress) -> dict:
    """The password rules of the congress and the platform's sign-in rules, in words."""
    from django.contrib.auth.password_validation import get_default_password_validators

    from congress.password_validation import CharacterClassesValidator, MinimumLengthValidator

    rules = []
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            rules.append(validator.message(max(validator.min_length, congress.password_min_length)))
        elif isinstance(validator, CharacterClassesValidator):
            rules.append(
                validator.message(max(validator.min_classes, congress.password_min_classes))
            )
        else:
            rules.append(validator.get_help_text())
    cooloff = settings.AXES_COOLOFF_TIME
    return {
        "rules": rules,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(cooloff.total_seconds() // 60)
        if isinstance(cooloff, timedelta)
        else None,
        "idle_minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60),
        "retention_days": settings.LVZHI_AUDIT_RETENTION_DAYS,
    }
