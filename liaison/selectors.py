"""Reads for groups and stations."""

from __future__ import annotations

from congress.models import User
from liaison.models import StationStaff


def station_ids_for_staff(*, user: User) -> set[int]:
    """The stations a station staff account works at, in the active congress."""
    return set(StationStaff.objects.filter(user=user).values_list("station_id", flat=True))
