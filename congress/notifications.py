"""Telling people things: one call records an in-app notice and hands it to the other channels.

The in-app notice (the bell) is always kept. Further channels (SMS, WeChat) are classes named
in the LVZHI_NOTIFICATION_CHANNELS setting; each gets the saved Notification and may send it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from congress.models import Congress, Notification, User


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
        transaction.on_commit(lambda channel=channel: channel.send(notification))
    return notification
