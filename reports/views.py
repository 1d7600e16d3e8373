"""The export page every exporter shares (start, progress, earlier files) and the download."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from congress.access import require
from congress.errors import DomainError
from congress.models import JobStatus

from . import selectors, services
from .exporting import attachment_disposition, exporter_class

RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exporter_or_404(identifier: str):
    cls = exporter_class(identifier)
    if cls is None:
        raise Http404
    return cls


def _permission_for(*, identifier: str, **kwargs) -> str:
    """The rule a URL of these views checks: the permission of the export it names."""
    cls = exporter_class(identifier)
    return cls.permission if cls is not None else "congress.view_home"


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, congress_slug: str, identifier: str) -> HttpResponse:
    cls = _exporter_or_404(identifier)
    require(request, cls.permission)
    query = request.GET.copy()
    query.pop("export", None)
    try:
        options = cls.options_from_query(query, request.membership)
    except DomainError as error:
        messages.error(request, error.message)
        options = None
    exporter = (
        cls(congress=request.congress, membership=request.membership, options=options)
        if options is not None
        else None
    )
    page = reverse(
        "reports:export", kwargs={"congress_slug": congress_slug, "identifier": identifier}
    )
    if request.method == "POST" and exporter is not None:
        try:
            made = services.export_start(
                actor=request.user, membership=request.membership, exporter=exporter
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{page}?{query.urlencode()}")
        query["export"] = str(made.pk)
        return redirect(f"{page}?{query.urlencode()}")

    exports = selectors.export_list(membership=request.membership, exporter=identifier)
    current = None
    chosen = request.GET.get("export", "")
    if chosen.isdigit():
        current = get_object_or_404(exports, pk=int(chosen))
    context = {
        "exporter": exporter,
        "exporter_class": cls,
        "description": exporter.describe() if exporter is not None else [],
        "count": exporter.count() if exporter is not None else None,
        "query_string": query.urlencode(),
        "current": current,
        "polling": current is not None and current.job_run.status in RUNNING,
        "recent": list(exports[:10]),
        "back_url": exporter.list_url() if exporter is not None else "",
    }
    template = "reports/export.html"
    if request.htmx and request.htmx.target == "export-status":
        template += "#export-status"
    return render(request, template, context)


@require_GET
def download(request: HttpRequest, congress_slug: str, identifier: str, export_id: int):
    cls = _exporter_or_404(identifier)
    require(request, cls.permission)
    made = get_object_or_404(
        selectors.export_list(membership=request.membership, exporter=identifier), pk=export_id
    )
    available = (
        made.is_available
        and made.job_run.status == JobStatus.SUCCEEDED
        and made.file_path.startswith(f"exports/{request.congress.pk}/")
        and default_storage.exists(made.file_path)
    )
    if not available:
        return render(request, "reports/export_gone.html", {"made": made}, status=410)
    if made.created_by_id != request.user.pk:
        # A file someone else (or the schedule) made reaches one more person: recorded too.
        exporter = services.exporter_for(
            identifier=identifier,
            congress=request.congress,
            membership=request.membership,
            options=made.options,
        )
        services.export_audit(
            export=made,
            exporter=exporter,
            user=request.user,
            request=request,
            downloaded_from=made.created_by.get_username() if made.created_by else "",
        )
    response = FileResponse(default_storage.open(made.file_path, "rb"), content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(made.file_name, "export.xlsx")
    return response


export.permission_for = _permission_for
download.permission_for = _permission_for
