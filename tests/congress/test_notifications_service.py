"""notify(): one in-app notice per call, never twice for the same key, handed to the channels."""

from __future__ import annotations

from congress.models import Notification, Role
from congress.notifications import NotificationChannel, notify

SENT = []


class RecordingChannel(NotificationChannel):
    def send(self, notification):
        SENT.append(notification.title)


def test_notify_records_once_per_key_and_sends_after_commit(
    tenant_a, settings, django_capture_on_commit_callbacks
):
    settings.LVZHI_NOTIFICATION_CHANNELS = [f"{__name__}.RecordingChannel"]
    SENT.clear()
    user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope(), django_capture_on_commit_callbacks(execute=True):
        first = notify(
            congress=tenant_a.congress, user=user, kind="message", title="新留言", dedupe_key="m:1"
        )
        again = notify(
            congress=tenant_a.congress, user=user, kind="message", title="新留言", dedupe_key="m:1"
        )
        other = notify(congress=tenant_a.congress, user=user, kind="message", title="另一条")
    assert first is not None and again is None and other is not None
    with tenant_a.scope():
        assert list(Notification.objects.values_list("title", flat=True)) == ["另一条", "新留言"]
    assert SENT == ["新留言", "另一条"]
