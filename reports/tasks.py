"""Export jobs: a page's export in the background, and the quarterly workbook on schedule."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from congress.jobs import JobContext, congress_task

from .models import Export
from .services import export_run, quarterly_workbook_on_schedule


@congress_task(label=gettext_lazy("Export to Excel"))
def export_job(job: JobContext, *, exporter: str, options: dict) -> dict:
    export = Export.objects.select_related("congress").get(job_run=job.job_run)
    export_run(export=export, actor=job.actor, progress=job.progress)
    return {"export_id": export.pk, "rows": export.row_count, "file_name": export.file_name}


@congress_task(label=gettext_lazy("Build the quarterly workbook"))
def build_quarterly_workbook(job: JobContext) -> dict:
    return quarterly_workbook_on_schedule(congress=job.congress, today=timezone.localdate())
