"""Walks every URL that takes a congress: outsiders get 404, anonymous users are sent to sign in,
and a congress's objects never answer under another congress's address."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from reports.models import Export
from tests.factories import JobRunFactory


def congress_patterns(resolver=None, prefix="") -> list[tuple[str, str, list[str]]]:
    """(route, url name, parameter names) of every pattern under a congress slug."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            for sub_route, name, params in congress_patterns(entry, route):
                full_name = f"{namespace}:{name}" if namespace and name else name
                found.append((sub_route, full_name, params))
        elif isinstance(entry, URLPattern) and "<slug:congress_slug>" in route:
            params = [p for p in entry.pattern.converters] + [
                p for p in _route_params(route) if p not in entry.pattern.converters
            ]
            found.append((route, entry.name, params))
    return [item for item in found if "<slug:congress_slug>" in item[0]]


def _route_params(route: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


ALL_PATTERNS = congress_patterns()
# Members' pages and the API; public (QR) pages under p/ answer anyone and are crawled apart.
PATTERNS = [p for p in ALL_PATTERNS if not p[0].startswith("p/")]
PUBLIC_PATTERNS = [p for p in ALL_PATTERNS if p[0].startswith("p/")]


def test_the_crawler_finds_the_pages_and_the_api():
    routes = {route for route, _, _ in PATTERNS}
    assert "c/<slug:congress_slug>/" in routes
    assert "api/v1/c/<slug:congress_slug>/me/" in routes
    assert len(PATTERNS) >= 6


def object_ids(tenant, owner=None) -> dict[str, int | str]:
    """A real object of `tenant` for each kind of id a URL can take (owned by `owner`).

    Where ownership matters, `owner` is linked to the objects: the deputy is the owner's own
    profile, and a station staff owner works at the station the deputy receives at.
    """
    from datetime import date

    from congress.models import CalendarOverride
    from deputies.models import RosterImport
    from liaison.models import (
        ProgressPhoto,
        ProjectProgress,
        ReceptionDuty,
        StationStandard,
        VoterMessagePhoto,
    )
    from scoring.models import DutyRecordPhoto
    from suggestions.models import (
        SuggestionAttachment,
        SuggestionFeedback,
        SuggestionReply,
        UnitLiaison,
    )
    from tests.factories import (
        CongressSessionFactory,
        DeputyFactory,
        DutyRecordFactory,
        DutyWarningFactory,
        GroupMembershipFactory,
        GroupProjectFactory,
        HandlingUnitFactory,
        NotificationFactory,
        RankingFactory,
        ReceptionDayFactory,
        ReceptionScheduleFactory,
        StationDeputyFactory,
        StationStaffFactory,
        SuggestionAssignmentFactory,
        SuggestionCategoryFactory,
        SuggestionFactory,
        VoterMessageFactory,
    )

    with scopes_disabled():  # test setup
        congress = tenant.congress
        deputy = DeputyFactory(congress=congress, user=owner)
        group = GroupMembershipFactory(group__congress=congress, deputy=deputy).group
        station = StationDeputyFactory(station__congress=congress, deputy=deputy).station
        if owner is not None:
            StationStaffFactory(station=station, user=owner)
        standard = StationStandard.objects.create(congress=congress, code="1", title="有固定场所")
        roster_import = RosterImport.objects.create(
            congress=congress, file_name="名册.xlsx", created_by=owner
        )
        unit = HandlingUnitFactory(congress=congress)
        if owner is not None:
            UnitLiaison.objects.create(congress=congress, unit=unit, user=owner)
        # Reaches every role's owner: to their deputy, at their station, forwarded to their unit.
        message = VoterMessageFactory(
            congress=congress, deputy=deputy, station=station, forwarded_to_unit=unit
        )
        reception = ReceptionDayFactory(congress=congress, station=station)
        ReceptionDuty.objects.create(congress=congress, reception_day=reception, deputy=deputy)
        group.leader = deputy
        group.save()
        project = GroupProjectFactory(congress=congress, group=group)
        progress = ProjectProgress.objects.create(
            congress=congress, project=project, date=date.today(), text="开工"
        )
        # The photo views answer a missing file with a placeholder, so no real file is needed.
        progress_photo = ProgressPhoto.objects.create(
            congress=congress, progress=progress, image="projects/missing.jpg"
        )
        message_photo = VoterMessagePhoto.objects.create(
            congress=congress, message=message, image="messages/missing.jpg"
        )
        notification = NotificationFactory(
            congress=congress, user=owner or deputy.user or tenant.members[Role.DEPUTY].user
        )
        override = CalendarOverride.objects.create(
            congress=congress, date=date(2027, 1, 1), is_working_day=False, note="元旦"
        )
        # Reaches every role's owner: led by their deputy, handled by their unit.
        session = CongressSessionFactory(congress=congress)
        category = SuggestionCategoryFactory(congress=congress)
        suggestion = SuggestionFactory(
            congress=congress,
            session=session,
            category=category,
            lead_deputy=deputy,
            status="replied",
            number=1,
            series=f"s{session.pk}-suggestion",
            assigned_on=date(2026, 3, 2),
            due_on=date(2026, 6, 2),
            replied_on=date(2026, 5, 20),
            reply_class="A",
        )
        SuggestionAssignmentFactory(congress=congress, suggestion=suggestion, unit=unit)
        attachment = SuggestionAttachment.objects.create(
            congress=congress,
            suggestion=suggestion,
            file=ContentFile(b"%PDF-1.4 test", name="a.pdf"),
            name="a.pdf",
        )
        reply = SuggestionReply.objects.create(
            congress=congress,
            suggestion=suggestion,
            round=1,
            unit=unit,
            reply_class="A",
            text="已解决",
            letter=ContentFile(b"%PDF-1.4 test", name="letter.pdf"),
            letter_name="答复函.pdf",
            replied_on=date(2026, 5, 20),
            due_on=date(2026, 6, 2),
        )
        feedback = SuggestionFeedback.objects.create(
            congress=congress, suggestion=suggestion, round=1, deputy=deputy, is_lead=True
        )
        # Duty points: the record is the owner's deputy's, at their station, so it reaches them.
        duty_record = DutyRecordFactory(congress=congress, deputy=deputy, status="submitted")
        duty_photo = DutyRecordPhoto.objects.create(
            congress=congress, record=duty_record, image="duties/missing.jpg"
        )
        ranking = RankingFactory(congress=congress)
        warning = DutyWarningFactory(
            congress=congress, deputy=deputy, raised_by=ranking, rule__congress=congress
        )
        return {
            "record_id": duty_record.pk,
            "duty_photo_id": duty_photo.pk,
            "rule_set_id": ranking.rule_set_id,
            "ranking_id": ranking.pk,
            "warning_id": warning.pk,
            "warning_rule_id": warning.rule_id,
            "suggestion_id": suggestion.pk,
            "session_id": session.pk,
            "category_id": category.pk,
            "attachment_id": attachment.pk,
            "reply_id": reply.pk,
            "feedback_token": feedback.token,
            "membership_id": tenant.members[Role.DEPUTY].pk,
            "job_run_id": JobRunFactory(congress=congress, created_by=owner).pk,
            "export_id": Export.objects.create(
                congress=congress,
                exporter="roster",
                title="代表名册",
                job_run=JobRunFactory(congress=congress, created_by=owner, status="succeeded"),
                created_by=owner,
                file_path=default_storage.save(
                    f"exports/{congress.pk}/roster.xlsx", ContentFile(b"PK test")
                ),
                file_name="代表名册.xlsx",
                finished_at=timezone.now(),
            ).pk,
            "identifier": "roster",
            "deputy_id": deputy.pk,
            "group_id": group.pk,
            "station_id": station.pk,
            "standard_id": standard.pk,
            "import_id": roster_import.pk,
            "deputy_token": deputy.public_token,
            "station_token": station.public_token,
            "unit_id": unit.pk,
            "message_id": message.pk,
            "tracking_code": message.tracking_code,
            "reception_id": reception.pk,
            "schedule_id": ReceptionScheduleFactory(congress=congress, station=station).pk,
            "project_id": project.pk,
            "notification_id": notification.pk,
            "override_id": override.pk,
            "progress_photo_id": progress_photo.pk,
            "photo_id": message_photo.pk,
        }


def fill(route: str, slug: str, ids: dict[str, int]) -> str:
    import re

    def replace(match):
        name = match.group(1)
        if name == "congress_slug":
            return slug
        if name not in ids:
            pytest.fail(f"The crawler does not know how to fill <{name}> in {route}: add it")
        return str(ids[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", replace, route)


@pytest.mark.parametrize("route", [p[0] for p in PATTERNS])
def test_outsider_gets_404(route, tenant_a, outsider, client_as):
    url = fill(route, tenant_a.congress.slug, object_ids(tenant_a))
    client = client_as(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("route", [p[0] for p in PATTERNS])
def test_a_missing_congress_and_a_foreign_one_look_the_same(route, tenant_a, outsider, client_as):
    ids = object_ids(tenant_a)
    client = client_as(outsider)
    foreign = client.get(fill(route, tenant_a.congress.slug, ids))
    missing = client.get(fill(route, "no-such-congress", ids))
    assert foreign.status_code == missing.status_code == 404
    assert _without_csrf(foreign.content) == _without_csrf(missing.content)


def _without_csrf(content: bytes) -> bytes:
    import re

    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


@pytest.mark.parametrize("route", [p[0] for p in PATTERNS])
def test_anonymous_is_sent_to_sign_in(route, tenant_a, client):
    url = fill(route, tenant_a.congress.slug, object_ids(tenant_a))
    response = client.get(url)
    if route.startswith("api/"):
        assert response.status_code == 401
        assert response.json()["detail"] == "未登录或未提供身份凭证。"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


# Route parameters that name a kind of page, not an object of a congress.
NOT_OBJECTS = {"identifier"}


@pytest.mark.parametrize(
    "route", [p[0] for p in PATTERNS if len(set(_route_params(p[0])) - NOT_OBJECTS) > 1]
)
def test_objects_of_one_congress_do_not_answer_under_another(route, tenant_a, tenant_b, client_as):
    """A member of B whose role may use the route, at B's own address, asks for A's objects
    by id: 404 (a role without the right would stop at 403 before any object is looked up)."""
    from congress.permissions import membership_can
    from tests.congress.test_permissions import declared_permission

    url = fill(route, tenant_b.congress.slug, object_ids(tenant_a))
    permission = declared_permission(url)
    members = [tenant_b.members[Role.COMMITTEE_ADMIN], *tenant_b.members.values()]
    member = next(m for m in members if membership_can(m, permission))
    client = client_as(member.user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("route", [p[0] for p in PUBLIC_PATTERNS])
def test_public_pages_answer_anyone_but_only_under_their_own_congress(
    route, tenant_a, tenant_b, client
):
    ids = object_ids(tenant_a)
    assert client.get(fill(route, tenant_a.congress.slug, ids)).status_code == 200
    assert client.get(fill(route, tenant_b.congress.slug, ids)).status_code == 404
    assert client.get(fill(route, "no-such-congress", ids)).status_code == 404
