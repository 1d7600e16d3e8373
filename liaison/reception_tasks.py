"""The daily job that keeps each repeating reception schedule planned 90 days ahead."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congress.jobs import JobContext, congress_task
from liaison.reception_services import reception_schedules_extend


@congress_task(label=_("Plan reception days ahead"))
def extend_reception_schedules(job: JobContext) -> dict:
    return reception_schedules_extend(actor=job.actor)
