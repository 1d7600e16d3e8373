"""Fetching a suggestion for the signed-in member: another congress's id, or one the member
may not read, is a 404 (outsiders must not learn that it exists)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from suggestions.models import Suggestion
from suggestions.selectors import suggestion_visible


def suggestion_get(request: HttpRequest, suggestion_id: int) -> Suggestion:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return get_object_or_404(
        suggestion_visible(membership=membership).select_related(
            "congress", "lead_deputy", "category", "session", "merged_into"
        ),
        pk=suggestion_id,
    )
