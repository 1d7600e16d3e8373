"""Ranking as a job: on staff's request, every night for the quarters due, and from the
command line; each gives one snapshot however often it runs."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from congress.errors import DomainError
from congress.models import JobRun, JobStatus, Notification, Role
from congress.schedules import BEAT_SCHEDULE
from scoring import services
from scoring.models import DutyQuarter, Ranking, RankingEntry
from scoring.tasks import close_due_quarters, quarters_due, ranking_job_start
from tests.factories import DeputyFactory, DutyRecordFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


@pytest.fixture
def rules(tenant_a):
    with tenant_a.scope():
        deputy = DeputyFactory(congress=tenant_a.congress, name="孙丽")
        DutyRecordFactory(congress=tenant_a.congress, deputy=deputy, occurred_on=date(2026, 2, 2))
        return services.rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="six"
        )


def test_staff_start_a_ranking_job_that_closes_and_ranks(
    tenant_a, rules, django_capture_on_commit_callbacks
):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope(), at(date(2026, 4, 3)):
        with django_capture_on_commit_callbacks(execute=True):
            job = ranking_job_start(actor=staff, congress=tenant_a.congress, year=2026, quarter=1)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED
        ranking = Ranking.objects.get(year=2026, quarter=1)
        assert job.result["ranking_id"] == ranking.pk
        assert DutyQuarter.objects.get(year=2026, quarter=1).closed_by == staff
        with django_capture_on_commit_callbacks(execute=True):
            again = ranking_job_start(actor=staff, congress=tenant_a.congress, year=2026, quarter=1)
        again.refresh_from_db()
        assert again.result["ranking_id"] == ranking.pk
        assert Ranking.objects.count() == 1


def test_a_ranking_job_is_refused_at_once_when_it_cannot_run(tenant_a, rules):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        DutyRecordFactory(
            congress=tenant_a.congress, occurred_on=date(2026, 3, 3), status="submitted"
        )
    with tenant_a.scope(), at(date(2026, 4, 3)):
        with pytest.raises(DomainError, match="1"):
            ranking_job_start(actor=staff, congress=tenant_a.congress, year=2026, quarter=1)
        with pytest.raises(DomainError):
            ranking_job_start(actor=staff, congress=tenant_a.congress, year=2026, quarter=2)
        with pytest.raises(DomainError):
            ranking_job_start(actor=staff, congress=tenant_a.congress, year=2025, quarter=4)
        assert not JobRun.objects.exists()


def test_the_nightly_job_waits_for_the_reporting_days_and_the_audit(tenant_a, rules):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        waiting = DutyRecordFactory(
            congress=tenant_a.congress, occurred_on=date(2026, 3, 3), status="submitted"
        )
    with tenant_a.scope():
        # Ten reporting days after the quarter by default.
        assert quarters_due(today=date(2026, 4, 10)) == []
        assert quarters_due(today=date(2026, 4, 11)) == [(2026, 1)]
        result = close_due_quarters(
            congress=tenant_a.congress, today=date(2026, 4, 11), staff=[staff]
        )
        assert result == {"ranked": [], "waiting": ["2026Q1"]}
        close_due_quarters(congress=tenant_a.congress, today=date(2026, 4, 12), staff=[staff])
        # Staff are told once, not every night.
        assert Notification.objects.filter(user=staff, kind="duty_quarter_waiting").count() == 1
        services.duty_records_approve(actor=staff, records=[waiting])
        result = close_due_quarters(
            congress=tenant_a.congress, today=date(2026, 4, 13), staff=[staff]
        )
        assert result == {"ranked": ["2026Q1"], "waiting": []}
        assert DutyQuarter.objects.get(year=2026, quarter=1).closed_by is None
        again = close_due_quarters(
            congress=tenant_a.congress, today=date(2026, 4, 14), staff=[staff]
        )
        assert again == {"ranked": [], "waiting": []}
    assert "scoring.tasks.close_quarters" in [
        entry["args"][0] for entry in BEAT_SCHEDULE.values() if entry.get("args")
    ]


def test_the_command_ranks_a_quarter_once(tenant_a, rules):
    slug = tenant_a.congress.slug
    with at(date(2026, 4, 3)):
        out = StringIO()
        call_command("compute_rankings", "--congress", slug, "--quarter", "2026Q1", stdout=out)
        assert "2026Q1" in out.getvalue()
        call_command("compute_rankings", "--congress", slug, "--quarter", "2026q1", stdout=out)
        with tenant_a.scope():
            assert Ranking.objects.count() == 1
            assert RankingEntry.objects.filter(period="quarter").count() == 1
        with pytest.raises(CommandError):
            call_command("compute_rankings", "--congress", slug, "--quarter", "2026Q5")
        with pytest.raises(CommandError):
            call_command("compute_rankings", "--congress", "nowhere", "--quarter", "2026Q1")
        with pytest.raises(CommandError, match="2026Q2"):
            call_command("compute_rankings", "--congress", slug, "--quarter", "2026Q2")
