"""The base for background jobs of one congress: ids in, scope on, progress and outcome recorded."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.utils import timezone
from django_scopes import scope

from congress.celery import TRANSIENT_ERRORS
from congress.models import Congress, JobRun, JobStatus, User
from congress.services import job_run_start, job_run_update

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    congress: Congress
    job_run: JobRun
    actor: User | None

    def progress(self, percent: int, message: str = "") -> None:
        job_run_update(self.job_run, progress=max(0, min(100, percent)), message=message[:500])


def congress_task(label: str, **task_options: Any) -> Callable:
    """Declare a job that runs for one congress.

    The task is called with `congress_id` (and `job_run_id` when a page started it); the body
    gets a JobContext whose congress scope is active, and returns a JSON-able result. Transient
    failures are tried again with backoff on the same JobRun, which fails only once the tries
    are spent; any other error fails the run and is recorded. A message delivered again after
    its run finished (the worker died before acknowledging it) does nothing.
    """

    def decorator(body: Callable[..., dict | None]):
        # Acknowledged late and tried again with backoff: see congress.celery.ReliableTask.
        @shared_task(name=f"{body.__module__}.{body.__name__}", bind=True, **task_options)
        @functools.wraps(body)
        def task(self, *, congress_id: int, job_run_id: int | None = None, **kwargs):
            congress = Congress.objects.get(pk=congress_id)
            with scope(congress=congress):
                job_run = _job_run_for(congress, job_run_id, self.name, label)
                if job_run.is_finished:
                    # A redelivered message for a finished run: its work is already done.
                    return None
                # A retry is sent with the request's arguments: name the run, so that every
                # try works on (and reports to) the same JobRun.
                if isinstance(self.request.kwargs, dict):
                    self.request.kwargs["job_run_id"] = job_run.pk
                job_run_start(job_run)
                context = JobContext(congress=congress, job_run=job_run, actor=job_run.created_by)
                try:
                    result = body(context, **kwargs) or {}
                except TRANSIENT_ERRORS as error:
                    if self.request.retries >= self.max_retries:
                        _record_failure(job_run, error)
                    raise
                except Exception as error:
                    logger.exception("Job %s failed for congress %s", self.name, congress.slug)
                    _record_failure(job_run, error)
                    return None
                job_run_update(
                    job_run,
                    status=JobStatus.SUCCEEDED,
                    progress=100,
                    result=result,
                    finished_at=timezone.now(),
                )
                return None

        task.label = label
        return task

    return decorator


def _record_failure(job_run: JobRun, error: BaseException) -> None:
    try:
        job_run_update(
            job_run, status=JobStatus.FAILED, message=str(error)[:500], finished_at=timezone.now()
        )
    except TRANSIENT_ERRORS:
        # The database itself is away: the run stays "running" and the log has the error.
        logger.exception("Could not record the failure of job run %s", job_run.pk)


def _job_run_for(congress: Congress, job_run_id: int | None, name: str, label: str) -> JobRun:
    if job_run_id is not None:
        return JobRun.objects.select_related("created_by").get(pk=job_run_id)
    return JobRun.objects.create(congress=congress, task_name=name, label=label)


def job_run_send(*, congress: Congress, task) -> JobRun:
    """Record a scheduled run of `task` for a congress and send it, naming the run: a retry or
    a redelivery then finds its run instead of starting another."""
    with scope(congress=congress):
        job_run = JobRun.objects.create(congress=congress, task_name=task.name, label=task.label)
    task.delay(congress_id=congress.pk, job_run_id=job_run.pk)
    return job_run
