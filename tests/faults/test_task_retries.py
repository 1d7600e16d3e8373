"""Every task is acknowledged late and tried again with backoff after a transient failure; a
job tried again works on one JobRun, and a finished one is never run twice."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django_scopes import scopes_disabled
from redis.exceptions import ConnectionError as RedisConnectionError

from congress import celery_app, services
from congress.celery import TRANSIENT_ERRORS, ServiceUnavailable
from congress.jobs import JobContext, congress_task
from congress.models import JobRun, JobStatus, Membership, Role
from congress.tasks import run_for_each_congress
from tests.worker import real_worker, wait_for

# Failures each test's flaky job is still to raise, and the tries it saw.
PLAN: dict[str, list] = {"failures": [], "tries": []}


@congress_task(label="时好时坏的任务")
def flaky_count(job: JobContext) -> dict:
    PLAN["tries"].append(job.job_run.pk)
    if PLAN["failures"]:
        raise PLAN["failures"].pop(0)
    return {"members": Membership.objects.count(), "tries": len(PLAN["tries"])}


@pytest.fixture
def plan():
    # Eager tasks that propagate errors raise Celery's Retry to the caller instead of trying
    # again; a worker tries again, so the eager runs here do as a worker would.
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    PLAN["failures"], PLAN["tries"] = [], []
    yield PLAN
    PLAN["failures"], PLAN["tries"] = [], []
    celery_app.conf.task_eager_propagates = propagates


def project_tasks() -> dict:
    celery_app.loader.import_default_modules()
    return {
        name: task
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.") and not name.startswith("tests.")
    }


def test_every_project_task_is_acknowledged_late_and_retried_with_backoff():
    tasks = project_tasks()
    # The jobs the schedule and the pages start are all here (a new app's tasks.py too).
    assert {
        "congress.tasks.run_for_each_congress",
        "congress.tasks.clear_expired_sessions",
        "scoring.tasks.compute_ranking",
        "scoring.tasks.close_quarters",
        "suggestions.reminders.suggestion_reminders",
        "liaison.reminders.send_daily_reminders",
        "reports.tasks.build_quarterly_workbook",
    } <= set(tasks)
    for name, task in tasks.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
        assert set(TRANSIENT_ERRORS) <= set(task.autoretry_for), name
        assert task.retry_backoff, name
        assert 0 < task.retry_backoff_max <= 600, name
        assert task.retry_jitter is True, name
        assert 3 <= task.max_retries <= 10, name


def test_the_transient_errors_are_the_database_redis_the_broker_and_gateways():
    assert {OperationalError, RedisConnectionError, ServiceUnavailable} <= set(TRANSIENT_ERRORS)
    assert ValueError not in TRANSIENT_ERRORS


def enqueue(tenant, task, django_capture_on_commit_callbacks) -> JobRun:
    with django_capture_on_commit_callbacks(execute=True):
        job_run = services.job_run_enqueue(
            congress=tenant.congress,
            task=task,
            label=task.label,
            actor=tenant.user(Role.COMMITTEE_STAFF),
        )
    with tenant.scope():
        return JobRun.objects.get(pk=job_run.pk)


def test_a_job_failing_transiently_is_tried_again_and_then_succeeds(
    tenant_a, plan, django_capture_on_commit_callbacks
):
    plan["failures"] = [
        OperationalError("server closed the connection unexpectedly"),
        RedisConnectionError("Connection refused"),
    ]
    job_run = enqueue(tenant_a, flaky_count, django_capture_on_commit_callbacks)
    assert job_run.status == JobStatus.SUCCEEDED
    assert job_run.result == {"members": len(Role.values), "tries": 3}
    # Three tries, one run: each retry carried the run it belongs to.
    assert plan["tries"] == [job_run.pk] * 3
    with tenant_a.scope():
        assert JobRun.objects.count() == 1


def test_a_scheduled_job_tried_again_keeps_its_one_run(tenant_a, plan):
    plan["failures"] = [ServiceUnavailable("短信网关无响应")]
    flaky_count.delay(congress_id=tenant_a.congress.pk)
    with tenant_a.scope():
        job_run = JobRun.objects.get()
    assert job_run.status == JobStatus.SUCCEEDED
    assert plan["tries"] == [job_run.pk] * 2


def test_when_the_tries_are_spent_the_run_fails_with_the_reason(
    tenant_a, plan, django_capture_on_commit_callbacks
):
    plan["failures"] = [OperationalError("数据库正在重启")] * (flaky_count.max_retries + 1)
    job_run = enqueue(tenant_a, flaky_count, django_capture_on_commit_callbacks)
    assert len(plan["tries"]) == flaky_count.max_retries + 1
    assert job_run.status == JobStatus.FAILED
    assert job_run.message == "数据库正在重启"


def test_a_fault_in_the_job_itself_is_not_tried_again(
    tenant_a, plan, django_capture_on_commit_callbacks
):
    plan["failures"] = [ValueError("花名册第3行缺少姓名")]
    job_run = enqueue(tenant_a, flaky_count, django_capture_on_commit_callbacks)
    assert job_run.status == JobStatus.FAILED
    assert job_run.message == "花名册第3行缺少姓名"
    assert len(plan["tries"]) == 1


def test_a_message_delivered_again_after_its_run_finished_does_nothing(
    tenant_a, plan, django_capture_on_commit_callbacks
):
    job_run = enqueue(tenant_a, flaky_count, django_capture_on_commit_callbacks)
    # The worker died after the run was recorded but before the message was acknowledged.
    flaky_count.delay(congress_id=tenant_a.congress.pk, job_run_id=job_run.pk)
    assert len(plan["tries"]) == 1
    with tenant_a.scope():
        assert JobRun.objects.get(pk=job_run.pk).result["tries"] == 1


def test_the_fan_out_names_a_run_for_each_congress_before_sending_it(tenant_a, tenant_b, plan):
    plan["failures"] = [OperationalError("连接中断")]
    assert run_for_each_congress.delay(flaky_count.name).get() == 2
    with scopes_disabled():  # test check across congresses
        runs = list(JobRun.objects.filter(task_name=flaky_count.name))
    assert len(runs) == 2
    assert {run.congress_id for run in runs} == {tenant_a.congress.pk, tenant_b.congress.pk}
    assert all(run.status == JobStatus.SUCCEEDED for run in runs)
    # The first congress's job failed once and was tried again on its own run.
    assert sorted(plan["tries"]) == sorted([runs[0].pk, runs[1].pk, plan["tries"][0]])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_with_backoff_and_the_job_succeeds(tenant_a, plan):
    plan["failures"] = [OperationalError("server closed the connection unexpectedly")] * 2
    with real_worker():
        with tenant_a.scope():
            job_run = services.job_run_enqueue(
                congress=tenant_a.congress, task=flaky_count, label=flaky_count.label
            )

        def finished():
            """the flaky job to succeed after its retries"""
            with scopes_disabled():
                run = JobRun.objects.get(pk=job_run.pk)
                return run.is_finished and run

        run = wait_for(finished, timeout=30)
    assert run.status == JobStatus.SUCCEEDED
    assert run.result["tries"] == 3
    assert plan["tries"] == [job_run.pk] * 3
