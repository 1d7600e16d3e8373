"""Fetching deputies for the acting member: through the scope, and only those they may see."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from congress.access import require
from deputies.models import Deputy


def deputy_get(request: HttpRequest, deputy_id: int, permission: str = "deputies.view_deputy"):
    # The scoped manager turns another congress's id into a 404; the rule then checks the role
    # (station staff: only deputies who receive at their stations).
    deputy = get_object_or_404(Deputy.objects.select_related("user"), pk=deputy_id)
    require(request, permission, deputy)
    return deputy
