"""Fetching objects for the acting member: through the scope, refusing what the role may not do."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from congress.models import Membership
from congress.permissions import membership_can


def require(request: HttpRequest, permission: str, obj=None) -> None:
    if not membership_can(request.membership, permission, obj):
        raise PermissionDenied


def permission_required(permission: str):
    """Refuse the view unless the member's role has `permission` (members only: see middleware)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request, permission)
            return view(request, *args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator


def membership_get(request: HttpRequest, membership_id: int) -> Membership:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
