"""Group and station API: filters, details, who may write, and clear Chinese errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from congress.models import Role
from liaison import services
from liaison.models import DeputyGroup, LiaisonStation, StationStandardCheck
from tests.factories import (
    DeputyGroupFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
)


def api(tenant, path):
    return f"/api/v1/c/{tenant.congress.slug}/{path}"


def token_client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def send(client, method, url, payload):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


@pytest.fixture
def data(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        regional = DeputyGroupFactory(congress=congress, name="古城街道代表小组", area="古城街道")
        professional = DeputyGroupFactory(
            congress=congress, name="文化旅游代表小组", kind="professional", area="文化旅游"
        )
        leader = GroupMembershipFactory(
            group=regional, deputy__name="陈志强", deputy__phone="13900003333"
        ).deputy
        GroupMembershipFactory(group=regional, deputy__name="刘玉兰")
        regional.leader = leader
        regional.save()
        home = LiaisonStationFactory(
            congress=congress, name="古城街道人大代表之家", kind="deputy_home", address="北街1号"
        )
        point = LiaisonStationFactory(
            congress=congress, name="襄城区基层立法联系点", kind="legislative_point"
        )
        StationDeputyFactory(station=home, deputy=leader)
        StationStaffFactory(station=home, user=tenant_a.user(Role.STATION_STAFF))
        services.station_standards_ensure_defaults(congress)
        first = congress.stationstandard_set.get(code="1")
        StationStandardCheck.objects.create(
            congress=congress, station=home, standard=first, is_met=True, note="新建场所"
        )
    return {"regional": regional, "professional": professional, "leader": leader}, (home, point)


def test_groups_list_with_filters(tenant_a, data):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    everything = client.get(api(tenant_a, "groups/")).json()
    assert everything["count"] == 2
    rows = {row["name"]: row for row in everything["results"]}
    assert rows["古城街道代表小组"]["member_count"] == 2
    assert rows["古城街道代表小组"]["leader"]["name"] == "陈志强"
    assert rows["古城街道代表小组"]["kind_display"] == "区域型代表小组"
    assert rows["文化旅游代表小组"]["leader"] is None
    kind = client.get(api(tenant_a, "groups/"), {"kind": "professional"}).json()
    assert [row["name"] for row in kind["results"]] == ["文化旅游代表小组"]
    found = client.get(api(tenant_a, "groups/"), {"q": "古城"}).json()
    assert [row["name"] for row in found["results"]] == ["古城街道代表小组"]
    assert client.get(api(tenant_a, "groups/"), {"kind": "king"}).status_code == 400


def test_group_detail_has_members_with_the_leader_flag(tenant_a, data):
    groups, _stations = data
    url = api(tenant_a, f"groups/{groups['regional'].pk}/")
    body = token_client(tenant_a.user(Role.COMMITTEE_STAFF)).get(url).json()
    members = {row["deputy"]["name"]: row for row in body["members"]}
    assert members["陈志强"]["is_leader"] is True
    assert members["刘玉兰"]["is_leader"] is False
    # Members are a list: masked for staff too (the deputy's own record has the number).
    assert members["陈志强"]["deputy"]["phone"] == "139****3333"
    masked = token_client(tenant_a.user(Role.LEADER)).get(url).json()
    assert {row["deputy"]["phone"] for row in masked["members"]} >= {"139****3333"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COMMITTEE_ADMIN, 200),
        (Role.COMMITTEE_STAFF, 200),
        (Role.LEADER, 200),
        (Role.DEPUTY, 403),
        (Role.UNIT_LIAISON, 403),
    ],
)
def test_who_reads_groups_and_stations(tenant_a, data, role, status):
    client = token_client(tenant_a.user(role))
    assert client.get(api(tenant_a, "groups/")).status_code == status
    assert client.get(api(tenant_a, "stations/")).status_code == status


def test_station_staff_read_their_stations_but_no_groups(tenant_a, data):
    # A group spans stations; station staff see only their own stations' deputies.
    client = token_client(tenant_a.user(Role.STATION_STAFF))
    assert client.get(api(tenant_a, "groups/")).status_code == 403
    assert client.get(api(tenant_a, "stations/")).status_code == 200


def test_staff_create_and_update_a_group(tenant_a, data):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    created = send(
        client,
        "post",
        api(tenant_a, "groups/"),
        {"name": "产业园区代表小组", "kind": "professional"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["member_count"], body["members"]) == ("产业园区代表小组", 0, [])
    groups, _stations = data
    with tenant_a.scope():
        member = groups["regional"].memberships.exclude(deputy=groups["leader"]).get().deputy
    changed = send(
        client,
        "patch",
        api(tenant_a, f"groups/{groups['regional'].pk}/"),
        {"description": "九个社区", "leader": member.pk},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["leader"]["name"] == "刘玉兰"
    assert changed.json()["description"] == "九个社区"


def test_a_leader_who_is_not_a_member_is_refused_and_nothing_changes(tenant_a, data):
    groups, _stations = data
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    stranger = groups["professional"]
    with scopes_disabled():  # test setup
        outsider = GroupMembershipFactory(group=stranger).deputy
    response = send(
        client,
        "patch",
        api(tenant_a, f"groups/{groups['regional'].pk}/"),
        {"name": "古城代表小组", "leader": outsider.pk},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "组长必须是本小组的成员。",
        "code": "invalid",
        "field": "leader",
    }
    with tenant_a.scope():
        assert DeputyGroup.objects.get(pk=groups["regional"].pk).name == "古城街道代表小组"
    created = send(
        client,
        "post",
        api(tenant_a, "groups/"),
        {"name": "教育卫生代表小组", "kind": "professional", "leader": outsider.pk},
    )
    assert created.status_code == 400
    with tenant_a.scope():
        assert not DeputyGroup.objects.filter(name="教育卫生代表小组").exists()


def test_a_duplicate_group_name_is_400_in_chinese(tenant_a, data):
    response = send(
        token_client(tenant_a.user(Role.COMMITTEE_STAFF)),
        "post",
        api(tenant_a, "groups/"),
        {"name": "古城街道代表小组", "kind": "regional"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "已有同名的代表小组。"


def test_a_leader_of_another_congress_is_not_found(tenant_a, tenant_b, data):
    groups, _stations = data
    with scopes_disabled():  # test setup
        foreign = GroupMembershipFactory(group__congress=tenant_b.congress).deputy
    response = send(
        token_client(tenant_a.user(Role.COMMITTEE_STAFF)),
        "patch",
        api(tenant_a, f"groups/{groups['regional'].pk}/"),
        {"leader": foreign.pk},
    )
    assert response.status_code == 400
    assert response.json() == {"leader": ["名册中没有这位代表。"]}


@pytest.mark.parametrize("role", [Role.LEADER, Role.STATION_STAFF, Role.DEPUTY])
def test_only_staff_write(tenant_a, data, role):
    groups, (home, _point) = data
    client = token_client(tenant_a.user(role))
    assert (
        send(
            client, "post", api(tenant_a, "groups/"), {"name": "x", "kind": "regional"}
        ).status_code
        == 403
    )
    assert (
        send(
            client, "patch", api(tenant_a, f"groups/{groups['regional'].pk}/"), {"name": "x"}
        ).status_code
        == 403
    )
    assert (
        send(
            client, "post", api(tenant_a, "stations/"), {"name": "x", "kind": "deputy_home"}
        ).status_code
        == 403
    )
    assert (
        send(client, "patch", api(tenant_a, f"stations/{home.pk}/"), {"name": "x"}).status_code
        == 403
    )
    with tenant_a.scope():
        assert not DeputyGroup.objects.filter(name="x").exists()
        assert not LiaisonStation.objects.filter(name="x").exists()


def test_stations_list_with_filters(tenant_a, data):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    everything = client.get(api(tenant_a, "stations/")).json()
    rows = {row["name"]: row for row in everything["results"]}
    assert rows["古城街道人大代表之家"]["deputy_count"] == 1
    assert rows["古城街道人大代表之家"]["standards_met"] == 1
    assert rows["襄城区基层立法联系点"]["kind_display"] == "立法联系点"
    kind = client.get(api(tenant_a, "stations/"), {"kind": "legislative_point"}).json()
    assert [row["name"] for row in kind["results"]] == ["襄城区基层立法联系点"]
    found = client.get(api(tenant_a, "stations/"), {"q": "北街"}).json()
    assert [row["name"] for row in found["results"]] == ["古城街道人大代表之家"]


def test_station_staff_list_and_read_only_their_own_stations(tenant_a, data):
    _groups, (home, point) = data
    client = token_client(tenant_a.user(Role.STATION_STAFF))
    listed = client.get(api(tenant_a, "stations/")).json()
    assert [row["name"] for row in listed["results"]] == ["古城街道人大代表之家"]
    assert client.get(api(tenant_a, f"stations/{home.pk}/")).status_code == 200
    assert client.get(api(tenant_a, f"stations/{point.pk}/")).status_code == 403


def test_station_detail_has_deputies_staff_and_checklist(tenant_a, data):
    _groups, (home, _point) = data
    body = (
        token_client(tenant_a.user(Role.COMMITTEE_STAFF))
        .get(api(tenant_a, f"stations/{home.pk}/"))
        .json()
    )
    assert [d["name"] for d in body["deputies"]] == ["陈志强"]
    assert [s["username"] for s in body["staff"]] == [tenant_a.user(Role.STATION_STAFF).username]
    assert len(body["checklist"]) == 9
    first = body["checklist"][0]
    assert (first["code"], first["title"], first["is_met"], first["note"]) == (
        "1",
        "有固定场所",
        True,
        "新建场所",
    )
    assert body["checklist"][1]["is_met"] is False


def test_staff_create_and_update_a_station(tenant_a, data):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    created = send(
        client,
        "post",
        api(tenant_a, "stations/"),
        {"name": "尹集乡人大代表之家", "kind": "deputy_home", "opening_hours": "工作日"},
    )
    assert created.status_code == 201, created.content
    station_id = created.json()["id"]
    assert created.json()["is_active"] is True
    changed = send(client, "patch", api(tenant_a, f"stations/{station_id}/"), {"is_active": False})
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    duplicate = send(
        client,
        "post",
        api(tenant_a, "stations/"),
        {"name": "尹集乡人大代表之家", "kind": "deputy_home"},
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["detail"] == "已有同名的联络站。"
    bad_kind = send(client, "post", api(tenant_a, "stations/"), {"name": "某站", "kind": "castle"})
    assert bad_kind.status_code == 400
    assert "kind" in bad_kind.json()


def test_objects_of_another_congress_are_404(tenant_a, tenant_b, data):
    groups, (home, _point) = data
    client = token_client(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert client.get(api(tenant_b, f"groups/{groups['regional'].pk}/")).status_code == 404
    assert client.get(api(tenant_b, f"stations/{home.pk}/")).status_code == 404
    assert (
        send(client, "patch", api(tenant_b, f"stations/{home.pk}/"), {"name": "x"}).status_code
        == 404
    )
