"""Deputy groups: the list, the form, members and the leader, and the group's activity."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Role
from liaison import services
from liaison.models import DeputyGroup, GroupMembership
from tests.factories import DeputyFactory, DeputyGroupFactory, GroupMembershipFactory


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/groups/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def group(tenant_a):
    with scopes_disabled():  # test setup
        group = DeputyGroupFactory(
            congress=tenant_a.congress, name="真武山街道代表小组", area="真武山街道"
        )
        leader = DeputyFactory(
            congress=tenant_a.congress, name="张建国", level="city", phone="13900001111"
        )
        GroupMembershipFactory(group=group, deputy=leader)
        GroupMembershipFactory(group=group, deputy__name="李秀兰", deputy__level="county")
        group.leader = leader
        group.save()
    return group


def test_the_list_shows_kind_area_leader_and_member_count(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_a.congress, name="乡村振兴代表小组", kind="professional")
    response = staff.get(url(tenant_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert "真武山街道代表小组" in body and "区域型代表小组" in body
    assert "乡村振兴代表小组" in body and "专业型代表小组" in body
    rows = {g.name: g for g in response.context["page"].object_list}
    assert rows["真武山街道代表小组"].member_count == 2
    assert rows["真武山街道代表小组"].leader.name == "张建国"
    assert rows["乡村振兴代表小组"].member_count == 0


def test_filter_by_kind_and_search_by_name(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_a.congress, name="乡村振兴代表小组", kind="professional")
    professional = staff.get(url(tenant_a), {"kind": "professional"}).context["page"]
    assert [g.name for g in professional.object_list] == ["乡村振兴代表小组"]
    found = staff.get(url(tenant_a), {"q": "真武山"}).context["page"]
    assert [g.name for g in found.object_list] == ["真武山街道代表小组"]
    # An unknown kind is ignored rather than an error.
    assert staff.get(url(tenant_a), {"kind": "secret"}).context["page"].paginator.count == 2


def test_the_htmx_search_returns_only_the_table(tenant_a, staff, group):
    response = staff.get(
        url(tenant_a), {"q": "没有"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="group-table"
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="group-table">')
    assert "<html" not in body
    assert "没有符合条件的代表小组。" in body


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, staff, group):
    staff.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a))
    with scopes_disabled():  # test setup
        for _n in range(30):
            grown = DeputyGroupFactory(congress=tenant_a.congress)
            member = GroupMembershipFactory(group=grown)
            GroupMembershipFactory(group=grown)
            grown.leader = member.deputy
            grown.save()
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a))
    assert len(response.context["page"].object_list) == 31
    assert len(many) == len(few)


def test_other_congresses_groups_are_not_listed(tenant_a, tenant_b, staff, group):
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_b.congress, name="石拐街道代表小组")
    assert "石拐街道代表小组" not in staff.get(url(tenant_a)).content.decode()


def test_staff_create_a_group(tenant_a, staff):
    response = staff.post(
        url(tenant_a, "new/"),
        {"name": "檀溪街道代表小组", "kind": "regional", "area": "檀溪街道", "description": ""},
    )
    with tenant_a.scope():
        group = DeputyGroup.objects.get(name="檀溪街道代表小组")
        record = group.history.latest("history_date")
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, f"{group.pk}/")
    assert record.history_user == tenant_a.user(Role.COMMITTEE_STAFF)


def test_a_duplicate_name_is_refused_in_chinese_and_the_input_kept(tenant_a, staff, group):
    response = staff.post(
        url(tenant_a, "new/"),
        {"name": "真武山街道代表小组", "kind": "professional", "area": "新的领域"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "已有同名的代表小组。" in body
    assert 'value="新的领域"' in body
    with tenant_a.scope():
        assert DeputyGroup.objects.count() == 1


def test_the_same_name_in_another_congress_is_fine(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_b.congress, name="社会治理代表小组")
    response = staff.post(
        url(tenant_a, "new/"), {"name": "社会治理代表小组", "kind": "professional"}
    )
    assert response.status_code == 302
    with tenant_a.scope():
        assert DeputyGroup.objects.get(name="社会治理代表小组").kind == "professional"
    with tenant_b.scope():
        assert DeputyGroup.objects.filter(name="社会治理代表小组").count() == 1


def test_a_missing_name_and_kind_are_explained(tenant_a, staff):
    response = staff.post(url(tenant_a, "new/"), {"name": "", "kind": "king"})
    body = response.content.decode()
    assert "该字段是必填项。" in body
    assert "选择一个有效的选项。 king 不在可用的选项中。" in body


def test_staff_edit_a_group(tenant_a, staff, group):
    response = staff.post(
        url(tenant_a, f"{group.pk}/edit/"),
        {
            "name": "真武山代表小组",
            "kind": "regional",
            "area": "真武山街道",
            "description": "七个社区",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        group.refresh_from_db()
    assert (group.name, group.description) == ("真武山代表小组", "七个社区")


@pytest.mark.parametrize("role", [Role.LEADER])
def test_readers_see_groups_but_cannot_change_them(tenant_a, client_as, group, role):
    client = client_as(tenant_a.user(role))
    assert client.get(url(tenant_a)).status_code == 200
    detail = client.get(url(tenant_a, f"{group.pk}/"))
    assert detail.status_code == 200
    assert "移出" not in detail.content.decode()
    assert client.get(url(tenant_a, "new/")).status_code == 403
    assert client.post(url(tenant_a, f"{group.pk}/leader/"), {"leader": ""}).status_code == 403
    with tenant_a.scope():
        assert DeputyGroup.objects.get(pk=group.pk).leader is not None


def test_deputies_unit_liaisons_and_station_staff_cannot_see_groups(tenant_a, client_as, group):
    # Station staff see only their own stations' deputies; a group spans stations.
    for role in (Role.DEPUTY, Role.UNIT_LIAISON, Role.STATION_STAFF):
        assert client_as(tenant_a.user(role)).get(url(tenant_a)).status_code == 403


def test_the_detail_lists_members_leader_first_with_masked_phones(
    tenant_a, staff, client_as, group
):
    # A list of deputies: masked for every reader; staff read the full number on the deputy's
    # own record.
    response = staff.get(url(tenant_a, f"{group.pk}/"))
    body = response.content.decode()
    names = [link.deputy.name for link in response.context["members"]]
    assert names == ["张建国", "李秀兰"]
    assert "组长" in body
    assert "139****1111" in body
    assert "13900001111" not in body
    leader_view = client_as(tenant_a.user(Role.LEADER)).get(url(tenant_a, f"{group.pk}/"))
    body = leader_view.content.decode()
    assert "139****1111" in body
    assert "13900001111" not in body


def test_the_detail_of_an_unknown_group_is_404(tenant_a, staff):
    assert staff.get(url(tenant_a, "999999/")).status_code == 404


def test_the_picker_searches_serving_deputies_not_in_the_group(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="王海燕")
        DeputyFactory(congress=tenant_a.congress, name="王海军", status="resigned")
    response = staff.get(
        url(tenant_a, f"{group.pk}/members/"),
        {"q": "王海"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="deputy-results",
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="deputy-results">')
    assert "王海燕" in body
    assert "王海军" not in body
    members = staff.get(url(tenant_a, f"{group.pk}/members/"), {"q": "张建国"})
    assert members.status_code == 200
    assert members.context["candidates"] == []
    assert "<html" in members.content.decode()  # without htmx, a whole page


def test_the_picker_finds_by_pinyin_initials(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="周玉兰")
    response = staff.get(url(tenant_a, f"{group.pk}/members/"), {"q": "zyl"})
    assert [d.name for d in response.context["candidates"]] == ["周玉兰"]


def test_add_members_and_a_deputy_may_be_in_several_groups(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        other = DeputyGroupFactory(congress=tenant_a.congress, name="教育卫生代表小组")
        first = DeputyFactory(congress=tenant_a.congress, name="赵丽娟")
        second = DeputyFactory(congress=tenant_a.congress, name="孙志强")
    response = staff.post(
        url(tenant_a, f"{group.pk}/members/"), {"deputies": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    staff.post(url(tenant_a, f"{other.pk}/members/"), {"deputies": [first.pk]})
    with tenant_a.scope():
        assert GroupMembership.objects.filter(group=group).count() == 4
        assert set(first.deputy_groups.values_list("name", flat=True)) == {
            "真武山街道代表小组",
            "教育卫生代表小组",
        }
    page = staff.get(url(tenant_a, f"{group.pk}/"), follow=True).content.decode()
    assert "赵丽娟" in page


def test_adding_nobody_or_a_retired_deputy_is_explained(tenant_a, staff, group):
    response = staff.post(url(tenant_a, f"{group.pk}/members/"), {})
    assert response.status_code == 400
    assert "请至少选择一位代表。" in response.content.decode()
    with scopes_disabled():  # test setup
        retired = DeputyFactory(congress=tenant_a.congress, name="钱卫东", status="resigned")
    response = staff.post(url(tenant_a, f"{group.pk}/members/"), {"deputies": [retired.pk]})
    assert response.status_code == 400
    with tenant_a.scope():
        assert not GroupMembership.objects.filter(deputy=retired).exists()


def test_a_deputy_of_another_congress_cannot_be_added(tenant_a, tenant_b, staff, group):
    with scopes_disabled():  # test setup
        foreign = DeputyFactory(congress=tenant_b.congress)
    response = staff.post(url(tenant_a, f"{group.pk}/members/"), {"deputies": [foreign.pk]})
    assert response.status_code == 400
    with scopes_disabled():
        assert not GroupMembership.objects.filter(deputy=foreign).exists()


def test_removing_the_leader_clears_the_leader(tenant_a, staff, group):
    leader = group.leader
    response = staff.post(url(tenant_a, f"{group.pk}/members/{leader.pk}/remove/"))
    assert response.status_code == 302
    with tenant_a.scope():
        group.refresh_from_db()
        assert group.leader is None
        assert not GroupMembership.objects.filter(group=group, deputy=leader).exists()


def test_removing_needs_post_and_a_member(tenant_a, staff, group):
    leader = group.leader
    assert staff.get(url(tenant_a, f"{group.pk}/members/{leader.pk}/remove/")).status_code == 405
    with scopes_disabled():  # test setup
        outsider = DeputyFactory(congress=tenant_a.congress)
    response = staff.post(url(tenant_a, f"{group.pk}/members/{outsider.pk}/remove/"), follow=True)
    assert "这位代表不是本小组成员。" in response.content.decode()


def test_set_the_leader_to_a_member(tenant_a, staff, group):
    with tenant_a.scope():
        member = GroupMembership.objects.exclude(deputy=group.leader).get(group=group).deputy
    response = staff.post(url(tenant_a, f"{group.pk}/leader/"), {"leader": member.pk}, follow=True)
    assert "李秀兰 现任组长。" in response.content.decode()
    with tenant_a.scope():
        group.refresh_from_db()
    assert group.leader == member


def test_the_leader_must_be_a_member(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        stranger = DeputyFactory(congress=tenant_a.congress, name="吴春生")
    response = staff.post(
        url(tenant_a, f"{group.pk}/leader/"), {"leader": stranger.pk}, follow=True
    )
    assert "组长必须是本小组的成员。" in response.content.decode()
    with tenant_a.scope():
        group.refresh_from_db()
        assert group.leader.name == "张建国"
        with pytest.raises(DomainError) as refused:
            services.group_set_leader(
                actor=tenant_a.user(Role.COMMITTEE_STAFF), group=group, deputy=stranger
            )
    assert refused.value.field == "leader"


def test_clear_the_leader(tenant_a, staff, group):
    staff.post(url(tenant_a, f"{group.pk}/leader/"), {"leader": ""})
    with tenant_a.scope():
        group.refresh_from_db()
    assert group.leader is None


def test_the_activity_shows_the_groups_own_recent_changes(tenant_a, staff, group):
    with scopes_disabled():  # test setup
        newcomer = DeputyFactory(congress=tenant_a.congress, name="郑晓东")
        other = DeputyGroupFactory(congress=tenant_a.congress, name="文化旅游代表小组")
        GroupMembershipFactory(group=other, deputy__name="冯国庆")
    staff.post(url(tenant_a, f"{group.pk}/members/"), {"deputies": [newcomer.pk]})
    staff.post(url(tenant_a, f"{group.pk}/leader/"), {"leader": newcomer.pk})
    response = staff.get(url(tenant_a, f"{group.pk}/"))
    activity = response.context["activity"]
    assert activity[0].model_name == "代表小组"
    assert activity[0].change == "修改"
    assert activity[0].user_name == str(tenant_a.user(Role.COMMITTEE_STAFF))
    leader_label = str(DeputyGroup._meta.get_field("leader").verbose_name)
    assert activity[0].change_items == [(leader_label, "张建国", "郑晓东")]
    assert any(entry.object_repr == "真武山街道代表小组 · 郑晓东" for entry in activity)
    assert not any("冯国庆" in entry.object_repr for entry in activity)
    body = response.content.decode()
    assert "真武山街道代表小组 · 郑晓东" in body


def test_group_services_refuse_unknown_fields(tenant_a):
    with tenant_a.scope(), pytest.raises(DomainError):
        services.group_create(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            name="x",
            kind="regional",
            leader=None,
        )


def test_the_detail_links_members_and_runs_a_fixed_number_of_queries(tenant_a, staff, group):
    detail = url(tenant_a, f"{group.pk}/")
    body = staff.get(detail).content.decode()
    assert f'href="/c/{tenant_a.congress.slug}/deputies/{group.leader.pk}/"' in body
    with CaptureQueriesContext(connection) as few:
        staff.get(detail)
    with scopes_disabled():  # test setup
        for _n in range(20):
            GroupMembershipFactory(group=group)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(detail)
    assert len(response.context["members"]) == 22
    # At most as many: the leader-name lookup is skipped when no recent change names a leader.
    assert len(many) <= len(few)
