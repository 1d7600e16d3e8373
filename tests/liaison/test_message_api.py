"""Voter message API: each member's list and detail, filters, the actions, and clear errors."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from congress.models import Role
from liaison.models import MessageStatus, VoterMessage
from tests.factories import HandlingUnitFactory, VoterMessageFactory
from tests.liaison.test_messages import World


def api(tenant, path=""):
    return f"/api/v1/c/{tenant.congress.slug}/messages/{path}"


def token_client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


@pytest.fixture
def world(tenant_a):
    with scopes_disabled():  # test setup
        return World(tenant_a)


def codes(response) -> set[str]:
    return {row["tracking_code"] for row in response.json()["results"]}


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COMMITTEE_STAFF, {"to_mine", "walk_in", "to_other", "at_unit"}),
        (Role.STATION_STAFF, {"to_mine", "walk_in"}),
        (Role.DEPUTY, {"to_mine"}),
        (Role.UNIT_LIAISON, {"at_unit"}),
    ],
)
def test_each_member_lists_what_they_reach(tenant_a, world, role, expected):
    response = token_client(tenant_a.user(role)).get(api(tenant_a))
    assert response.status_code == 200
    assert ids(response) == {getattr(world, name).pk for name in expected}


def test_leaders_are_refused(tenant_a, world):
    response = token_client(tenant_a.user(Role.LEADER)).get(api(tenant_a))
    assert response.status_code == 403


def test_filters_by_status_topic_and_overdue(tenant_a, world):
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_other.pk).update(
            due_on=timezone.localdate() - timedelta(days=2)
        )
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    assert codes(client.get(api(tenant_a), {"status": "forwarded"})) == {
        world.at_unit.tracking_code
    }
    assert codes(client.get(api(tenant_a), {"topic": "governance"})) == {
        world.walk_in.tracking_code
    }
    assert codes(client.get(api(tenant_a), {"overdue": "true"})) == {world.to_other.tracking_code}
    assert len(codes(client.get(api(tenant_a), {"overdue": "false"}))) == 3
    bad = client.get(api(tenant_a), {"status": "lost"})
    assert bad.status_code == 400


def test_the_list_row(tenant_a, world):
    response = token_client(tenant_a.user(Role.COMMITTEE_STAFF)).get(
        api(tenant_a), {"status": "forwarded"}
    )
    (row,) = response.json()["results"]
    assert row["status_display"] == "已转交"
    assert row["topic_display"] == "城建交通"
    assert row["forwarded_to_unit"] == {"id": world.unit.pk, "name": "襄城区城市管理执法局"}
    assert row["deputy"] == {"id": world.other.pk, "name": "李建国"}
    assert row["is_overdue"] is False
    assert "voter_phone" not in row


@pytest.mark.parametrize(
    ("role", "message", "contact"),
    [
        (Role.DEPUTY, "to_mine", True),
        (Role.STATION_STAFF, "to_mine", True),
        (Role.COMMITTEE_STAFF, "at_unit", True),
        (Role.UNIT_LIAISON, "at_unit", False),
    ],
)
def test_the_detail_shows_the_voter_only_to_the_deputy_and_staff(
    tenant_a, world, role, message, contact
):
    target = getattr(world, message)
    response = token_client(tenant_a.user(role)).get(api(tenant_a, f"{target.pk}/"))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == target.text
    assert (body["voter_phone"] == target.voter_phone) is contact
    assert (body["voter_name"] == target.voter_name) is contact
    if not contact:
        assert body["voter_phone"] == body["voter_name"] == ""


@pytest.mark.parametrize(
    ("role", "message"),
    [(Role.DEPUTY, "to_other"), (Role.UNIT_LIAISON, "to_mine"), (Role.STATION_STAFF, "to_other")],
)
def test_a_message_not_reached_is_refused(tenant_a, world, role, message):
    target = getattr(world, message)
    response = token_client(tenant_a.user(role)).get(api(tenant_a, f"{target.pk}/"))
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权查看这条留言。"


def test_another_congresss_message_is_not_found(tenant_a, tenant_b, world):
    with scopes_disabled():  # test setup
        foreign = VoterMessageFactory(congress=tenant_b.congress)
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    assert client.get(api(tenant_a, f"{foreign.pk}/")).status_code == 404


def test_a_deputy_answers_through_the_api(tenant_a, world):
    response = post(
        token_client(world.mine.user),
        api(tenant_a, f"{world.to_mine.pk}/answer/"),
        {"answer": "已联系路灯所。"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered"
    assert body["answer"] == "已联系路灯所。"
    assert body["answered_in_time"] is True
    assert body["events"][-1]["to_status"] == "answered"
    assert body["events"][-1]["actor"] == str(world.mine.user)


def test_a_lifecycle_refusal_is_a_clear_json_400(tenant_a, world):
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.to_mine.pk).update(status=MessageStatus.CLOSED)
    response = post(
        token_client(world.mine.user),
        api(tenant_a, f"{world.to_mine.pk}/answer/"),
        {"answer": "迟到的答复"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "这条留言已经办结，不能再答复。", "code": "status"}


def test_an_empty_answer_is_a_field_error(tenant_a, world):
    response = post(token_client(world.mine.user), api(tenant_a, f"{world.to_mine.pk}/answer/"), {})
    assert response.status_code == 400
    assert "answer" in response.json()


def test_staff_forward_to_a_unit_and_the_unit_starts_handling(tenant_a, world):
    staff = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    response = post(
        staff,
        api(tenant_a, f"{world.to_mine.pk}/forward/"),
        {"target": "unit", "unit": world.unit.pk, "note": "请尽快处理"},
    )
    assert response.status_code == 200
    assert response.json()["forwarded_to_unit"]["name"] == "襄城区城市管理执法局"
    liaison = token_client(tenant_a.user(Role.UNIT_LIAISON))
    started = post(liaison, api(tenant_a, f"{world.to_mine.pk}/start/"), {})
    assert started.status_code == 200
    assert started.json()["status"] == "handled"
    again = post(
        staff,
        api(tenant_a, f"{world.to_mine.pk}/forward/"),
        {"target": "unit", "unit": world.unit.pk},
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "这条留言已经转交，不能再转交。"


def test_forward_needs_a_known_unit_of_this_congress(tenant_a, tenant_b, world):
    with scopes_disabled():  # test setup
        foreign = HandlingUnitFactory(congress=tenant_b.congress)
    response = post(
        token_client(tenant_a.user(Role.COMMITTEE_STAFF)),
        api(tenant_a, f"{world.to_mine.pk}/forward/"),
        {"target": "unit", "unit": foreign.pk},
    )
    assert response.status_code == 400
    assert response.json() == {"unit": ["没有这个承办单位。"]}
    missing = post(
        token_client(tenant_a.user(Role.COMMITTEE_STAFF)),
        api(tenant_a, f"{world.to_mine.pk}/forward/"),
        {"target": "unit"},
    )
    assert missing.status_code == 400
    assert missing.json()["detail"] == "请选择承办单位。"


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_LIAISON])
def test_deputies_and_units_cannot_forward_close_or_register(tenant_a, world, role):
    client = token_client(tenant_a.user(role))
    target = world.to_mine if role == Role.DEPUTY else world.at_unit
    assert (
        post(client, api(tenant_a, f"{target.pk}/forward/"), {"target": "unit"}).status_code == 403
    )
    assert post(client, api(tenant_a, f"{target.pk}/close/"), {}).status_code == 403
    assert post(client, api(tenant_a, "visits/"), {}).status_code == 403


def test_station_staff_cannot_close_a_message_beyond_their_stations(tenant_a, world):
    response = post(
        token_client(tenant_a.user(Role.STATION_STAFF)),
        api(tenant_a, f"{world.to_other.pk}/close/"),
        {},
    )
    assert response.status_code == 403


def test_staff_close_an_answered_message(tenant_a, world):
    post(
        token_client(world.mine.user),
        api(tenant_a, f"{world.to_mine.pk}/answer/"),
        {"answer": "已办"},
    )
    response = post(
        token_client(tenant_a.user(Role.COMMITTEE_STAFF)),
        api(tenant_a, f"{world.to_mine.pk}/close/"),
        {"note": "电话回访未接通"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["events"][-1]["note"] == "电话回访未接通"


def test_station_staff_register_a_visit_answered_on_the_spot(tenant_a, world):
    response = post(
        token_client(tenant_a.user(Role.STATION_STAFF)),
        api(tenant_a, "visits/"),
        {
            "station": world.home.pk,
            "deputy": world.mine.pk,
            "topic": "social_security",
            "text": "养老金资格认证不会操作。",
            "voter_name": "孙大爷",
            "consent_confirmed": True,
            "answered_on_the_spot": True,
            "answer": "已当场帮助完成认证。",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["source"] == "walk_in"
    assert body["status"] == "closed"
    assert body["answered_on_the_spot"] is True
    assert body["voter_name"] == "孙大爷"


def test_a_visit_at_another_station_or_without_consent_is_refused(tenant_a, world):
    client = token_client(tenant_a.user(Role.STATION_STAFF))
    payload = {"station": world.village.pk, "topic": "health", "text": "看病难。"}
    elsewhere = post(client, api(tenant_a, "visits/"), {**payload, "consent_confirmed": True})
    # Another station is not among a station staff member's choices, as in the web form.
    assert elsewhere.status_code == 400
    assert elsewhere.json() == {"station": ["没有这个联络站。"]}
    no_consent = post(
        client,
        api(tenant_a, "visits/"),
        {**payload, "station": world.home.pk, "consent_confirmed": False},
    )
    assert no_consent.status_code == 400
    assert no_consent.json()["detail"] == "请确认选民已同意隐私告知。"
    unknown = post(
        client, api(tenant_a, "visits/"), {**payload, "station": 99999, "consent_confirmed": True}
    )
    assert unknown.json() == {"station": ["没有这个联络站。"]}
    huge = post(
        client, api(tenant_a, "visits/"), {**payload, "station": 2**70, "consent_confirmed": True}
    )
    assert huge.status_code == 400


def test_photos_come_as_links_to_the_checked_view(tenant_a, world, settings, tmp_path):
    from django.core.files.base import ContentFile

    from liaison.models import VoterMessagePhoto

    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():  # test setup
        photo = VoterMessagePhoto(congress=tenant_a.congress, message=world.to_mine)
        photo.image.save("a.jpg", ContentFile(b"x"), save=False)
        photo.save()
    body = token_client(world.mine.user).get(api(tenant_a, f"{world.to_mine.pk}/")).json()
    assert body["photos"] == [
        f"http://testserver/c/{tenant_a.congress.slug}/messages/{world.to_mine.pk}/photos/{photo.pk}/"
    ]


def test_actions_answer_only_to_post(tenant_a, world):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    for action in ("answer", "start", "forward", "close"):
        assert client.get(api(tenant_a, f"{world.to_mine.pk}/{action}/")).status_code == 405
        assert client.get(api(tenant_a, f"999999/{action}/")).status_code == 404
