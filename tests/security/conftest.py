"""A small, realistic congress for the bad-input tests: a deputy with an account, colleagues,
a group, a station, reception days, voter messages, suggestions in several states, duty records,
rules, a ranking with warnings, notifications; and a few rows in the other congress, so that
generated ids sometimes resolve here and sometimes belong to someone else."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django_scopes import scope, scopes_disabled
from PIL import Image
from rest_framework.authtoken.models import Token

from congress.models import Role
from liaison.models import GroupMembership, ProgressPhoto, ProjectProgress
from scoring.services import rule_set_create_from_preset
from suggestions.models import SuggestionCategory, UnitLiaison
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    DutyWarningFactory,
    GroupProjectFactory,
    HandlingUnitFactory,
    JobRunFactory,
    LiaisonStationFactory,
    NotificationFactory,
    RankingFactory,
    ReceptionDayFactory,
    ReceptionDutyFactory,
    StationDeputyFactory,
    StationStaffFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
    VoterMessageFactory,
)


def tiny_jpeg(size: tuple[int, int] = (8, 8)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "red").save(output, format="JPEG")
    return output.getvalue()


@dataclass
class World:
    tenant: object
    other: object
    # Ids by the name of the path parameter they fill (`deputy_id`, `suggestion_id`, ...).
    ids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.congress.slug

    def token(self, role: str) -> str:
        user = self.tenant.user(role)
        return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def world(tenant_a, tenant_b) -> World:
    congress = tenant_a.congress
    ids: dict[str, list[int]] = {}

    def keep(name: str, *objects) -> None:
        ids.setdefault(name, []).extend(obj.pk for obj in objects)

    with scopes_disabled():  # test setup writes in two congresses
        me = DeputyFactory(congress=congress, user=tenant_a.user(Role.DEPUTY), name="张桂芳")
        colleagues = [DeputyFactory(congress=congress) for _index in range(4)]
        resigned = DeputyFactory(congress=congress, status="resigned")
        keep("deputy_id", me, *colleagues, resigned)

        group = DeputyGroupFactory(congress=congress, name="东津代表小组")
        for deputy in (me, *colleagues[:2]):
            GroupMembership.objects.create(congress=congress, group=group, deputy=deputy)
        keep("group_id", group)

        station = LiaisonStationFactory(congress=congress, name="东津镇代表联络站")
        StationDeputyFactory(congress=congress, station=station, deputy=me)
        StationStaffFactory(congress=congress, station=station, user=tenant_a.user("station_staff"))
        keep("station_id", station)
        reception = ReceptionDayFactory(congress=congress, station=station)
        ReceptionDutyFactory(congress=congress, reception_day=reception, deputy=me)
        past = ReceptionDayFactory(congress=congress, station=station, date=date(2026, 3, 5))
        keep("reception_id", reception, past)

        project = GroupProjectFactory(congress=congress, group=group)
        keep("project_id", project)
        progress = ProjectProgress.objects.create(
            congress=congress, project=project, date=date(2026, 4, 1), text="完成路面测量"
        )
        photo = ProgressPhoto.objects.create(
            congress=congress, progress=progress, image=ContentFile(tiny_jpeg(), name="road.jpg")
        )
        keep("progress_photo_id", photo)

        messages = [
            VoterMessageFactory(congress=congress, deputy=me),
            VoterMessageFactory(congress=congress, deputy=me, status="forwarded"),
            VoterMessageFactory(congress=congress, deputy=colleagues[0], topic="traffic"),
        ]
        keep("message_id", *messages)

        unit = HandlingUnitFactory(congress=congress, name="区住房和城乡建设局")
        UnitLiaison.objects.create(congress=congress, unit=unit, user=tenant_a.user("unit_liaison"))
        # A congress starts with the usual categories.
        category = SuggestionCategory.objects.filter(congress=congress).first()
        CongressSessionFactory(congress=congress)
        suggestions = [
            SuggestionFactory(
                congress=congress,
                lead_deputy=me,
                category=category,
                status="draft",
                submitted_at=None,
            ),
            SuggestionFactory(congress=congress, lead_deputy=me, category=category),
            SuggestionFactory(
                congress=congress, lead_deputy=colleagues[1], category=category, status="accepted"
            ),
        ]
        assigned = SuggestionFactory(
            congress=congress, lead_deputy=me, category=category, status="assigned"
        )
        SuggestionAssignmentFactory(congress=congress, suggestion=assigned, unit=unit)
        keep("suggestion_id", *suggestions, assigned)

        records = [
            DutyRecordFactory(congress=congress, deputy=me),
            DutyRecordFactory(congress=congress, deputy=me, origin="deputy", status="submitted"),
            DutyRecordFactory(congress=congress, deputy=colleagues[0], category_code="meeting"),
        ]
        keep("record_id", *records)

        notification = NotificationFactory(congress=congress, user=tenant_a.user(Role.DEPUTY))
        keep("notification_id", notification)
        keep("job_run_id", JobRunFactory(congress=congress))

        # The other congress: ids that exist, but must answer 404 here.
        other = tenant_b.congress
        keep("deputy_id", DeputyFactory(congress=other))
        keep("suggestion_id", SuggestionFactory(congress=other))
        keep("message_id", VoterMessageFactory(congress=other))

    with scope(congress=congress):
        rule_set = rule_set_create_from_preset(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=congress,
            year=date.today().year,
            preset="six",
        )
    keep("rule_set_id", rule_set)
    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=congress, rule_set=rule_set)
        warning = DutyWarningFactory(congress=congress, deputy=me, raised_by=ranking)
    keep("ranking_id", ranking)
    keep("warning_id", warning)
    return World(tenant=tenant_a, other=tenant_b, ids=ids)
