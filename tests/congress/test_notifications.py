"""The bell: a member's own notices, opening and marking them read, the API, and the channels."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Notification, Role
from congress.notifications import (
    LogSmsChannel,
    NotificationChannel,
    SmsChannel,
    notification_mark_read,
    notify,
    safe_link,
)
from tests.factories import NotificationFactory


def page_url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/notifications/{suffix}"


def api_url(tenant, suffix=""):
    return f"/api/v1/c/{tenant.congress.slug}/notifications/{suffix}"


def notice(tenant, role=Role.DEPUTY, *, user=None, age_minutes=0, read=False, **fields):
    with scopes_disabled():  # test setup
        notification = NotificationFactory(
            congress=tenant.congress, user=user or tenant.user(role), **fields
        )
        updates = {"created_at": timezone.now() - timedelta(minutes=age_minutes)}
        if read:
            updates["read_at"] = timezone.now()
        Notification.objects.filter(pk=notification.pk).update(**updates)
        notification.refresh_from_db()
        return notification


# --- The bell -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_member_sees_the_bell_with_their_unread_count(role, tenant_a, client_as):
    notice(tenant_a, role, title="一")
    notice(tenant_a, role, title="二")
    notice(tenant_a, role, title="已读", read=True)
    notice(tenant_a, Role.LEADER if role != Role.LEADER else Role.DEPUTY, title="别人的")
    body = client_as(tenant_a.user(role)).get(f"/c/{tenant_a.congress.slug}/").content.decode()
    assert f'href="{page_url(tenant_a)}"' in body
    assert 'aria-label="通知：2条未读"' in body
    assert '<span class="bell-count" aria-hidden="true">2</span>' in body
    assert "<svg" in body


def test_the_bell_without_unread_notices_has_no_count(tenant_a, client_as):
    notice(tenant_a, Role.DEPUTY, read=True)
    body = client_as(tenant_a.user(Role.DEPUTY)).get(page_url(tenant_a)).content.decode()
    assert 'aria-label="通知"' in body
    assert "bell-count" not in body


def test_the_bell_counts_at_most_99(tenant_a, client_as):
    with scopes_disabled():  # test setup
        NotificationFactory.create_batch(
            100, congress=tenant_a.congress, user=tenant_a.user(Role.DEPUTY)
        )
    body = client_as(tenant_a.user(Role.DEPUTY)).get(page_url(tenant_a)).content.decode()
    assert '<span class="bell-count" aria-hidden="true">99+</span>' in body


def test_no_bell_outside_a_congress(tenant_a, client_as):
    body = client_as(tenant_a.user(Role.DEPUTY)).get("/accounts/password/").content.decode()
    assert "bell" not in body


def test_the_bell_counts_only_this_congress(tenant_a, tenant_b, client_as):
    """One person in two congresses: each congress's bell counts its own notices."""
    user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        from tests.factories import MembershipFactory

        MembershipFactory(congress=tenant_b.congress, user=user, role=Role.DEPUTY)
    notice(tenant_a, user=user)
    notice(tenant_b, user=user)
    notice(tenant_b, user=user)
    client = client_as(user)
    assert 'aria-label="通知：1条未读"' in client.get(page_url(tenant_a)).content.decode()
    assert 'aria-label="通知：2条未读"' in client.get(page_url(tenant_b)).content.decode()


# --- The notifications page -----------------------------------------------------------------


def test_the_page_lists_own_notices_newest_first_with_unread_marked(tenant_a, tenant_b, client_as):
    old = notice(tenant_a, title="上周的接待日提醒", age_minutes=60 * 24 * 7, read=True)
    new = notice(tenant_a, title="新的选民留言", body="小区门口路灯坏了", age_minutes=5)
    notice(tenant_a, Role.COMMITTEE_STAFF, title="工作人员的通知")
    notice(tenant_b, Role.DEPUTY, title="另一个常委会的通知")
    response = client_as(tenant_a.user(Role.DEPUTY)).get(page_url(tenant_a))
    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [new.pk, old.pk]
    body = response.content.decode()
    assert body.index("新的选民留言") < body.index("上周的接待日提醒")
    assert "小区门口路灯坏了" in body
    assert "工作人员的通知" not in body and "另一个常委会的通知" not in body
    assert body.count('<span class="status status-unread">未读</span>') == 1
    assert body.count(">标为已读</button>") == 1
    assert "全部标为已读" in body


def test_an_empty_page_says_so(tenant_a, client_as):
    body = client_as(tenant_a.user(Role.LEADER)).get(page_url(tenant_a)).content.decode()
    assert "您还没有通知。" in body
    assert "全部标为已读" not in body


def test_only_same_site_links_are_followed(tenant_a, client_as):
    local = notice(tenant_a, title="站内", url=f"/c/{tenant_a.congress.slug}/messages/1/")
    foreign = notice(tenant_a, title="站外", url="https://evil.example/steal")
    sneaky = notice(tenant_a, title="协议相对", url="//evil.example/steal")
    client = client_as(tenant_a.user(Role.DEPUTY))
    body = client.get(page_url(tenant_a)).content.decode()
    assert 'href="https://evil.example' not in body and 'href="//evil.example' not in body
    assert "https://evil.example/steal" in body  # shown as text

    response = client.get(page_url(tenant_a, f"{local.pk}/open/"))
    assert response.status_code == 302
    assert response["Location"] == local.url
    for notification in (foreign, sneaky):
        response = client.get(page_url(tenant_a, f"{notification.pk}/open/"))
        assert response.status_code == 200
        text = response.content.decode()
        assert notification.url in text and f'href="{notification.url}"' not in text
    with tenant_a.scope():
        assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("/c/xiangcheng/messages/3/", "/c/xiangcheng/messages/3/"),
        ("", ""),
        ("c/xiangcheng/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("https://evil.example/", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_safe_link(url, safe):
    assert safe_link(url) == safe


def test_opening_a_notice_marks_it_read(tenant_a, client_as):
    notification = notice(tenant_a, title="明天您在城关站接待选民")
    response = client_as(tenant_a.user(Role.DEPUTY)).get(
        page_url(tenant_a, f"{notification.pk}/open/")
    )
    assert response.status_code == 200
    assert "明天您在城关站接待选民" in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_as_read_keeps_the_page(tenant_a, client_as):
    notification = notice(tenant_a)
    other = notice(tenant_a)
    response = client_as(tenant_a.user(Role.DEPUTY)).post(
        page_url(tenant_a, f"{notification.pk}/read/"), {"page": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(tenant_a) + "?page=2"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None and other.read_at is None


def test_mark_one_as_read_is_post_only(tenant_a, client_as):
    notification = notice(tenant_a)
    response = client_as(tenant_a.user(Role.DEPUTY)).get(
        page_url(tenant_a, f"{notification.pk}/read/")
    )
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_touches_only_own_notices_in_this_congress(tenant_a, tenant_b, client_as):
    mine = [notice(tenant_a), notice(tenant_a)]
    someone_elses = notice(tenant_a, Role.COMMITTEE_STAFF)
    elsewhere = notice(tenant_b, Role.DEPUTY)
    client = client_as(tenant_a.user(Role.DEPUTY))
    response = client.post(page_url(tenant_a, "read-all/"))
    assert response.status_code == 302
    for notification in mine:
        notification.refresh_from_db()
        assert notification.read_at is not None
    for notification in (someone_elses, elsewhere):
        notification.refresh_from_db()
        assert notification.read_at is None
    page = client.get(response["Location"])
    assert "已将2条通知标为已读。" in page.content.decode()


@pytest.mark.parametrize("action", ["open/", "read/"])
def test_another_members_notice_is_not_found(action, tenant_a, client_as):
    theirs = notice(tenant_a, Role.COMMITTEE_STAFF)
    client = client_as(tenant_a.user(Role.DEPUTY))
    assert client.get(page_url(tenant_a, f"{theirs.pk}/{action}")).status_code == 404
    assert client.post(page_url(tenant_a, f"{theirs.pk}/{action}")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_is_paged_with_a_fixed_number_of_queries(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.DEPUTY))
    for _n in range(3):
        notice(tenant_a, url="https://elsewhere.example/")
    client.get(page_url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        response = client.get(page_url(tenant_a))
    assert len(response.context["notifications"]) == 3
    with scopes_disabled():  # test setup
        NotificationFactory.create_batch(
            45, congress=tenant_a.congress, user=tenant_a.user(Role.DEPUTY)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url(tenant_a), {"page": 2})
    assert len(response.context["notifications"]) == 18
    assert len(many) == len(few)


def test_the_page_fits_a_phone(tenant_a, client_as):
    notice(tenant_a)
    body = client_as(tenant_a.user(Role.DEPUTY)).get(page_url(tenant_a)).content.decode()
    assert 'name="viewport"' in body
    assert "css/notifications.css" in body
    assert 'style="' not in body and "<script>" not in body


# --- The service ----------------------------------------------------------------------------


def test_marking_someone_elses_notice_is_refused(tenant_a):
    from django.core.exceptions import PermissionDenied

    theirs = notice(tenant_a, Role.COMMITTEE_STAFF)
    with tenant_a.scope(), pytest.raises(PermissionDenied):
        notification_mark_read(actor=tenant_a.user(Role.DEPUTY), notification=theirs)


def test_reading_again_keeps_the_first_time(tenant_a):
    notification = notice(tenant_a, read=True)
    first = notification.read_at
    with tenant_a.scope():
        notification_mark_read(actor=tenant_a.user(Role.DEPUTY), notification=notification)
    notification.refresh_from_db()
    assert notification.read_at == first


# --- The API --------------------------------------------------------------------------------


def test_the_api_lists_own_notices(tenant_a, tenant_b, client_as):
    read = notice(tenant_a, title="旧", age_minutes=10, read=True)
    unread = notice(tenant_a, title="新", url="https://evil.example/")
    notice(tenant_a, Role.COMMITTEE_STAFF, title="别人的")
    notice(tenant_b, Role.DEPUTY, title="别处的")
    client = client_as(tenant_a.user(Role.DEPUTY))
    data = client.get(api_url(tenant_a)).json()
    assert data["count"] == 2
    assert [item["id"] for item in data["results"]] == [unread.pk, read.pk]
    first = data["results"][0]
    assert first["title"] == "新" and first["is_read"] is False
    assert first["url"] == "https://evil.example/" and first["link"] == ""
    only_unread = client.get(api_url(tenant_a), {"unread": "true"}).json()
    assert [item["id"] for item in only_unread["results"]] == [unread.pk]
    only_read = client.get(api_url(tenant_a), {"unread": "false"}).json()
    assert [item["id"] for item in only_read["results"]] == [read.pk]


def test_the_api_marks_one_and_all_read(tenant_a, client_as):
    first, second, third = notice(tenant_a), notice(tenant_a), notice(tenant_a)
    client = client_as(tenant_a.user(Role.DEPUTY))
    response = client.post(api_url(tenant_a, f"{first.pk}/read/"))
    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    response = client.post(api_url(tenant_a, "read-all/"))
    assert response.json() == {"marked": 2}
    for notification in (second, third):
        notification.refresh_from_db()
        assert notification.read_at is not None
    assert client.post(api_url(tenant_a, "read-all/")).json() == {"marked": 0}


def test_the_api_does_not_show_another_members_notice(tenant_a, client_as):
    theirs = notice(tenant_a, Role.COMMITTEE_STAFF)
    client = client_as(tenant_a.user(Role.DEPUTY))
    assert client.post(api_url(tenant_a, f"{theirs.pk}/read/")).status_code == 404
    assert client.get(api_url(tenant_a, f"{theirs.pk}/read/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    mine = notice(tenant_a)
    assert client.get(api_url(tenant_a, f"{mine.pk}/read/")).status_code == 405


# --- Channels -------------------------------------------------------------------------------


class FailingChannel(NotificationChannel):
    def send(self, notification):
        raise ConnectionError("短信网关无响应")


class CheapSmsChannel(LogSmsChannel):
    kinds = frozenset({"reception-tomorrow"})


def test_a_channel_named_in_the_setting_gets_the_notice_after_commit(
    tenant_a, settings, caplog, django_capture_on_commit_callbacks
):
    settings.LVZHI_NOTIFICATION_CHANNELS = ["congress.notifications.LogSmsChannel"]
    user = tenant_a.user(Role.DEPUTY)
    caplog.set_level(logging.INFO, logger="lvzhi.sms")
    with tenant_a.scope(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            congress=tenant_a.congress,
            user=user,
            kind="reception-tomorrow",
            title="明天您在城关站接待选民",
            body="时间：11月22日 09:00–11:30；地址：城关镇人民路1号。",
        )
    assert not [r for r in caplog.records if r.name == "lvzhi.sms"]  # nothing before the commit
    for callback in callbacks:
        callback()
    [record] = [r for r in caplog.records if r.name == "lvzhi.sms"]
    message = record.getMessage()
    assert f"{user.phone[:3]}****{user.phone[-4:]}" in message
    assert user.phone not in message
    assert "明天您在城关站接待选民：时间：11月22日" in message


def test_a_failing_channel_loses_no_notice_and_breaks_nothing(
    tenant_a, settings, caplog, django_capture_on_commit_callbacks
):
    settings.LVZHI_NOTIFICATION_CHANNELS = [
        f"{__name__}.FailingChannel",
        "congress.notifications.LogSmsChannel",
    ]
    caplog.set_level(logging.INFO)
    with tenant_a.scope(), django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            congress=tenant_a.congress, user=tenant_a.user(Role.DEPUTY), kind="x", title="新留言"
        )
    with tenant_a.scope():
        assert Notification.objects.filter(pk=notification.pk, title="新留言").exists()
    failures = [r for r in caplog.records if r.name == "congress.notifications"]
    assert failures and "FailingChannel" in failures[0].getMessage()
    assert failures[0].exc_info[0] is ConnectionError
    # The next channel still sent its text.
    assert [r for r in caplog.records if r.name == "lvzhi.sms"]


def test_sms_skips_people_without_a_number_and_kinds_not_chosen(tenant_a, caplog):
    caplog.set_level(logging.INFO, logger="lvzhi.sms")
    no_phone = notice(tenant_a, Role.LEADER)
    no_phone.user.phone = ""
    CheapSmsChannel().send(no_phone)
    CheapSmsChannel().send(notice(tenant_a, kind="voter-message-new"))
    assert not caplog.records
    CheapSmsChannel().send(notice(tenant_a, kind="reception-tomorrow"))
    assert len(caplog.records) == 1


def test_a_long_sms_is_cut_to_one_message(tenant_a):
    notification = notice(tenant_a, title="选民留言将于10月8日到期：城建交通", body="路灯" * 80)
    text = LogSmsChannel().compose(notification)
    assert len(text) == 70 and text.endswith("…")
    assert text.startswith("选民留言将于10月8日到期：城建交通：路灯")


def test_an_sms_channel_must_say_how_it_delivers(tenant_a):
    with pytest.raises(NotImplementedError):
        SmsChannel().send(notice(tenant_a))
