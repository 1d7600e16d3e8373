"""Reads for the export pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from congress.models import Membership
from congress.permissions import membership_can

from .models import Export


def export_list(*, membership: Membership, exporter: str | None = None) -> QuerySet[Export]:
    """Earlier exports a member may download: committee staff see everyone's (they answer
    for what leaves the office), others their own and the ones the schedule made."""
    exports = Export.objects.select_related("job_run", "created_by")
    if exporter is not None:
        exports = exports.filter(exporter=exporter)
    if not membership_can(membership, "congress.view_jobs"):
        exports = exports.filter(Q(created_by=membership.user) | Q(created_by__isnull=True))
    return exports
