"""Fetching groups, stations and standards for the acting member, through the scope."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from congress.access import require
from deputies.models import Deputy
from liaison.models import DeputyGroup, LiaisonStation, StationStandard


def group_get(request: HttpRequest, group_id: int) -> DeputyGroup:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(DeputyGroup.objects.select_related("leader"), pk=group_id)


def station_get(request: HttpRequest, station_id: int) -> LiaisonStation:
    """A station the member may see: station staff are refused other stations (403)."""
    station = get_object_or_404(LiaisonStation.objects.all(), pk=station_id)
    require(request, "liaison.view_station", station)
    return station


def standard_get(request: HttpRequest, standard_id: int) -> StationStandard:
    return get_object_or_404(StationStandard.objects.all(), pk=standard_id)


def deputy_get(request: HttpRequest, deputy_id: int) -> Deputy:
    return get_object_or_404(Deputy.objects.all(), pk=deputy_id)
