"""Demo groups and stations: realistic shape, every kind, safe to seed again, deputies optional."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django_scopes import scope, scopes_disabled

from congress import demo as congress_demo
from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus
from liaison import demo
from liaison.models import (
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
    StationKind,
    StationStaff,
    StationStandard,
    StationStandardCheck,
)

TABLES = [
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
    StationStaff,
    StationStandard,
    StationStandardCheck,
]


def seed_all() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def counts() -> dict[str, int]:
    with scopes_disabled():  # a census across both congresses
        rows = {model.__name__: model.objects.count() for model in TABLES}
        rows.update({f"{model.__name__} history": model.history.count() for model in TABLES})
        rows["leaders"] = DeputyGroup.objects.exclude(leader=None).count()
    return rows


@pytest.fixture
def seeded(db):
    seed_all()
    return Congress.objects.get(slug="xiangcheng")


def test_xiangcheng_has_nine_regional_and_five_professional_groups(seeded):
    with scope(congress=seeded):
        regional = set(DeputyGroup.objects.filter(kind="regional").values_list("area", flat=True))
        professional = set(
            DeputyGroup.objects.filter(kind="professional").values_list("area", flat=True)
        )
    assert regional == set(demo.XIANGCHENG_AREAS)
    assert {"真武山街道", "古城街道", "欧庙镇", "尹集乡"} <= regional
    assert professional == {"产业园区", "乡村振兴", "文化旅游", "教育卫生", "社会治理"}


def test_every_serving_deputy_is_in_one_regional_group_and_a_third_in_a_professional(seeded):
    with scope(congress=seeded):
        serving = Deputy.objects.filter(status=DeputyStatus.SERVING).count()
        regional = (
            GroupMembership.objects.filter(group__kind="regional")
            .values("deputy")
            .annotate(groups=Count("group"))
        )
        professional = GroupMembership.objects.filter(group__kind="professional").count()
    assert serving > 200
    assert len(regional) == serving
    assert {row["groups"] for row in regional} == {1}
    assert 0.25 * serving < professional < 0.42 * serving


def test_each_group_has_a_leader_who_is_a_member(seeded):
    with scope(congress=seeded):
        for group in DeputyGroup.objects.all():
            assert group.leader is not None, group
            assert GroupMembership.objects.filter(group=group, deputy=group.leader).exists()


def test_stations_of_every_kind_with_deputies_and_the_demo_staff_user(seeded):
    with scope(congress=seeded):
        kinds = dict(LiaisonStation.objects.values_list("kind").annotate(n=Count("pk")).order_by())
        empty = LiaisonStation.objects.annotate(n=Count("deputy_links")).filter(n=0)
        staff = StationStaff.objects.select_related("station", "user").get()
    assert kinds[StationKind.DEPUTY_HOME] == 9
    assert kinds[StationKind.LIAISON_STATION] >= 5
    assert kinds[StationKind.CONTACT_POINT] == 2
    assert kinds[StationKind.LEGISLATIVE_POINT] == 1
    assert not empty.exists()
    assert (staff.user.username, staff.station.name) == ("xc-station", "真武山街道人大代表之家")


def test_the_nine_point_standard_with_a_realistic_mix_of_checks(seeded):
    with scope(congress=seeded):
        assert StationStandard.objects.count() == 9
        checks = StationStandardCheck.objects.all()
        stations = LiaisonStation.objects.count()
        assert checks.count() == 9 * stations
        met = checks.filter(is_met=True).count()
        assert 0.6 * checks.count() < met < checks.count()
        assert not checks.filter(is_met=False, note="").exists()
        assert not checks.filter(checked_by=None).exists()


def test_shiguai_has_twenty_eight_stations_and_a_few_groups(seeded):
    shiguai = Congress.objects.get(slug="shiguai")
    with scope(congress=shiguai):
        assert LiaisonStation.objects.count() == 28
        assert 3 <= DeputyGroup.objects.count() <= 8
        assert StationStandardCheck.objects.count() == 28 * 9
        assert StationStaff.objects.get().user.username == "sg-station"


def test_seeding_twice_changes_nothing(seeded):
    before = counts()
    seed_all()
    assert counts() == before


def test_groups_and_stations_are_seeded_before_the_roster_exists(db):
    congress_demo.seed()
    demo.seed()
    xiangcheng = Congress.objects.get(slug="xiangcheng")
    with scope(congress=xiangcheng):
        assert DeputyGroup.objects.count() == 14
        assert not GroupMembership.objects.exists()
        assert LiaisonStation.objects.filter(kind=StationKind.DEPUTY_HOME).count() == 9
        assert StationStaff.objects.filter(user=User.objects.get(username="xc-station")).exists()
    # The roster arriving later fills the groups and stations in.
    seed_all()
    with scope(congress=xiangcheng):
        assert GroupMembership.objects.filter(group__kind="regional").count() == (
            Deputy.objects.filter(status=DeputyStatus.SERVING).count()
        )
        assert not DeputyGroup.objects.filter(leader=None).exists()
        assert StationDeputy.objects.exists()
