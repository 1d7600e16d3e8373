"""Station staff audit their deputies' duty records in a batch on a desktop screen: two approved
at once, one rejected with a reason that reaches the deputy."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from congress.models import Notification, Role
from scoring.models import DutyRecord, RecordOrigin, RecordStatus
from tests.factories import (
    DeputyFactory,
    DutyRecordFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
)


def test_station_staff_audit_records_in_a_batch(tenant_a, desktop_page, sign_in):
    page = desktop_page
    staff_user = tenant_a.user(Role.STATION_STAFF)
    deputy_user = tenant_a.user(Role.DEPUTY)
    day = timezone.localdate() - timedelta(days=1)
    with scopes_disabled():  # test setup
        station = LiaisonStationFactory(congress=tenant_a.congress, name="城关联络站")
        StationStaffFactory(station=station, user=staff_user)
        zhou = DeputyFactory(congress=tenant_a.congress, name="周玉兰", user=deputy_user)
        chen = DeputyFactory(congress=tenant_a.congress, name="陈志强")
        for deputy in (zhou, chen):
            StationDeputyFactory(station=station, deputy=deputy)
        records = [
            DutyRecordFactory(
                congress=tenant_a.congress,
                deputy=deputy,
                status=RecordStatus.SUBMITTED,
                origin=RecordOrigin.DEPUTY,
                occurred_on=day,
                description=description,
            )
            for deputy, description in (
                (zhou, "走访城关社区独居老人"),
                (chen, "参加代表小组集中学习"),
                (zhou, "在联络站接待选民"),
                (chen, "调研农贸市场改造"),
            )
        ]
    queue = reverse("duty_review:queue", kwargs={"congress_slug": tenant_a.congress.slug})

    sign_in(page, staff_user)
    page.goto(queue)
    expect(page.locator("h1")).to_have_text("履职记录审核")
    expect(page.locator("#review-count")).to_have_text("4 条记录")
    page.locator(f"#tick-{records[0].pk}").check()
    page.locator(f"#tick-{records[1].pk}").check()
    page.locator("#approve-selected").click()
    expect(page.locator(".messages")).to_contain_text("已通过 2 条记录")
    expect(page.locator("#review-count")).to_have_text("2 条记录")

    page.locator(f"#tick-{records[2].pk}").check()
    page.locator("input[name=reason]").fill("照片看不清活动内容，请补充")
    page.locator("#reject-selected").click()
    expect(page.locator(".messages")).to_contain_text("已退回 1 条记录")
    expect(page.locator("#review-count")).to_have_text("1 条记录")
    expect(page.locator(f"#record-{records[3].pk}")).to_contain_text("调研农贸市场改造")

    with scopes_disabled():  # test reading
        statuses = [DutyRecord.objects.get(pk=record.pk).status for record in records]
        assert statuses == ["approved", "approved", "rejected", "submitted"]
        rejected = DutyRecord.objects.get(pk=records[2].pk)
        assert rejected.reject_reason == "照片看不清活动内容，请补充"
        assert rejected.reviewed_by == staff_user
        notice = Notification.objects.get(user=deputy_user)
        assert notice.body == "照片看不清活动内容，请补充"

    # The audited tab shows what was done.
    page.locator(".review-tabs a").nth(1).click()
    expect(page.locator("#review-count")).to_have_text("3 条记录")
    expect(page.locator(f"#record-{records[2].pk}")).to_contain_text("照片看不清活动内容")


def test_the_header_checkbox_ticks_every_record(tenant_a, desktop_page, sign_in):
    page = desktop_page
    staff_user = tenant_a.user(Role.COMMITTEE_STAFF)
    with scopes_disabled():  # test setup
        records = [
            DutyRecordFactory(
                congress=tenant_a.congress, status=RecordStatus.SUBMITTED, origin="deputy"
            )
            for _n in range(3)
        ]
    sign_in(page, staff_user)
    page.goto(reverse("duty_review:queue", kwargs={"congress_slug": tenant_a.congress.slug}))
    page.locator("#check-all").check()
    for record in records:
        expect(page.locator(f"#tick-{record.pk}")).to_be_checked()
    page.locator("#check-all").uncheck()
    page.locator("[data-select-all]").click()
    for record in records:
        expect(page.locator(f"#tick-{record.pk}")).to_be_checked()
    page.locator("#approve-selected").click()
    expect(page.locator(".messages")).to_contain_text("已通过 3 条记录")
