"""notify(): one in-app notice per call, never twice for the same key, handed to the channels."""

from __future__ import annotations

from congress.models import Notification, Role
from congress.notifications import Notice, NotificationChannel, notify, notify_many

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


def test_notify_many_skips_keys_already_used_and_sends_each_new_notice(
    tenant_a, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.LVZHI_NOTIFICATION_CHANNELS = [f"{__name__}.RecordingChannel"]
    SENT.clear()
    first, second = tenant_a.user(Role.DEPUTY), tenant_a.user(Role.STATION_STAFF)
    with tenant_a.scope():
        notify(congress=tenant_a.congress, user=first, kind="k", title="旧", dedupe_key="w:1")
    with tenant_a.scope(), django_capture_on_commit_callbacks(execute=True):
        notices = [
            Notice(user=first, kind="k", title="重复", dedupe_key="w:1"),
            Notice(user=second, kind="k", title="新一", dedupe_key="w:1"),
            Notice(user=second, kind="k", title="同批重复", dedupe_key="w:1"),
            Notice(user=first, kind="k", title="无键", body="正文" * 300),
        ] + [
            Notice(user=second, kind="k", title=f"第{n}条", dedupe_key=f"n:{n}") for n in range(50)
        ]
        with django_assert_max_num_queries(4):
            created = notify_many(congress=tenant_a.congress, notices=notices)
    assert [notice.title for notice in created[:2]] == ["新一", "无键"]
    assert len(created) == 52 and all(notice.pk for notice in created)
    assert [notice.title for notice in created] == SENT
    with tenant_a.scope():
        assert Notification.objects.filter(user=first).count() == 2
        assert Notification.objects.filter(user=second).count() == 51
        assert len(Notification.objects.get(title="无键").body) == 500
        assert notify_many(congress=tenant_a.congress, notices=notices[1:2]) == []


def test_notify_many_falls_back_to_one_by_one_when_a_key_appears_meanwhile(tenant_a, monkeypatch):
    user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        # Another sender records the key between our check and our insert.
        real_filter = Notification.objects.filter

        def filter_then_race(*args, **kwargs):
            result = list(real_filter(*args, **kwargs).values_list("user_id", "dedupe_key"))
            notify(congress=tenant_a.congress, user=user, kind="k", title="先到", dedupe_key="r:1")
            return _Rows(result)

        monkeypatch.setattr(Notification.objects, "filter", filter_then_race)
        created = notify_many(
            congress=tenant_a.congress,
            notices=[
                Notice(user=user, kind="k", title="后到", dedupe_key="r:1"),
                Notice(user=user, kind="k", title="另一条", dedupe_key="r:2"),
            ],
        )
        monkeypatch.undo()
        assert [notice.title for notice in created] == ["另一条"]
        assert sorted(Notification.objects.values_list("title", flat=True)) == ["先到", "另一条"]


class _Rows(list):
    def values_list(self, *fields):
        return self
