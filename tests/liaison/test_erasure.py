"""Erasing a voter's personal data on request: from the message, its history, its photos and the
notices that quoted it; the statistics unchanged, the audit log told, the rights checked."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from congress.audit import AuditAction
from congress.errors import DomainError
from congress.models import AuditEvent, Notification, Role
from liaison import message_selectors as selectors
from liaison import message_services as services
from liaison.models import MessageSource, VoterMessage, VoterMessageEvent, VoterMessagePhoto
from tests.factories import (
    DeputyFactory,
    LiaisonStationFactory,
    MembershipFactory,
    StationDeputyFactory,
    StationStaffFactory,
    VoterMessageFactory,
)

PHONE = "13912345678"
NAME = "王阿姨"


class Messages:
    """Two messages from the same number (one at the staff's station, one elsewhere), a third
    from another voter, a photo, a notice quoting the text and a staff note naming the voter."""

    def __init__(self, tenant):
        congress = tenant.congress
        self.tenant = tenant
        self.home = LiaisonStationFactory(congress=congress, name="真武山街道人大代表之家")
        self.village = LiaisonStationFactory(congress=congress, name="卧龙镇人大代表联络站")
        self.station_staff = tenant.user(Role.STATION_STAFF)
        StationStaffFactory(station=self.home, user=self.station_staff)
        self.deputy = DeputyFactory(congress=congress, user=tenant.user(Role.DEPUTY))
        StationDeputyFactory(station=self.home, deputy=self.deputy)
        self.other_deputy = DeputyFactory(congress=congress)
        StationDeputyFactory(station=self.village, deputy=self.other_deputy)
        staff = tenant.user(Role.COMMITTEE_STAFF)
        self.message = services.voter_message_register_visit(
            actor=staff,
            congress=congress,
            station=self.home,
            deputy=self.deputy,
            topic="urban",
            text=f"路灯坏了，我叫{NAME}，电话{PHONE}。",
            voter_name=NAME,
            voter_phone=PHONE,
            consent_confirmed=True,
        )
        services.voter_message_answer(
            actor=tenant.user(Role.DEPUTY),
            message=self.message,
            answer=f"{NAME}您好，路灯已报修。",
        )
        VoterMessageEvent.objects.create(
            congress=congress,
            message=self.message,
            from_status="answered",
            to_status="answered",
            actor=staff,
            note=f"已电话联系{NAME}（{PHONE}）",
        )
        self.photo = VoterMessagePhoto(congress=congress, message=self.message)
        self.photo.image.save("lamp.jpg", ContentFile(b"\xff\xd8\xff fake"), save=True)
        Notification.objects.create(
            congress=congress,
            user=staff,
            kind="message_new",
            title="新留言",
            body=self.message.text[:120],
            url=f"/c/{congress.slug}/messages/{self.message.pk}/",
        )
        self.elsewhere = VoterMessageFactory(
            congress=congress,
            deputy=self.other_deputy,
            station=self.village,
            voter_name=NAME,
            voter_phone=PHONE,
            text="村里停水。",
        )
        self.same_at_home = VoterMessageFactory(
            congress=congress,
            deputy=self.deputy,
            station=self.home,
            source=MessageSource.DEPUTY_PAGE,
            voter_phone=PHONE,
            text="又坏了。",
        )
        self.stranger = VoterMessageFactory(
            congress=congress,
            deputy=self.deputy,
            station=self.home,
            voter_name="赵先生",
            voter_phone="13800001111",
            text="积水。",
        )


@pytest.fixture
def data(tenant_a) -> Messages:
    with scopes_disabled():  # test setup
        return Messages(tenant_a)


def url(tenant, message, suffix="erase/") -> str:
    return f"/c/{tenant.congress.slug}/messages/{message.pk}/{suffix}"


def api_url(tenant, message) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/messages/{message.pk}/erase/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def everything_about(message) -> str:
    """Every stored row of the message, its history, events, photos and notices, as text."""
    with scopes_disabled():  # reading the outcome
        rows = [
            *VoterMessage.objects.filter(pk=message.pk).values(),
            *VoterMessage.history.model.objects.with_scopes_disabled()
            .filter(id=message.pk)
            .values(),
            *VoterMessageEvent.objects.filter(message_id=message.pk).values(),
            *VoterMessagePhoto.objects.filter(message_id=message.pk).values(),
            *Notification.objects.filter(url__endswith=f"/messages/{message.pk}/").values(),
        ]
    return json.dumps(rows, default=str, ensure_ascii=False)


def erasures(tenant):
    with scopes_disabled():  # reading the outcome
        return list(
            AuditEvent.objects.filter(
                congress=tenant.congress, action=AuditAction.PERSONAL_DATA_DELETED
            )
        )


def test_the_message_and_its_history_no_longer_hold_the_data(
    tenant_a, data, django_capture_on_commit_callbacks
):
    before = everything_about(data.message)
    assert PHONE in before and NAME in before
    with scopes_disabled():
        history_rows = VoterMessage.history.model.objects.with_scopes_disabled().filter(
            id=data.message.pk
        )
        assert history_rows.count() >= 2
        photo_file = VoterMessagePhoto.objects.get(pk=data.photo.pk).image.name
    assert default_storage.exists(photo_file)
    with scope(congress=tenant_a.congress):
        counts = selectors.status_counts(membership=tenant_a.members[Role.COMMITTEE_STAFF])
    # The photo's file goes when the erasure commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = login(tenant_a.user(Role.COMMITTEE_STAFF)).post(
            url(tenant_a, data.message), {"reason": "选民2026年9月1日来电要求删除"}
        )
    assert response.status_code == 302
    after = everything_about(data.message)
    assert PHONE not in after and NAME not in after and "路灯坏了" not in after
    assert "您好" not in after  # the answer named the voter
    assert not default_storage.exists(photo_file)
    with scopes_disabled():
        erased = VoterMessage.objects.get(pk=data.message.pk)
        assert VoterMessagePhoto.objects.filter(message_id=data.message.pk).count() == 0
        # The skeleton stays: status, dates, deputy, station.
        assert erased.status == "answered" and erased.deputy_id == data.deputy.pk
        assert erased.answered_at is not None and erased.station_id == data.home.pk
        assert erased.text == services.erased_text()
        # Only this message: the same voter's others stay until asked.
        assert VoterMessage.objects.get(pk=data.elsewhere.pk).voter_phone == PHONE
    with scope(congress=tenant_a.congress):
        assert selectors.status_counts(membership=tenant_a.members[Role.COMMITTEE_STAFF]) == counts
    (event,) = erasures(tenant_a)
    assert event.user == tenant_a.user(Role.COMMITTEE_STAFF)
    assert event.detail["reason"] == "选民2026年9月1日来电要求删除"
    assert event.detail["messages"] == [data.message.pk]
    assert PHONE not in json.dumps(event.detail, ensure_ascii=False)
    assert PHONE not in event.summary and NAME not in event.summary


def test_all_messages_from_the_number_within_what_the_member_handles(tenant_a, data):
    # Station staff reach their station's messages only: the one at the village stays.
    response = login(data.station_staff).post(
        url(tenant_a, data.message), {"reason": "本人到站要求删除", "same_voter": "on"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        phones = dict(VoterMessage.objects.values_list("pk", "voter_phone"))
    assert phones[data.message.pk] == "" and phones[data.same_at_home.pk] == ""
    assert phones[data.elsewhere.pk] == PHONE
    assert phones[data.stranger.pk] == "13800001111"
    (event,) = erasures(tenant_a)
    assert sorted(event.detail["messages"]) == sorted([data.message.pk, data.same_at_home.pk])
    # Committee staff reach every message: the one at the village goes too.
    login(tenant_a.user(Role.COMMITTEE_STAFF)).post(
        url(tenant_a, data.elsewhere), {"reason": "本人来电要求删除", "same_voter": "on"}
    )
    assert PHONE not in everything_about(data.elsewhere)


def test_the_confirmation_page_and_a_reason_required(tenant_a, data):
    client = login(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(url(tenant_a, data.message))
    assert page.status_code == 200
    assert page.context["same_voter_count"] == 3
    detail = client.get(url(tenant_a, data.message, suffix=""))
    assert url(tenant_a, data.message) in detail.content.decode()
    refused = client.post(url(tenant_a, data.message), {"reason": "  "})
    assert refused.status_code == 400
    assert PHONE in everything_about(data.message)
    assert erasures(tenant_a) == []


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.LEADER, Role.UNIT_LIAISON])
def test_roles_without_the_right_are_refused(tenant_a, data, role):
    client = login(tenant_a.user(role))
    assert client.get(url(tenant_a, data.message)).status_code == 403
    assert client.post(url(tenant_a, data.message), {"reason": "x"}).status_code == 403
    assert PHONE in everything_about(data.message)


def test_station_staff_of_another_station_are_refused(tenant_a, data):
    with scopes_disabled():  # test setup
        other = MembershipFactory(congress=tenant_a.congress, role=Role.STATION_STAFF).user
        StationStaffFactory(station=LiaisonStationFactory(congress=tenant_a.congress), user=other)
    response = login(other).post(url(tenant_a, data.message), {"reason": "x"})
    assert response.status_code == 403
    assert PHONE in everything_about(data.message)


def test_outsiders_get_404(tenant_a, tenant_b, outsider, data):
    assert login(outsider).get(url(tenant_a, data.message)).status_code == 404
    # Another congress's message under one's own congress's address: 404 too.
    path = f"/c/{tenant_b.congress.slug}/messages/{data.message.pk}/erase/"
    assert login(outsider).post(path, {"reason": "x"}).status_code == 404
    assert PHONE in everything_about(data.message)


def test_the_service_refuses_without_the_right(tenant_a, data):
    with scope(congress=tenant_a.congress), pytest.raises(DomainError):
        services.voter_message_erase(
            actor=tenant_a.user(Role.LEADER), message=data.message, reason="x"
        )


def test_the_api_erases_for_staff_and_refuses_others(tenant_a, data):
    def client(user):
        token, _created = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    path = api_url(tenant_a, data.message)
    refused = client(tenant_a.user(Role.DEPUTY)).post(
        path, {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    missing = client(tenant_a.user(Role.COMMITTEE_STAFF)).post(
        path, {}, content_type="application/json"
    )
    assert missing.status_code == 400
    done = client(tenant_a.user(Role.COMMITTEE_STAFF)).post(
        path, {"reason": "选民来电要求删除", "same_voter": True}, content_type="application/json"
    )
    assert done.status_code == 200
    assert sorted(done.json()["erased"]) == sorted(
        [data.message.pk, data.elsewhere.pk, data.same_at_home.pk]
    )
    assert PHONE not in everything_about(data.message)
    assert len(erasures(tenant_a)) == 1
