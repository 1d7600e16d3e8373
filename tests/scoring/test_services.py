"""The duty-point services on their own: rule sets and their versions, reporting, batch entry
and audit, each refusing bad input with a clear message and leaving nothing half done."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from congress.errors import DomainError
from congress.models import Notification, Role
from scoring import services
from scoring.models import DutyRecord, DutyRecordEvent, RecordStatus, RuleItem, RuleSet
from scoring.presets import PRESETS
from tests.factories import CongressSessionFactory, DeputyFactory, DutyRecordFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 5, 20)


def at(day: date = TODAY, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def item_dicts(rule_set: RuleSet) -> list[dict]:
    return [
        {
            "code": item.code,
            "name": item.name,
            "kind": item.kind,
            "points": item.points,
            "cap_points": item.cap_points,
            "cap_period": item.cap_period,
            "evidence_required": item.evidence_required,
            "recess_only": item.recess_only,
            "auto_sources": item.auto_sources,
            "self_reported": item.self_reported,
        }
        for item in rule_set.items.all()
    ]


@pytest.fixture
def six(tenant_a):
    with tenant_a.scope():
        return services.rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="six"
        )


@pytest.fixture
def deputy(tenant_a):
    with tenant_a.scope():
        return DeputyFactory(
            congress=tenant_a.congress, name="周敏", user=tenant_a.user(Role.DEPUTY)
        )


def test_the_presets_match_the_committees_reports(tenant_a, six):
    with tenant_a.scope():
        duties = six.items.filter(kind="duty")
        assert [item.name for item in duties] == [
            "参加人代会",
            "学习培训",
            "视察调研",
            "联系选民",
            "提出建议",
            "向选民述职",
        ]
        assert {item.points for item in duties} == {Decimal("10")}
        assert six.items.get(code="absent_without_leave").points == Decimal("-1")
        twelve = services.rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="twelve"
        )
        assert twelve.version == 2
        assert twelve.items.filter(kind="duty").count() == 12
        assert len(PRESETS) == 2
        with pytest.raises(DomainError):
            services.rule_set_create_from_preset(
                actor=None, congress=tenant_a.congress, year=2026, preset="nine"
            )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "absent_without_leave", "points": "1"}, "negative"),
        ({"code": "study", "points": "0"}, "more than 0"),
        ({"code": "study", "points": "abc"}, "number"),
        ({"code": "study", "points": "500"}, "-100"),
        ({"code": "study", "cap_points": "20"}, "both"),
        ({"code": "study", "cap_period": "month"}, "both"),
        ({"code": "study", "auto_sources": ["suggestion_accepted"]}, "one item"),
        ({"code": "study", "name": ""}, "code and a name"),
        ({"code": "study", "auto_sources": ["weather"]}, "Unknown"),
    ],
)
def test_a_bad_revision_is_refused_and_writes_no_version(tenant_a, six, change, message):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope(), translation.override("en"):
        items = item_dicts(six)
        target = next(item for item in items if item["code"] == change["code"])
        target.update({key: value for key, value in change.items() if key != "code"})
        with pytest.raises(DomainError, match=message):
            services.rule_set_revise(actor=staff, rule_set=six, items=items)
        assert RuleSet.objects.count() == 1
        assert RuleItem.objects.filter(rule_set=six).count() == len(items)


def test_revising_an_old_version_is_a_conflict(tenant_a, six):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        services.rule_set_revise(actor=staff, rule_set=six, items=item_dicts(six), note="v2")
        with pytest.raises(DomainError) as refused:
            services.rule_set_revise(actor=staff, rule_set=six, items=item_dicts(six))
        assert refused.value.code == "conflict"
        duplicated = [*item_dicts(six), item_dicts(six)[0]]
        latest = RuleSet.objects.order_by("-version").first()
        with pytest.raises(DomainError):
            services.rule_set_revise(actor=staff, rule_set=latest, items=duplicated)
        with pytest.raises(DomainError):
            services.rule_set_revise(actor=staff, rule_set=latest, items=[])


@pytest.mark.parametrize(
    ("category", "day", "photos", "field"),
    [
        ("study", date(2026, 5, 21), 1, "occurred_on"),  # tomorrow
        ("study", date(2026, 5, 10), 0, "photos"),  # needs evidence
        ("suggestion", date(2026, 5, 10), 0, "category"),  # recorded by the system
        ("absent_without_leave", date(2026, 5, 10), 0, "category"),  # staff only
        ("singing", date(2026, 5, 10), 0, "category"),
        ("study", date(2026, 5, 10), 7, "photos"),
        ("study", date(2025, 12, 10), 1, "occurred_on"),  # no rules for 2025
        ("study", None, 1, "occurred_on"),
    ],
)
def test_a_report_is_refused_with_the_field_to_fix(
    tenant_a, six, deputy, category, day, photos, field
):
    with tenant_a.scope(), at():
        with pytest.raises(DomainError) as refused:
            services.duty_record_report(
                actor=deputy.user,
                deputy=deputy,
                category=category,
                occurred_on=day,
                description="参加培训",
                photos=[photo() for _ in range(photos)],
            )
        assert refused.value.field == field
        assert not DutyRecord.objects.exists()


def test_a_report_with_a_file_that_is_not_a_photo_is_refused(tenant_a, six, deputy):
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with tenant_a.scope(), at():
        with pytest.raises(DomainError) as refused:
            services.duty_record_report(
                actor=deputy.user,
                deputy=deputy,
                category="study",
                occurred_on=date(2026, 5, 10),
                description="参加培训",
                photos=[fake],
            )
        assert refused.value.field == "photos"
        assert not DutyRecord.objects.exists()


def test_recess_only_duties_cannot_be_dated_in_a_congress_meeting(tenant_a, six, deputy):
    with tenant_a.scope(), at():
        CongressSessionFactory(
            congress=tenant_a.congress, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 4)
        )
        with pytest.raises(DomainError, match="视察调研"):
            services.duty_record_report(
                actor=deputy.user,
                deputy=deputy,
                category="inspection",
                occurred_on=date(2026, 3, 3),
                description="视察河道",
                photos=[photo()],
            )
        record = services.duty_record_report(
            actor=deputy.user,
            deputy=deputy,
            category="inspection",
            occurred_on=date(2026, 3, 5),
            description="  视察\n河道  ",
            photos=[photo()],
        )
        assert record.description == "视察 河道"
        assert record.status == RecordStatus.SUBMITTED and record.quarter == 1
        stored = record.photos.get()
        with Image.open(stored.image) as image:
            assert image.format == "JPEG"
            assert not image.getexif()


def test_batch_entry_skips_who_already_has_it_and_refuses_the_not_serving(tenant_a, six):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    congress = tenant_a.congress
    with tenant_a.scope(), at():
        first, second = DeputyFactory(congress=congress), DeputyFactory(congress=congress)
        gone = DeputyFactory(congress=congress, status="resigned", name="吴退")
        created, skipped = services.duty_records_enter(
            actor=staff,
            deputies=[first],
            category="congress_meeting",
            occurred_on=date(2026, 5, 8),
            description="区人大常委会会议",
        )
        created, skipped = services.duty_records_enter(
            actor=staff,
            deputies=[first, second, second],
            category="congress_meeting",
            occurred_on=date(2026, 5, 8),
            description="区人大常委会会议",
        )
        assert [record.deputy for record in created] == [second]
        assert skipped == [first]
        assert DutyRecord.objects.filter(status="approved", origin="staff").count() == 2
        assert DutyRecordEvent.objects.filter(action="enter").count() == 2
        with pytest.raises(DomainError, match="吴退"):
            services.duty_records_enter(
                actor=staff,
                deputies=[gone],
                category="congress_meeting",
                occurred_on=date(2026, 5, 8),
                description="区人大常委会会议",
            )
        with pytest.raises(DomainError):
            services.duty_records_enter(
                actor=staff,
                deputies=[],
                category="congress_meeting",
                occurred_on=date(2026, 5, 8),
                description="区人大常委会会议",
            )


def test_audit_acts_only_on_what_is_open_and_tells_the_deputy_once(tenant_a, six, deputy):
    staff = tenant_a.user(Role.STATION_STAFF)
    congress = tenant_a.congress
    with tenant_a.scope(), at():
        waiting = [
            DutyRecordFactory(congress=congress, deputy=deputy, status="submitted", origin="deputy")
            for _ in range(3)
        ]
        automatic = DutyRecordFactory(
            congress=congress, deputy=deputy, origin="automatic", source_type="message_answered"
        )
        assert services.duty_records_approve(actor=staff, records=[waiting[0], automatic]) == 1
        assert services.duty_records_approve(actor=staff, records=[waiting[0]]) == 0
        with pytest.raises(DomainError):
            services.duty_records_reject(actor=staff, records=waiting, reason="  ")
        rejected = services.duty_records_reject(
            actor=staff, records=[*waiting, automatic], reason="照片看不清"
        )
        # The approved one can still be taken back before the quarter closes; not the automatic.
        assert rejected == 3
        assert DutyRecord.objects.get(pk=automatic.pk).status == "approved"
        assert DutyRecord.objects.filter(reject_reason="照片看不清").count() == 3
        notices = Notification.objects.filter(user=deputy.user, kind="duty_rejected")
        assert notices.count() == 1 and "3" in notices.get().title
        with pytest.raises(DomainError):
            services.duty_records_approve(actor=staff, records=[])


def test_a_quarter_is_scored_by_the_version_it_closed_with_else_the_latest(tenant_a):
    from scoring.models import DutyQuarter, RuleSet
    from scoring.selectors import rule_set_for_quarter

    congress = tenant_a.congress
    with tenant_a.scope():  # test setup
        first, second = (
            RuleSet.objects.create(congress=congress, year=2026, version=v, name=f"第{v}版")
            for v in (1, 2)
        )
        RuleSet.objects.create(congress=congress, year=2025, version=3, name="上年规则")
        closed = DutyQuarter.Status.CLOSED
        DutyQuarter.objects.create(
            congress=congress, year=2026, quarter=1, status=closed, rule_set=first
        )
        DutyQuarter.objects.create(congress=congress, year=2026, quarter=2, status=closed)
        DutyQuarter.objects.create(
            congress=congress, year=2026, quarter=3, status=DutyQuarter.Status.OPEN, rule_set=first
        )
        assert rule_set_for_quarter(year=2026, quarter=1) == first  # closed with version 1
        assert rule_set_for_quarter(year=2026, quarter=2) == second  # closed without a version
        assert rule_set_for_quarter(year=2026, quarter=3) == second  # open: the latest
        assert rule_set_for_quarter(year=2026, quarter=4) == second  # no quarter row yet
        assert rule_set_for_quarter(year=2027, quarter=1) is None  # no rules for the year
