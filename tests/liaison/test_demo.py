"""The liaison demo: groups and stations of a realistic shape and every kind (deputies
optional), reception days, group projects and voter messages; all safe to seed again."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from congress import demo as congress_demo
from congress.models import Congress, Membership, User
from deputies.models import Deputy, DeputyStatus
from liaison import demo, demo_messages, demo_work
from liaison.models import (
    Attendance,
    DeputyGroup,
    GroupMembership,
    GroupProject,
    LiaisonStation,
    MessageSource,
    MessageStatus,
    ProjectProgress,
    ProjectStatus,
    ReceptionDay,
    ReceptionDuty,
    ReceptionSchedule,
    ReceptionStatus,
    RepeatRule,
    StationDeputy,
    StationKind,
    StationStaff,
    StationStandard,
    StationStandardCheck,
    VoterMessage,
    VoterMessageEvent,
)
from suggestions.models import UnitLiaison
from tests.conftest import DEMO_DAY

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


# First, before the module's shared demo exists (see module_db): an empty database.
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


@pytest.fixture
def seeded(demo_output, db):
    """The whole demo, seeded once for the module's remaining tests."""
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


def test_the_demo_has_last_years_47_projects_43_done_and_this_years_claims(seeded):
    with scopes_disabled():  # a census
        before = (GroupProject.objects.count(), ProjectProgress.objects.count())
    demo_work.seed()
    with scopes_disabled():  # a census
        assert (GroupProject.objects.count(), ProjectProgress.objects.count()) == before
        projects = GroupProject.objects.filter(congress__slug="xiangcheng")
        last_year = projects.filter(year=DEMO_DAY.year - 1)
        assert last_year.count() == 47
        assert last_year.filter(status=ProjectStatus.DONE).count() == 43
        this_year = projects.filter(year=DEMO_DAY.year)
        groups = DeputyGroup.objects.filter(congress__slug="xiangcheng").count()
        claiming = this_year.values("group").distinct().count()
        assert 0 < claiming < groups
        assert set(this_year.values_list("status", flat=True)) >= {"in_progress", "done"}
        with_progress = projects.annotate(n=Count("progress")).filter(n__gt=0).count()
        assert with_progress > 40
        assert all(p.claimed_on <= DEMO_DAY for p in this_year)


def test_the_demo_plans_held_and_coming_days_and_is_idempotent(seeded):
    with scopes_disabled():  # a census across both congresses
        counts = (
            ReceptionSchedule.objects.count(),
            ReceptionDay.objects.count(),
            ReceptionDuty.objects.count(),
            ReceptionDuty.history.count(),
        )
    demo_work.seed()
    with scopes_disabled():  # a census across both congresses
        assert counts == (
            ReceptionSchedule.objects.count(),
            ReceptionDay.objects.count(),
            ReceptionDuty.objects.count(),
            ReceptionDuty.history.count(),
        )
        days = ReceptionDay.objects.filter(congress__slug="xiangcheng")
        assert ReceptionSchedule.objects.filter(congress__slug="xiangcheng").count() == 9
        rules = set(
            ReceptionSchedule.objects.filter(congress__slug="xiangcheng").values_list(
                "rule", flat=True
            )
        )
        assert rules == {RepeatRule.DAY_OF_MONTH, RepeatRule.WEEKDAY_OF_MONTH}
        held = days.filter(status=ReceptionStatus.HELD)
        assert held.count() >= 30
        assert set(held.values_list("visitor_count", flat=True)) <= set(range(3, 26))
        attendance = set(
            ReceptionDuty.objects.filter(reception_day__in=held).values_list(
                "attendance", flat=True
            )
        )
        assert attendance == {Attendance.ATTENDED, Attendance.ABSENT, Attendance.EXCUSED}
        assert days.filter(status=ReceptionStatus.PLANNED).exists()
        for schedule in ReceptionSchedule.objects.filter(congress__slug="xiangcheng"):
            assert 3 <= schedule.deputies.count() <= 5
        zhang_days = ReceptionDuty.objects.filter(
            deputy__user__username="13971000001",
            reception_day__status=ReceptionStatus.PLANNED,
        )
        assert zhang_days.exists()


def test_the_demo_has_three_months_of_messages_in_every_status(seeded):
    congress = Congress.objects.get(slug="xiangcheng")
    with scope(congress=congress):
        messages = VoterMessage.objects.all()
        today = timezone.localdate()
        assert messages.count() == 60
        assert set(messages.values_list("status", flat=True)) == set(MessageStatus.values)
        assert set(messages.values_list("source", flat=True)) == set(MessageSource.values)
        overdue = [m for m in messages if m.is_overdue(today)]
        assert 3 <= len(overdue) <= 15
        assert messages.filter(answered_on_the_spot=True).count() >= 3
        rated = messages.exclude(satisfaction="")
        assert rated.count() >= 20
        assert rated.filter(satisfaction="satisfied").count() >= 0.75 * rated.count()
        oldest = min(m.created_at for m in messages)
        assert today - timezone.localdate(oldest) <= timedelta(days=91)
        assert messages.filter(forward_target="unit").count() >= 3
        liaison = UnitLiaison.objects.get(user__username="xc-unit")
        assert liaison.unit.name == "襄城区城市管理执法局"
        assert VoterMessageEvent.objects.filter(message__in=messages).count() >= 120
        # The demo deputy has messages of their own to answer on the phone.
        assert messages.filter(deputy__user__username="13971000001").count() >= 3
        assert Membership.objects.filter(user__username="xc-unit").exists()
        before = (messages.count(), VoterMessageEvent.objects.count())
    demo_messages.seed()
    with scope(congress=congress):
        assert (VoterMessage.objects.count(), VoterMessageEvent.objects.count()) == before
    with scope(congress=Congress.objects.get(slug="shiguai")):
        assert VoterMessage.objects.count() == 15
