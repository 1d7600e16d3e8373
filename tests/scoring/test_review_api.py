"""The review API: records to audit, batch approve and reject, batch entry, quarters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from congress.models import Notification, Role
from scoring.models import DutyRecord, RecordOrigin, RecordStatus
from scoring.services import rule_set_create_from_preset
from tests.factories import (
    DeputyFactory,
    DutyRecordFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
)

TODAY = timezone.localdate()
LAST_QUARTER_DAY = date(TODAY.year, 1, 15) if TODAY.month > 3 else date(TODAY.year - 1, 11, 15)
YESTERDAY = TODAY - timedelta(days=1)


def api(tenant, path: str) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/duties/review/{path}"


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def setup(tenant_a):
    """A station the station staff work at, one they do not, a deputy and a record at each."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        mine = LiaisonStationFactory(congress=congress, name="城关联络站")
        other = LiaisonStationFactory(congress=congress, name="河西联络站")
        StationStaffFactory(station=mine, user=tenant_a.user(Role.STATION_STAFF))
        ours = DeputyFactory(congress=congress, name="张桂芳", user=tenant_a.user(Role.DEPUTY))
        theirs = DeputyFactory(congress=congress, name="李建国")
        StationDeputyFactory(station=mine, deputy=ours)
        StationDeputyFactory(station=other, deputy=theirs)
        records = {
            name: DutyRecordFactory(
                congress=congress,
                deputy=deputy,
                status=RecordStatus.SUBMITTED,
                origin=RecordOrigin.DEPUTY,
                occurred_on=LAST_QUARTER_DAY,
            )
            for name, deputy in (("our_record", ours), ("their_record", theirs))
        }
    with tenant_a.scope():  # test setup
        for year in {TODAY.year, LAST_QUARTER_DAY.year}:
            rule_set_create_from_preset(actor=None, congress=congress, year=year, preset="six")
    return {"mine": mine, "other": other, "ours": ours, "theirs": theirs, **records}


def status_of(record) -> str:
    with scopes_disabled():  # test reading
        return DutyRecord.objects.get(pk=record.pk).status


def test_the_list_shows_records_the_member_may_audit(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    body = staff.get(api(tenant_a, "records/")).json()
    assert body["count"] == 2
    row = next(item for item in body["results"] if item["id"] == setup["our_record"].pk)
    assert row["deputy"] == {"id": setup["ours"].pk, "name": "张桂芳"}
    assert row["status"] == "submitted" and row["status_display"] == "等待审核"
    station = client_for(tenant_a.user(Role.STATION_STAFF))
    body = station.get(api(tenant_a, "records/")).json()
    assert [item["id"] for item in body["results"]] == [setup["our_record"].pk]


def test_the_list_filters_and_refuses_an_unknown_status(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    quarter = f"{LAST_QUARTER_DAY.year}Q{(LAST_QUARTER_DAY.month - 1) // 3 + 1}"
    assert staff.get(api(tenant_a, f"records/?quarter={quarter}")).json()["count"] == 2
    assert staff.get(api(tenant_a, "records/?quarter=1999Q1")).json()["count"] == 2
    assert staff.get(api(tenant_a, "records/?quarter=2020Q1")).json()["count"] == 0
    assert staff.get(api(tenant_a, "records/?status=approved")).json()["count"] == 0
    assert staff.get(api(tenant_a, "records/?status=all")).json()["count"] == 2
    other = setup["other"].pk
    assert staff.get(api(tenant_a, f"records/?station={other}")).json()["count"] == 1
    assert staff.get(api(tenant_a, "records/?q=zgf")).json()["count"] == 1
    response = staff.get(api(tenant_a, "records/?status=deleted"))
    assert response.status_code == 400
    assert response.json()["status"] == ["未知的状态。"]


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(api(tenant_a, "records/")).status_code == 200
        return len(queries)

    count()
    small = count()
    with scopes_disabled():  # test setup
        for _n in range(10):
            DutyRecordFactory(
                congress=tenant_a.congress,
                status=RecordStatus.SUBMITTED,
                origin=RecordOrigin.DEPUTY,
            )
    assert count() == small


def test_station_staff_cannot_approve_another_stations_record(tenant_a, client_for, setup):
    station = client_for(tenant_a.user(Role.STATION_STAFF))
    response = station.post(
        api(tenant_a, "approve/"),
        {"ids": [setup["our_record"].pk, setup["their_record"].pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"done": 1, "left": 1}
    assert status_of(setup["our_record"]) == RecordStatus.APPROVED
    assert status_of(setup["their_record"]) == RecordStatus.SUBMITTED
    response = station.post(api(tenant_a, "approve/"), {"ids": [setup["their_record"].pk]}, "json")
    assert response.json() == {"done": 0, "left": 1}


def test_reject_needs_a_reason_and_tells_the_deputy(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    ids = {"ids": [setup["our_record"].pk]}
    assert staff.post(api(tenant_a, "reject/"), ids, format="json").status_code == 400
    response = staff.post(api(tenant_a, "reject/"), {**ids, "reason": "  "}, format="json")
    assert response.status_code == 400
    response = staff.post(api(tenant_a, "reject/"), {**ids, "reason": "缺少照片"}, format="json")
    assert response.json() == {"done": 1, "left": 0}
    assert status_of(setup["our_record"]) == RecordStatus.REJECTED
    with scopes_disabled():  # test reading
        assert Notification.objects.filter(user=tenant_a.user(Role.DEPUTY)).count() == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": "1,2"}, {"ids": [0]}, {"ids": [2**70]}, {"ids": ["a"]}],
)
def test_bad_ids_are_refused(tenant_a, client_for, setup, body):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    response = staff.post(api(tenant_a, "approve/"), body, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()


def test_another_congress_ids_are_left_alone(tenant_a, tenant_b, client_for, setup):
    with scopes_disabled():  # test setup
        foreign = DutyRecordFactory(
            congress=tenant_b.congress, status=RecordStatus.SUBMITTED, origin=RecordOrigin.DEPUTY
        )
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    response = staff.post(api(tenant_a, "approve/"), {"ids": [foreign.pk]}, format="json")
    assert response.json() == {"done": 0, "left": 1}
    assert status_of(foreign) == RecordStatus.SUBMITTED


def test_roles_without_the_right_are_refused(tenant_a, client_for, setup):
    for role in (Role.DEPUTY, Role.LEADER, Role.UNIT_LIAISON):
        client = client_for(tenant_a.user(role))
        assert client.get(api(tenant_a, "records/")).status_code == 403
        body = {"ids": [setup["our_record"].pk]}
        assert client.post(api(tenant_a, "approve/"), body, format="json").status_code == 403
    station = client_for(tenant_a.user(Role.STATION_STAFF))
    assert station.get(api(tenant_a, "quarters/")).status_code == 403
    assert status_of(setup["our_record"]) == RecordStatus.SUBMITTED


def entry(**fields) -> dict:
    return {
        "category": "congress_meeting",
        "occurred_on": YESTERDAY.isoformat(),
        "description": "参加区人代会",
        **fields,
    }


def test_batch_entry_creates_and_skips(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    ids = [setup["ours"].pk, setup["theirs"].pk]
    response = staff.post(api(tenant_a, "enter/"), entry(deputy_ids=ids[:1]), format="json")
    assert response.status_code == 201
    assert len(response.json()["created"]) == 1
    response = staff.post(api(tenant_a, "enter/"), entry(deputy_ids=ids), format="json")
    body = response.json()
    assert len(body["created"]) == 1
    assert body["skipped"] == [{"id": setup["ours"].pk, "name": "张桂芳"}]
    with scopes_disabled():  # test reading
        created = DutyRecord.objects.get(pk=body["created"][0])
        assert (created.deputy_id, created.status) == (setup["theirs"].pk, "approved")


def test_batch_entry_refuses_deputies_out_of_reach_and_bad_input(tenant_a, client_for, setup):
    station = client_for(tenant_a.user(Role.STATION_STAFF))
    response = station.post(
        api(tenant_a, "enter/"), entry(deputy_ids=[setup["theirs"].pk]), format="json"
    )
    assert response.status_code == 400
    assert "deputy_ids" in response.json()
    response = station.post(
        api(tenant_a, "enter/"),
        entry(category="nope", deputy_ids=[setup["ours"].pk]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "category"
    future = (TODAY + timedelta(days=2)).isoformat()
    response = station.post(
        api(tenant_a, "enter/"),
        entry(occurred_on=future, deputy_ids=[setup["ours"].pk]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "日期不能晚于今天。"
    assert station.post(api(tenant_a, "enter/"), {}, format="json").status_code == 400
    with scopes_disabled():  # test reading
        assert DutyRecord.objects.filter(origin=RecordOrigin.STAFF).count() == 0


def test_quarters_are_listed_with_counts(tenant_a, client_for, setup):
    staff = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    body = staff.get(api(tenant_a, "quarters/")).json()
    label = f"{LAST_QUARTER_DAY.year}Q{(LAST_QUARTER_DAY.month - 1) // 3 + 1}"
    row = next(item for item in body if item["label"] == label)
    assert row["counts"] == {"submitted": 2, "approved": 0, "rejected": 0, "confirmed": 0}
    assert row["has_ended"] is True and row["is_closed"] is False
    assert row["closed_by"] is None
    assert body[0]["label"] == f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"
