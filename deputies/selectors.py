"""Reads for the roster: the searchable list, a deputy's profile, and what a member may see."""

from __future__ import annotations

import re

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from congress.models import Membership, Role
from congress.permissions import membership_can
from deputies.models import Deputy, DeputyStatusChange
from liaison.models import DeputyGroup, GroupMembership, LiaisonStation, StationDeputy
from liaison.selectors import station_ids_for_staff

LETTERS = re.compile(r"^[A-Za-z]+$")
DIGITS = re.compile(r"^\d+$")


def deputy_visible(*, membership: Membership) -> QuerySet[Deputy]:
    """The deputies a member may read: station staff see only those of their own stations."""
    queryset = Deputy.objects.all()
    if membership.role == Role.STATION_STAFF:
        stations = station_ids_for_staff(user=membership.user)
        queryset = queryset.filter(
            Exists(StationDeputy.objects.filter(deputy=OuterRef("pk"), station_id__in=stations))
        )
    return queryset


def deputy_search(queryset: QuerySet[Deputy], text: str) -> QuerySet[Deputy]:
    """Name, pinyin initials (zgf) or full pinyin (zhangguifang), or the start of a phone."""
    text = text.strip()
    if not text:
        return queryset
    if LETTERS.match(text):
        lowered = text.lower()
        return queryset.filter(
            Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
        )
    if DIGITS.match(text):
        return queryset.filter(phone__startswith=text)
    return queryset.filter(name__contains=text)


def deputy_in_group(queryset: QuerySet[Deputy], group_id: int) -> QuerySet[Deputy]:
    return queryset.filter(
        Exists(GroupMembership.objects.filter(deputy=OuterRef("pk"), group_id=group_id))
    )


def deputy_at_station(queryset: QuerySet[Deputy], station_id: int) -> QuerySet[Deputy]:
    return queryset.filter(
        Exists(StationDeputy.objects.filter(deputy=OuterRef("pk"), station_id=station_id))
    )


def deputy_list(
    *,
    membership: Membership,
    q: str = "",
    level: str = "",
    status: str = "",
    group_id: int | None = None,
    station_id: int | None = None,
) -> QuerySet[Deputy]:
    """The filtered roster, with each deputy's groups and stations fetched in one query each."""
    queryset = deputy_search(deputy_visible(membership=membership), q)
    if level:
        queryset = queryset.filter(level=level)
    if status:
        queryset = queryset.filter(status=status)
    if group_id:
        queryset = deputy_in_group(queryset, group_id)
    if station_id:
        queryset = deputy_at_station(queryset, station_id)
    return queryset.order_by("name_pinyin", "pk").prefetch_related(
        Prefetch(
            "group_memberships",
            queryset=GroupMembership.objects.select_related("group").order_by("group__name"),
        ),
        Prefetch(
            "station_links",
            queryset=StationDeputy.objects.select_related("station").order_by("station__name"),
        ),
    )


def deputy_filter_choices(*, membership: Membership) -> dict[str, list[tuple[int, str]]]:
    """Groups and stations for the list's filters, as far as the member may see them."""
    stations = LiaisonStation.objects.order_by("kind", "name")
    if membership.role == Role.STATION_STAFF:
        stations = stations.filter(pk__in=station_ids_for_staff(user=membership.user))
    groups = DeputyGroup.objects.order_by("kind", "name")
    if not membership_can(membership, "liaison.view_groups"):
        groups = groups.none()
    return {
        "groups": list(groups.values_list("pk", "name")),
        "stations": list(stations.values_list("pk", "name")),
    }


def deputy_profile(*, deputy: Deputy) -> dict:
    """Everything the detail page shows about one deputy, in a fixed number of queries."""
    return {
        "groups": list(
            GroupMembership.objects.filter(deputy=deputy)
            .select_related("group", "group__leader")
            .order_by("group__kind", "group__name")
        ),
        "stations": list(
            StationDeputy.objects.filter(deputy=deputy)
            .select_related("station")
            .order_by("station__name")
        ),
        "status_changes": list(
            DeputyStatusChange.objects.filter(deputy=deputy).select_related("recorded_by")
        ),
    }


def deputy_home_links(*, deputy: Deputy) -> dict:
    """The names of a deputy's groups and stations for their phone home, in one query.

    The home shows only the names (the detail page's `deputy_profile` reads leaders, stations
    and the status history in three), in the detail page's order: groups by kind then name,
    stations by name.
    """
    groups = (
        GroupMembership.objects.filter(deputy=deputy)
        .annotate(what=Value(1), kind=F("group__kind"), label=F("group__name"))
        .values_list("what", "kind", "label")
    )
    stations = (
        StationDeputy.objects.filter(deputy=deputy)
        .annotate(what=Value(2), kind=Value(""), label=F("station__name"))
        .values_list("what", "kind", "label")
    )
    rows = groups.union(stations, all=True).order_by("what", "kind", "label")
    names: dict[int, list[str]] = {1: [], 2: []}
    for what, _kind, name in rows:
        names[what].append(name)
    return {"group_names": names[1], "station_names": names[2]}


def deputy_for_user(*, user) -> Deputy | None:
    """The roster entry linked to a signed-in deputy's account, in the active congress."""
    return Deputy.objects.filter(user=user).first()
