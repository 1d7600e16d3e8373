"""The quarterly ranking job under faults: run twice, run twice at once, and killed mid-run on
a real worker, it leaves one snapshot, with the figures of an undisturbed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scope, scopes_disabled

from congress import celery_app
from congress.models import JobRun, JobStatus, Role
from scoring import warning_engine
from scoring.models import DutyQuarter, Ranking
from scoring.tasks import close_and_rank, compute_ranking, ranking_job_start
from tests.faults.conftest import (
    EXPECTED_POINTS,
    QUARTER,
    YEAR,
    needs_postgresql,
    quarter_points,
    quarter_with_records,
    snapshot,
)
from tests.worker import wait_for


def rank_undisturbed(tenant) -> dict:
    """The reference: the same duties ranked by one run that nothing interrupts."""
    quarter_with_records(tenant)
    with tenant.scope():
        close_and_rank(congress=tenant.congress, year=YEAR, quarter=QUARTER)
    return snapshot(tenant)


def start_ranking(tenant, django_capture_on_commit_callbacks=None) -> JobRun:
    staff = tenant.user(Role.COMMITTEE_STAFF)
    with tenant.scope():
        if django_capture_on_commit_callbacks is None:
            job_run = ranking_job_start(
                actor=staff, congress=tenant.congress, year=YEAR, quarter=QUARTER
            )
        else:
            with django_capture_on_commit_callbacks(execute=True):
                job_run = ranking_job_start(
                    actor=staff, congress=tenant.congress, year=YEAR, quarter=QUARTER
                )
        return JobRun.objects.get(pk=job_run.pk)


def test_running_the_ranking_job_twice_gives_the_same_snapshot_not_a_second_one(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    reference = rank_undisturbed(tenant_b)
    quarter_with_records(tenant_a)
    first = start_ranking(tenant_a, django_capture_on_commit_callbacks)
    figures = snapshot(tenant_a)
    second = start_ranking(tenant_a, django_capture_on_commit_callbacks)
    assert (first.status, second.status) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED)
    assert first.result["ranking_id"] == second.result["ranking_id"]
    assert snapshot(tenant_a) == figures == reference
    assert quarter_points(tenant_a) == EXPECTED_POINTS
    with tenant_a.scope():
        assert Ranking.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_ranking_jobs_at_once_give_one_snapshot(tenant_a, tenant_b, monkeypatch):
    reference = rank_undisturbed(tenant_b)
    quarter_with_records(tenant_a)
    with tenant_a.scope():
        runs = [
            JobRun.objects.create(
                congress=tenant_a.congress, task_name=compute_ranking.name, label="排名"
            )
            for _ in range(2)
        ]
    computed, finished = [], {}
    evaluate = warning_engine.warnings_evaluate

    def slow_evaluate(**kwargs):
        # The run that computes holds the quarter's lock for a second with its rows written:
        # the other run must be waiting on that lock, not writing a second snapshot.
        computed.append(time.monotonic())
        time.sleep(1)
        return evaluate(**kwargs)

    monkeypatch.setattr(warning_engine, "warnings_evaluate", slow_evaluate)
    start = threading.Barrier(2)

    def run(job_run: JobRun) -> None:
        try:
            start.wait()
            compute_ranking.apply(
                kwargs={
                    "congress_id": tenant_a.congress.pk,
                    "job_run_id": job_run.pk,
                    "year": YEAR,
                    "quarter": QUARTER,
                },
                throw=True,
            )
            finished[job_run.pk] = time.monotonic()
        finally:
            connection.close()  # each thread had a connection of its own

    threads = [threading.Thread(target=run, args=(job_run,)) for job_run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(computed) == 1
    # Both started before the snapshot was committed; both end with it.
    assert all(at > computed[0] + 1 for at in finished.values())
    with scope(congress=tenant_a.congress):
        done = [JobRun.objects.get(pk=job_run.pk) for job_run in runs]
        ranking = Ranking.objects.get()
    assert [job_run.status for job_run in done] == [JobStatus.SUCCEEDED] * 2
    assert {job_run.result["ranking_id"] for job_run in done} == {ranking.pk}
    figures = snapshot(tenant_a)
    assert figures == reference
    assert quarter_points(tenant_a) == EXPECTED_POINTS


# A worker killed in the middle of the ranking ------------------------------------------------


def test_database_url() -> str:
    db = connection.settings_dict
    user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def worker_processes(tmp_path):
    """Start worker processes on the test's database and Redis; every one is killed at the end."""
    processes: list[subprocess.Popen] = []

    def start(name: str, pause_file=None) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": test_database_url(), "FAULT_VISIBILITY": "3"}
        env.pop("FAULT_PAUSE_FILE", None)
        if pause_file is not None:
            env["FAULT_PAUSE_FILE"] = str(pause_file)
        with open(tmp_path / f"{name}.log", "w") as log:
            process = subprocess.Popen(  # noqa: S603 (this interpreter, the project's module)
                [sys.executable, "-m", "tests.faults.worker_process", name],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        return process

    def logs() -> str:
        return "\n".join(path.read_text() for path in sorted(tmp_path.glob("*.log")))

    start.logs = logs
    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not (settings.REDIS_URL and connection.vendor == "postgresql"),
    reason=(
        "needs the server mode (REDIS_URL and DATABASE_URL): the embedded file broker hands a "
        "message over once and cannot give it back when the worker dies, and the embedded test "
        "database lives in the test process's memory, out of a worker process's reach"
    ),
)
def test_a_worker_killed_mid_ranking_leaves_the_job_to_a_new_worker_and_one_snapshot(
    tenant_a, tenant_b, worker_processes, tmp_path
):
    reference = rank_undisturbed(tenant_b)
    quarter_with_records(tenant_a)
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as broker:
        # Messages of an earlier, interrupted run would name rows that no longer exist.
        broker.default_channel.queue_purge(celery_app.conf.task_default_queue)
    job_run = start_ranking(tenant_a)
    paused = tmp_path / "paused"
    first = worker_processes("faults-first", pause_file=paused)

    def inside_the_ranking():
        """the first worker to reach the middle of the ranking"""
        assert first.poll() is None, worker_processes.logs()
        return paused.exists()

    wait_for(inside_the_ranking, timeout=30)
    with scope(congress=tenant_a.congress):
        assert JobRun.objects.get(pk=job_run.pk).status == JobStatus.RUNNING
        # Its rows are written but not committed: nobody else sees them.
        assert not Ranking.objects.exists()
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    with scope(congress=tenant_a.congress):
        # The close was committed before the ranking began; the ranking died with the worker.
        assert DutyQuarter.objects.get(year=YEAR, quarter=QUARTER).is_closed
        assert not Ranking.objects.exists()
        assert JobRun.objects.get(pk=job_run.pk).status == JobStatus.RUNNING

    second = worker_processes("faults-second")

    def finished():
        """the second worker to finish the redelivered ranking"""
        assert second.poll() is None, worker_processes.logs()
        with scopes_disabled():
            run = JobRun.objects.get(pk=job_run.pk)
            return run.is_finished and run

    run = wait_for(finished, timeout=40)
    assert run.status == JobStatus.SUCCEEDED, run.message
    with scope(congress=tenant_a.congress):
        ranking = Ranking.objects.get()
        assert JobRun.objects.count() == 1
    assert run.result["ranking_id"] == ranking.pk
    figures = snapshot(tenant_a)
    assert figures == reference
    assert quarter_points(tenant_a) == EXPECTED_POINTS
