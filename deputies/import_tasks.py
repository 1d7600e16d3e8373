"""Background jobs of the roster's Excel import: preview and commit (the export is a shared
exporter, deputies.exporters.RosterExporter)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.jobs import JobContext, congress_task
from deputies import importers
from deputies.models import RosterImport


@congress_task(label=gettext_lazy("Check a roster file"))
def roster_import_preview_job(job: JobContext, *, import_id: int, storage_name: str) -> dict:
    roster_import = RosterImport.objects.get(pk=import_id)
    job.progress(2, _("Opening the file"))
    data = None
    try:
        with default_storage.open(storage_name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        pass  # a rerun after the file was read and removed: reported on the import
    finally:
        # The parsed rows are all the import needs from now on; the upload is not kept.
        default_storage.delete(storage_name)
    return importers.roster_import_preview(
        roster_import=roster_import, data=data, progress=job.progress
    )


@congress_task(label=gettext_lazy("Import the roster"))
def roster_import_commit_job(job: JobContext, *, import_id: int) -> dict:
    return importers.roster_import_commit(
        roster_import_id=import_id, actor=job.actor, progress=job.progress
    )
