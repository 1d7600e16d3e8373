"""Helpers for tests of exports: start one through its page, read the file it wrote."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Export


def export_url(tenant, identifier: str, query: str = "") -> str:
    url = reverse(
        "reports:export",
        kwargs={"congress_slug": tenant.congress.slug, "identifier": identifier},
    )
    return f"{url}?{query.lstrip('?')}" if query else url


def download_url(tenant, export: Export) -> str:
    return reverse(
        "reports:download",
        kwargs={
            "congress_slug": tenant.congress.slug,
            "identifier": export.exporter,
            "export_id": export.pk,
        },
    )


def start_export(client, tenant, identifier: str, capture, query: str = "") -> Export:
    """POST the export page with the list's query; the job runs when the request commits."""
    with capture(execute=True):
        response = client.post(export_url(tenant, identifier, query))
    assert response.status_code == 302, response
    with tenant.scope():
        export = Export.objects.select_related("job_run").order_by("-pk").first()
    assert response["Location"].endswith(f"export={export.pk}")
    return export


def count_export_queries(client, tenant, identifier: str, capture, query: str = "") -> int:
    """The queries of asking for an export and running its job (one request, one job)."""
    # A first request saves the fresh session: not part of what is counted.
    client.get(export_url(tenant, identifier, query))
    with CaptureQueriesContext(connection) as queries:
        start_export(client, tenant, identifier, capture, query)
    return len(queries)


def workbook(client, tenant, export: Export):
    response = client.get(download_url(tenant, export))
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content))


def table(client, tenant, export: Export, sheet: int = 0) -> tuple[list, list[list]]:
    """The header and the rows of a titled sheet (title rows above the header skipped, a
    totals row or notes below it left in)."""
    worksheet = workbook(client, tenant, export).worksheets[sheet]
    rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    # The header is the first row with a value in every column of the widest row.
    width = max(len(row) for row in rows)
    start = next(index for index, row in enumerate(rows) if all(v is not None for v in row[:width]))
    return rows[start], rows[start + 1 :]
