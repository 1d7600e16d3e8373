"""Background jobs: ids in, the congress scope on, progress and outcome recorded; schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler
from django_scopes import scopes_disabled

from congress import celery_app, services
from congress.jobs import JobContext, congress_task
from congress.models import JobRun, JobStatus, Membership, Role
from congress.schedules import BEAT_SCHEDULE
from congress.tasks import run_for_each_congress
from tests.factories import JobRunFactory
from tests.worker import real_worker, wait_for


@congress_task(label="统计人员")
def count_members(job: JobContext, *, role: str) -> dict:
    """A job that can only work inside its congress's scope."""
    job.progress(50, "counting")
    return {"count": Membership.objects.filter(role=role).count(), "slug": job.congress.slug}


@congress_task(label="会失败的任务")
def always_fails(job: JobContext) -> dict:
    raise ValueError("数据有误")


def enqueue(tenant, task, django_capture_on_commit_callbacks, **kwargs) -> JobRun:
    actor = tenant.user(Role.COMMITTEE_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        job_run = services.job_run_enqueue(
            congress=tenant.congress, task=task, label=task.label, actor=actor, **kwargs
        )
    with tenant.scope():
        return JobRun.objects.get(pk=job_run.pk)


def test_a_job_runs_in_its_congress_scope_and_records_the_outcome(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    job_run = enqueue(tenant_a, count_members, django_capture_on_commit_callbacks, role=Role.DEPUTY)
    assert job_run.status == JobStatus.SUCCEEDED
    assert job_run.result == {"count": 1, "slug": tenant_a.congress.slug}
    assert job_run.progress == 100
    assert job_run.created_by == tenant_a.user(Role.COMMITTEE_STAFF)
    assert job_run.started_at <= job_run.finished_at


def test_the_job_is_sent_only_after_the_transaction_commits(
    tenant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_run = services.job_run_enqueue(
            congress=tenant_a.congress, task=count_members, label="x", role=Role.DEPUTY
        )
    with tenant_a.scope():
        assert JobRun.objects.get(pk=job_run.pk).status == JobStatus.QUEUED
    assert len(callbacks) == 1


def test_a_failing_job_is_recorded_as_failed(tenant_a, django_capture_on_commit_callbacks):
    job_run = enqueue(tenant_a, always_fails, django_capture_on_commit_callbacks)
    assert job_run.status == JobStatus.FAILED
    assert job_run.message == "数据有误"
    assert job_run.finished_at is not None


def test_a_job_from_the_schedule_records_its_own_run(tenant_a):
    count_members.delay(congress_id=tenant_a.congress.pk, role=Role.LEADER)
    with tenant_a.scope():
        job_run = JobRun.objects.get()
    assert job_run.task_name == count_members.name
    assert job_run.created_by is None
    assert job_run.result["count"] == 1


def test_a_redelivered_finished_job_does_not_run_again(
    tenant_a, django_capture_on_commit_callbacks
):
    job_run = enqueue(tenant_a, count_members, django_capture_on_commit_callbacks, role=Role.DEPUTY)
    with tenant_a.scope():
        JobRun.objects.filter(pk=job_run.pk).update(result={"count": 99})
    count_members.delay(congress_id=tenant_a.congress.pk, job_run_id=job_run.pk, role=Role.DEPUTY)
    with tenant_a.scope():
        assert JobRun.objects.get(pk=job_run.pk).result == {"count": 99}


def test_fan_out_runs_the_job_for_every_active_congress(tenant_a, tenant_b):
    old = timezone.now() - timedelta(days=100)
    with scopes_disabled():  # test setup across congresses
        stale_a = JobRunFactory(congress=tenant_a.congress)
        fresh_b = JobRunFactory(congress=tenant_b.congress)
        JobRun.objects.filter(pk=stale_a.pk).update(created_at=old)
    sent = run_for_each_congress.delay("congress.tasks.prune_job_runs")
    assert sent.get() == 2
    with tenant_a.scope():
        assert not JobRun.objects.filter(pk=stale_a.pk).exists()
        prune_a = JobRun.objects.get(
            task_name="congress.tasks.prune_job_runs",
            created_by=None,
            label="清理过期任务记录",
            status=JobStatus.SUCCEEDED,
            result={"deleted": 1},
        )
    with tenant_b.scope():
        assert JobRun.objects.filter(pk=fresh_b.pk).exists()
        assert JobRun.objects.get(pk__gt=fresh_b.pk, result={"deleted": 0})
    assert prune_a.congress == tenant_a.congress


def test_every_scheduled_task_exists():
    registered = celery_app.tasks
    assert BEAT_SCHEDULE
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in registered, name
        for argument in entry.get("args", ()):
            if isinstance(argument, str) and argument.count(".") >= 2:
                assert argument in registered, (name, argument)


def test_the_beat_scheduler_stores_the_declared_schedules(transactional_db):
    # The scheduler closes the database connection as it sets up, so no test transaction.
    scheduler = DatabaseScheduler(app=celery_app, lazy=True)
    scheduler.setup_schedule()
    stored = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(BEAT_SCHEDULE) <= stored


def test_the_jobs_page_and_the_progress_endpoint(
    tenant_a, client_as, django_capture_on_commit_callbacks
):
    job_run = enqueue(tenant_a, count_members, django_capture_on_commit_callbacks, role=Role.DEPUTY)
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = staff.get(f"/c/{tenant_a.congress.slug}/jobs/")
    assert "统计人员" in page.content.decode()
    assert "已完成" in page.content.decode()
    data = staff.get(f"/api/v1/c/{tenant_a.congress.slug}/jobs/{job_run.pk}/").json()
    assert data["status"] == "succeeded"
    assert data["progress"] == 100
    assert data["result"] == {"count": 1, "slug": tenant_a.congress.slug}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_jobs_from_the_broker(tenant_a, tenant_b):
    with real_worker():
        with tenant_a.scope():
            job_a = services.job_run_enqueue(
                congress=tenant_a.congress, task=count_members, label="统计人员", role=Role.DEPUTY
            )
        with tenant_b.scope():
            job_b = services.job_run_enqueue(
                congress=tenant_b.congress, task=always_fails, label="会失败的任务"
            )

        def finished():
            """both jobs to finish"""
            with scopes_disabled():
                runs = JobRun.objects.filter(pk__in=[job_a.pk, job_b.pk])
                return all(run.is_finished for run in runs) and runs

        runs = {run.pk: run for run in wait_for(finished)}
    assert runs[job_a.pk].status == JobStatus.SUCCEEDED
    assert runs[job_a.pk].result == {"count": 1, "slug": tenant_a.congress.slug}
    assert runs[job_b.pk].status == JobStatus.FAILED
    assert runs[job_b.pk].message == "数据有误"
