"""Starting an export, running it in the background, and clearing files past their keeping."""

from __future__ import annotations

import tempfile
import uuid
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction, audit_record
from congress.errors import DomainError
from congress.models import Congress, JobRun, JobStatus, Membership, User
from congress.permissions import membership_can
from congress.services import job_run_enqueue

from .exporting import Exporter, ProgressCallback, exporter_class, render_workbook
from .models import Export


def exporter_for(
    *, identifier: str, congress: Congress, membership: Membership | None, options: dict
) -> Exporter:
    cls = exporter_class(identifier)
    if cls is None:
        raise DomainError(_("There is no such export."), code="not_found")
    return cls(congress=congress, membership=membership, options=options)


def _may_export(exporter: Exporter, membership: Membership | None) -> bool:
    return membership is not None and membership_can(membership, exporter.permission)


@transaction.atomic
def export_start(*, actor: User, membership: Membership, exporter: Exporter) -> Export:
    """Record the export and queue its job; the page follows the job's progress."""
    if not _may_export(exporter, membership):
        raise DomainError(_("You may not make this export."), code="forbidden")
    from .tasks import export_job

    title = exporter.title()[:200]
    job_run = job_run_enqueue(
        congress=exporter.congress,
        task=export_job,
        label=_("Export: %(title)s") % {"title": title[:80]},
        actor=actor,
        exporter=exporter.identifier,
        options=exporter.options,
    )
    return Export.objects.create(
        congress=exporter.congress,
        exporter=exporter.identifier,
        title=title,
        options=exporter.options,
        job_run=job_run,
        created_by=actor,
    )


def export_run(
    *,
    export: Export,
    actor: User | None,
    progress: ProgressCallback | None = None,
) -> Export:
    """Write the export's file and keep it. The member's right to it is checked again here:
    a role taken away between asking and running must not still get the file. An export
    without an actor (the quarterly schedule) runs as the system."""
    membership = None
    if actor is not None:
        membership = Membership.objects.filter(user=actor, is_active=True).first()
    exporter = exporter_for(
        identifier=export.exporter,
        congress=export.congress,
        membership=membership,
        options=export.options,
    )
    if actor is not None and not _may_export(exporter, membership):
        raise DomainError(_("You may no longer make this export."), code="forbidden")
    with tempfile.TemporaryFile() as output:
        rows = render_workbook(exporter, output, progress=progress)
        size = output.tell()
        output.seek(0)
        path = default_storage.save(
            f"exports/{export.congress_id}/{uuid.uuid4().hex}.xlsx", File(output)
        )
    export.file_path = path
    export.file_name = exporter.file_name()[:200]
    export.row_count = rows
    export.size = size
    export.finished_at = timezone.now()
    export.save(update_fields=["file_path", "file_name", "row_count", "size", "finished_at"])
    export_audit(export=export, exporter=exporter, user=actor)
    exports_prune(congress=export.congress)
    return export


def export_audit(
    *, export: Export | None, exporter: Exporter, user: User | None, request=None, **extra
) -> None:
    """The audit event of personal data leaving the system in a file: who, which list, with
    which filters, how many rows. Every export names deputies or voters, so every one counts.
    Recorded where the file is written (and by the views that hand out a file another member
    made), so no way out of the office goes unrecorded."""
    filters = [[str(label), str(value)] for label, value in exporter.describe()]
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        user=user,
        congress=exporter.congress,
        target=export,
        summary=exporter.title(),
        detail={
            "export": exporter.identifier,
            "options": exporter.options,
            "filters": filters,
            "rows": export.row_count if export is not None else extra.get("rows"),
            **extra,
        },
    )


def exports_prune(*, congress: Congress) -> int:
    """Remove the files of exports past their exporter's keeping period; the rows stay as the
    record of who exported what. Returns how many files were removed."""
    now = timezone.now()
    candidates = Export.objects.filter(
        congress=congress, removed_at__isnull=True, finished_at__isnull=False
    ).exclude(file_path="")
    removed = []
    for pk, identifier, path, finished_at in candidates.values_list(
        "pk", "exporter", "file_path", "finished_at"
    ):
        cls = exporter_class(identifier)
        keep_days = cls.keep_days if cls is not None else 7
        if keep_days is None or finished_at > now - timedelta(days=keep_days):
            continue
        default_storage.delete(path)
        removed.append(pk)
    if removed:
        Export.objects.filter(pk__in=removed).update(removed_at=now)
    return len(removed)


def quarterly_workbook_on_schedule(*, congress: Congress, today) -> dict:
    """At the start of a quarter: the past quarter's workbook, once, then the leaders and
    staff are told where it is. Waits (a month at most) for the quarter's ranking, which the
    nightly duty job makes once the records are audited."""
    from congress.models import Role
    from congress.notifications import Notice, notify_many
    from scoring.models import Ranking
    from scoring.selectors import quarter_bounds, rule_set_current

    from .quarterly import QuarterlyWorkbook, last_ended_quarter

    year, quarter = last_ended_quarter(today)
    label = f"{year}Q{quarter}"
    ranked = Ranking.objects.filter(year=year, quarter=quarter).exists()
    waited = (today - quarter_bounds(year, quarter)[1]).days
    if not ranked and rule_set_current(year=year) is not None and waited <= 30:
        return {"quarter": label, "waiting_for": "ranking"}
    options = {"year": year, "quarter": quarter, "year_to_date": False}
    with transaction.atomic():
        # The congress row is the lock: two runs at once make one workbook.
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        done = Export.objects.filter(
            exporter=QuarterlyWorkbook.identifier, created_by__isnull=True, options=options
        ).exists()
        if done:
            return {"quarter": label, "already": True}
        exporter = QuarterlyWorkbook(congress=congress, membership=None, options=options)
        job_run = JobRun.objects.create(
            congress=congress,
            task_name="reports.tasks.build_quarterly_workbook",
            label=_("Export: %(title)s") % {"title": exporter.title()[:80]},
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
        )
        export = Export.objects.create(
            congress=congress,
            exporter=exporter.identifier,
            title=exporter.title()[:200],
            options=options,
            job_run=job_run,
        )
    export_run(export=export, actor=None)
    JobRun.objects.filter(pk=job_run.pk).update(
        status=JobStatus.SUCCEEDED, progress=100, finished_at=timezone.now()
    )
    url = reverse(
        "reports:download",
        kwargs={
            "congress_slug": congress.slug,
            "identifier": exporter.identifier,
            "export_id": export.pk,
        },
    )
    readers = Membership.objects.filter(
        congress=congress,
        is_active=True,
        role__in=[Role.LEADER, Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF],
    ).select_related("user")
    notify_many(
        congress=congress,
        notices=[
            Notice(
                user=membership.user,
                kind="quarterly_workbook",
                title=_("The %(title)s is ready") % {"title": exporter.title()},
                url=url,
                dedupe_key=f"quarterly-workbook:{label}",
            )
            for membership in readers
        ],
    )
    return {"quarter": label, "export_id": export.pk, "rows": export.row_count}
