"""Platform maintenance jobs and the fan-out that runs a job for every congress."""

from __future__ import annotations

from datetime import timedelta

from celery import current_app, shared_task
from django.core import management
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.jobs import JobContext, congress_task, job_run_send
from congress.models import Congress, JobRun

JOB_RUN_KEEP_DAYS = 90


@shared_task(name="congress.tasks.clear_expired_sessions", acks_late=True)
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(name="congress.tasks.run_for_each_congress", acks_late=True)
def run_for_each_congress(task_name: str) -> int:
    """Send `task_name` once per active congress; each run loads its congress by id."""
    task = current_app.tasks[task_name]
    congresses = list(Congress.objects.filter(is_active=True).only("pk"))
    for congress in congresses:
        job_run_send(congress=congress, task=task)
    return len(congresses)


@congress_task(label=_("Prune old job records"))
def prune_job_runs(job: JobContext) -> dict:
    cutoff = timezone.now() - timedelta(days=JOB_RUN_KEEP_DAYS)
    deleted, _by_model = JobRun.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted}
