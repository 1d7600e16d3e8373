"""Telling people things: one call records an in-app notice and hands it to the other channels.

The in-app notice (the bell) is always kept. Further channels (SMS, WeChat) are classes named
in the LVZHI_NOTIFICATION_CHANNELS setting; each gets the saved Notification and may send it.

Plugging in a real SMS provider: subclass `SmsChannel`, implement `deliver(phone=, text=)` with
the provider's client (its signature and template rules go in `compose` if they differ), and
name the class in the setting, e.g.
``LVZHI_NOTIFICATION_CHANNELS=yourpackage.sms.ProviderSmsChannel``. `LogSmsChannel` does the
same without a provider: it writes each text it would send to the "lvzhi.sms" log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from congress.masking import MASK, mask_phone
from congress.models import Congress, Notification, User

logger = logging.getLogger(__name__)
sms_logger = logging.getLogger("lvzhi.sms")


class NotificationChannel:
    """A way out besides the bell. `send` runs after the notice is committed."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


def channels() -> list[NotificationChannel]:
    return [import_string(path)() for path in settings.LVZHI_NOTIFICATION_CHANNELS]


def notify(
    *,
    congress: Congress,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Record a notice for `user`; with a `dedupe_key` already used for them, do nothing.

    Returns the new notice, or None when it was a duplicate.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                congress=congress,
                user=user,
                kind=kind,
                title=title[:200],
                body=body[:500],
                url=url[:300],
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    for channel in channels():
        transaction.on_commit(lambda channel=channel: _send_safely(channel, notification))
    return notification


@dataclass(frozen=True)
class Notice:
    """One notice for `notify_many`: what `notify` takes, less the congress."""

    user: User
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""


# How many keys one "already sent?" query asks about.
KEY_BATCH = 500


def notify_many(*, congress: Congress, notices: Iterable[Notice]) -> list[Notification]:
    """Record many notices at once, as `notify` would one by one, in a few statements.

    A notice whose key its user already has (from before, or earlier in `notices`) is skipped.
    Returns the new notices. Should another sender record one of the same keys meanwhile, the
    batch falls back to `notify` per notice, which skips the duplicates one at a time.
    """
    notices = list(notices)
    keys = sorted({notice.dedupe_key for notice in notices if notice.dedupe_key})
    seen: set[tuple[int, str]] = set()
    for start in range(0, len(keys), KEY_BATCH):
        seen.update(
            Notification.objects.filter(
                congress=congress, dedupe_key__in=keys[start : start + KEY_BATCH]
            ).values_list("user_id", "dedupe_key")
        )
    fresh: list[Notice] = []
    for notice in notices:
        if notice.dedupe_key:
            key = (notice.user.pk, notice.dedupe_key)
            if key in seen:
                continue
            seen.add(key)
        fresh.append(notice)
    if not fresh:
        return []
    rows = [
        Notification(
            congress=congress,
            user=notice.user,
            kind=notice.kind,
            title=notice.title[:200],
            body=notice.body[:500],
            url=notice.url[:300],
            dedupe_key=notice.dedupe_key,
        )
        for notice in fresh
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        created = []
        for notice in fresh:
            one = notify(
                congress=congress,
                user=notice.user,
                kind=notice.kind,
                title=notice.title,
                body=notice.body,
                url=notice.url,
                dedupe_key=notice.dedupe_key,
            )
            if one is not None:
                created.append(one)
        return created
    for channel in channels():
        for notification in created:
            transaction.on_commit(
                lambda channel=channel, notification=notification: _send_safely(
                    channel, notification
                )
            )
    return created


def _send_safely(channel: NotificationChannel, notification: Notification) -> None:
    # The notice is already saved and the request that caused it already succeeded: a gateway
    # that is down must cost neither, so its failure is only logged.
    try:
        channel.send(notification)
    except Exception:
        logger.exception(
            "Notification channel %s failed for notification %s",
            type(channel).__name__,
            notification.pk,
        )


# --- SMS ------------------------------------------------------------------------------------


def masked_phone(phone: str) -> str:
    """139****0001: enough to tell numbers apart in a log, not enough to call."""
    return mask_phone(phone) or MASK


class SmsChannel(NotificationChannel):
    """Sends a notice as a text message to the user's mobile number through a provider.

    Subclasses implement `deliver`. Users without a mobile number are skipped; `kinds`, when
    set, limits the texts (which cost money) to those kinds of notice.
    """

    # One Chinese text message is 70 characters; longer ones are billed as several.
    max_length = 70
    kinds: frozenset[str] | None = None

    def send(self, notification: Notification) -> None:
        if self.kinds is not None and notification.kind not in self.kinds:
            return
        phone = notification.user.phone
        if not phone:
            return
        self.deliver(phone=phone, text=self.compose(notification))

    def compose(self, notification: Notification) -> str:
        text = notification.title
        if notification.body:
            text = f"{text}：{notification.body}"
        if len(text) > self.max_length:
            text = text[: self.max_length - 1] + "…"
        return text

    def deliver(self, *, phone: str, text: str) -> None:
        raise NotImplementedError("An SMS channel must implement deliver() for its provider.")


class LogSmsChannel(SmsChannel):
    """Writes each text it would send to the "lvzhi.sms" log: for trials, before a provider."""

    def deliver(self, *, phone: str, text: str) -> None:
        sms_logger.info("SMS to %s: %s", masked_phone(phone), text)


# --- The bell -------------------------------------------------------------------------------


def safe_link(url: str) -> str:
    """The notice's link if it stays on this site (a relative path), else an empty string."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return ""
    return url


def notification_list(*, user: User) -> QuerySet[Notification]:
    """A member's own notices in the active congress, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notices read (reading it again changes nothing)."""
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark all of the actor's unread notices in the active congress read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
