"""Personal data: numbers masked on lists and public pages, full only on a record's own page
for those entitled; voters' contact details only for whom the message was sent to; every
export recorded in the audit log."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from congress.audit import AuditAction
from congress.masking import mask_id_number, mask_in_text, mask_phone
from congress.models import AuditEvent, Role
from liaison.models import ForwardTarget, MessageStatus
from reports import services as export_services
from reports.models import Export
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    MembershipFactory,
    RankingFactory,
    StationDeputyFactory,
    StationStaffFactory,
    VoterMessageFactory,
)

DEPUTY_PHONE = "13971234567"
DEPUTY_MASKED = "139****4567"
VOTER_PHONE = "13812345678"
VOTER_MASKED = "138****5678"
STAFF_PHONE = "13655554444"
STAFF_MASKED = "136****4444"


class People:
    """A deputy with an account in a group and at a station, station staff with a number, a
    second station with its own staff and deputy, and a voter's message to the deputy with the
    voter's number also written into the text."""

    def __init__(self, tenant):
        congress = tenant.congress
        self.tenant = tenant
        self.deputy_user = tenant.user(Role.DEPUTY)
        self.deputy = DeputyFactory(
            congress=congress, name="张桂芳", phone=DEPUTY_PHONE, user=self.deputy_user
        )
        self.group = DeputyGroupFactory(congress=congress, name="古城街道代表小组")
        GroupMembershipFactory(group=self.group, deputy=self.deputy)
        self.station = LiaisonStationFactory(congress=congress, name="古城街道人大代表之家")
        StationDeputyFactory(station=self.station, deputy=self.deputy)
        self.station_staff = tenant.user(Role.STATION_STAFF)
        self.station_staff.phone = STAFF_PHONE
        self.station_staff.save(update_fields=["phone"])
        StationStaffFactory(station=self.station, user=self.station_staff)
        # Another station, its staff, and a deputy there the message was not sent to.
        self.other_station = LiaisonStationFactory(congress=congress, name="卧龙镇人大代表之家")
        self.other_station_staff = MembershipFactory(
            congress=congress, role=Role.STATION_STAFF
        ).user
        StationStaffFactory(station=self.other_station, user=self.other_station_staff)
        self.other_deputy_user = MembershipFactory(congress=congress, role=Role.DEPUTY).user
        self.other_deputy = DeputyFactory(
            congress=congress, name="李建国", user=self.other_deputy_user
        )
        StationDeputyFactory(station=self.other_station, deputy=self.other_deputy)
        self.message = VoterMessageFactory(
            congress=congress,
            deputy=self.deputy,
            station=self.station,
            voter_name="王阿姨",
            voter_phone=VOTER_PHONE,
            text=f"小区门口的路灯坏了，请回电{VOTER_PHONE}。",
        )


@pytest.fixture
def people(tenant_a) -> People:
    with scopes_disabled():  # test setup
        return People(tenant_a)


def page(user, path: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def api_get(user, path: str):
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(path)


def c(tenant, suffix: str) -> str:
    return f"/c/{tenant.congress.slug}/{suffix}"


def api(tenant, suffix: str) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/{suffix}"


# The helper ---------------------------------------------------------------------------------


def test_the_one_masking_helper():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("+86 139 1234 5678") == "139****5678"
    assert mask_phone("") == "" and mask_phone(None) == "" and mask_phone("12345") == "****"
    assert mask_id_number("42060219800101123X") == "420*************3X"
    text = "电话13912345678，身份证42060219800101123X，座机0710-3456789，第2026001号"
    assert mask_in_text(text) == (
        "电话139****5678，身份证420*************3X，座机071****6789，第2026001号"
    )


# Lists and public pages ---------------------------------------------------------------------


def test_staff_lists_mask_deputies_and_members_numbers(tenant_a, people):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    for path in (
        f"groups/{people.group.pk}/",
        f"stations/{people.station.pk}/",
    ):
        body = page(staff, c(tenant_a, path))
        assert DEPUTY_MASKED in body and DEPUTY_PHONE not in body, path
    body = page(staff, c(tenant_a, f"stations/{people.station.pk}/"))
    assert STAFF_MASKED in body and STAFF_PHONE not in body
    assert DEPUTY_PHONE not in page(staff, c(tenant_a, "deputies/"))
    admin = tenant_a.user(Role.COMMITTEE_ADMIN)
    body = page(admin, c(tenant_a, "members/"))
    assert STAFF_MASKED in body and STAFF_PHONE not in body


def test_message_lists_mask_numbers_written_into_the_text(tenant_a, people):
    body = page(tenant_a.user(Role.COMMITTEE_STAFF), c(tenant_a, "messages/"))
    assert VOTER_MASKED in body and VOTER_PHONE not in body
    body = page(people.deputy_user, c(tenant_a, "messages/"))
    assert VOTER_MASKED in body and VOTER_PHONE not in body


def test_public_pages_show_masked_numbers_only(tenant_a, people):
    slug = tenant_a.congress.slug
    body = page(None, f"/p/{slug}/d/{people.deputy.public_token}/")
    assert DEPUTY_MASKED in body and DEPUTY_PHONE not in body
    body = page(None, f"/p/{slug}/m/{people.message.tracking_code}/")
    assert VOTER_MASKED in body and VOTER_PHONE not in body


def test_the_printed_card_has_no_number(tenant_a, people):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    body = page(staff, c(tenant_a, f"print/deputies/{people.deputy.pk}/card/"))
    assert DEPUTY_PHONE not in body


def test_the_deputy_page_shows_the_full_number_to_committee_staff_only(tenant_a, people):
    path = c(tenant_a, f"deputies/{people.deputy.pk}/")
    assert DEPUTY_PHONE in page(tenant_a.user(Role.COMMITTEE_STAFF), path)
    for role in (Role.LEADER, Role.STATION_STAFF):
        body = page(tenant_a.user(role), path)
        assert DEPUTY_MASKED in body and DEPUTY_PHONE not in body, role


# The API ------------------------------------------------------------------------------------


def test_api_lists_mask_and_the_record_is_full_for_staff(tenant_a, people):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    listed = api_get(staff, api(tenant_a, "deputies/")).json()["results"]
    assert [row["phone"] for row in listed if row["id"] == people.deputy.pk] == [DEPUTY_MASKED]
    one = api_get(staff, api(tenant_a, f"deputies/{people.deputy.pk}/")).json()
    assert one["phone"] == DEPUTY_PHONE
    leader = api_get(tenant_a.user(Role.LEADER), api(tenant_a, f"deputies/{people.deputy.pk}/"))
    assert leader.json()["phone"] == DEPUTY_MASKED
    own = api_get(people.deputy_user, api(tenant_a, "deputies/me/")).json()
    assert own["phone"] == DEPUTY_PHONE
    group = api_get(staff, api(tenant_a, f"groups/{people.group.pk}/")).content.decode()
    assert DEPUTY_MASKED in group and DEPUTY_PHONE not in group
    members = api_get(staff, api(tenant_a, "members/")).content.decode()
    assert STAFF_MASKED in members and STAFF_PHONE not in members
    messages = api_get(staff, api(tenant_a, "messages/")).content.decode()
    assert VOTER_PHONE not in messages


# A voter's contact details ------------------------------------------------------------------


def test_voter_contact_only_for_whom_the_message_was_sent_to(tenant_a, people):
    path = c(tenant_a, f"messages/{people.message.pk}/")
    detail = api(tenant_a, f"messages/{people.message.pk}/")
    for user in (
        people.deputy_user,
        tenant_a.user(Role.COMMITTEE_STAFF),
        people.station_staff,
    ):
        assert VOTER_PHONE in page(user, path)
        assert api_get(user, detail).json()["voter_phone"] == VOTER_PHONE
    # A deputy it was not sent to, another station's staff, a leader: not even the message.
    for user in (
        people.other_deputy_user,
        people.other_station_staff,
        tenant_a.user(Role.LEADER),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(path).status_code == 403
        assert api_get(user, detail).status_code == 403


def test_a_deputy_it_was_forwarded_to_reads_it_without_the_contact(tenant_a, people):
    with scopes_disabled():  # test setup
        people.message.status = MessageStatus.FORWARDED
        people.message.forward_target = ForwardTarget.DEPUTY
        people.message.forwarded_to_deputy = people.other_deputy
        people.message.save()
    body = page(people.other_deputy_user, c(tenant_a, f"messages/{people.message.pk}/"))
    assert "王阿姨" not in body
    assert VOTER_MASKED in body and VOTER_PHONE not in body
    data = api_get(people.other_deputy_user, api(tenant_a, f"messages/{people.message.pk}/"))
    assert data.json()["voter_phone"] == "" and data.json()["voter_name"] == ""


# Exports in the audit log -------------------------------------------------------------------


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """Start an export as the member and run its job (queued when the transaction commits)."""

    def run(tenant, user, identifier: str, options: dict | None = None) -> Export:
        membership = next(m for m in tenant.members.values() if m.user == user)
        with scope(congress=tenant.congress):
            exporter = export_services.exporter_for(
                identifier=identifier,
                congress=tenant.congress,
                membership=membership,
                options=options or {},
            )
            with django_capture_on_commit_callbacks(execute=True):
                made = export_services.export_start(
                    actor=user, membership=membership, exporter=exporter
                )
            return Export.objects.get(pk=made.pk)

    return run


def _export_events(tenant):
    with scopes_disabled():  # reading the outcome
        return list(AuditEvent.objects.filter(congress=tenant.congress, action=AuditAction.EXPORT))


@pytest.mark.parametrize(
    ("identifier", "role"),
    [
        ("roster", Role.COMMITTEE_STAFF),
        ("roster", Role.LEADER),
        ("messages", Role.COMMITTEE_STAFF),
        ("suggestions", Role.LEADER),
    ],
)
def test_each_export_writes_one_audit_event(tenant_a, tenant_b, people, export, identifier, role):
    user = tenant_a.user(role)
    made = export(tenant_a, user, identifier)
    assert made.finished_at is not None
    events = _export_events(tenant_a)
    assert len(events) == 1
    event = events[0]
    assert event.user == user and event.success
    assert event.target_id == str(made.pk)
    assert event.detail["export"] == identifier
    assert event.detail["rows"] == made.row_count
    assert _export_events(tenant_b) == []


def test_every_registered_export_is_recorded(tenant_a, people, export):
    from congress.permissions import membership_can
    from reports.exporting import REGISTRY

    with scopes_disabled():  # test setup: an (empty) published ranking to export
        ranking = RankingFactory(congress=tenant_a.congress)
    recorded = []
    for identifier, cls in REGISTRY.items():
        options = cls.options_for("2026Q1") if hasattr(cls, "options_for") else {}
        if identifier == "rankings":
            options = {"ranking_id": ranking.pk}
        member = next(m for m in tenant_a.members.values() if membership_can(m, cls.permission))
        made = export(tenant_a, member.user, identifier, options)
        assert made.finished_at is not None, identifier
        recorded.append((identifier, member.user))
    events = _export_events(tenant_a)
    assert sorted((event.detail["export"], event.user.pk) for event in events) == sorted(
        (identifier, user.pk) for identifier, user in recorded
    )


def test_the_leaders_roster_has_masked_numbers_and_staffs_full(tenant_a, people, export):
    from django.core.files.storage import default_storage

    for role, expected in ((Role.COMMITTEE_STAFF, DEPUTY_PHONE), (Role.LEADER, DEPUTY_MASKED)):
        made = export(tenant_a, tenant_a.user(role), "roster")
        with default_storage.open(made.file_path, "rb") as handle:
            sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
            values = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
        assert expected in values


def test_downloading_another_members_export_is_recorded(tenant_a, people, export):
    leader = tenant_a.user(Role.LEADER)
    made = export(tenant_a, leader, "roster")
    client = Client()
    client.force_login(leader)
    url = c(tenant_a, f"exports/roster/{made.pk}/")
    assert client.get(url).status_code == 200
    assert len(_export_events(tenant_a)) == 1  # the maker's own download: already recorded
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    events = sorted(_export_events(tenant_a), key=lambda event: event.pk)
    assert [event.user for event in events] == [leader, staff]
    assert events[1].detail["downloaded_from"] == leader.username
