"""Reads for handling units: the list with liaison counts, a unit's liaisons and candidates."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from congress.models import Membership, Role
from liaison.models import OPEN_STATUSES, VoterMessage
from suggestions.models import HandlingUnit, UnitKind, UnitLiaison


def _count(queryset: QuerySet, link: str) -> Coalesce:
    """A correlated COUNT, so several counts on one row do not multiply each other."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def unit_list(*, search: str = "", kind: str = "") -> QuerySet[HandlingUnit]:
    """Units with how many liaison accounts and open forwarded messages each has: one query."""
    queryset = HandlingUnit.objects.annotate(
        # Departments first, then townships, courts, the procuratorate: the order of the choices.
        kind_rank=Case(
            *[When(kind=value, then=Value(rank)) for rank, value in enumerate(UnitKind.values)],
            default=Value(len(UnitKind.values)),
            output_field=IntegerField(),
        ),
        liaison_count=_count(UnitLiaison.objects.all(), "unit"),
        open_messages=_count(
            VoterMessage.objects.filter(status__in=OPEN_STATUSES), "forwarded_to_unit"
        ),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    search = search.strip()
    if search:
        queryset = queryset.filter(Q(name__contains=search) | Q(contact_person__contains=search))
    return queryset.order_by("-is_active", "kind_rank", "name", "pk")


def unit_liaisons(*, unit: HandlingUnit) -> list[UnitLiaison]:
    return list(
        UnitLiaison.objects.filter(unit=unit)
        .select_related("user")
        .order_by("user__full_name", "user__pk")
    )


def liaison_candidates(*, unit: HandlingUnit) -> list[Membership]:
    """Active unit liaison members of the congress who do not answer for this unit yet."""
    linked = UnitLiaison.objects.filter(unit=unit).values("user_id")
    return list(
        Membership.objects.filter(role=Role.UNIT_LIAISON, is_active=True)
        .exclude(user_id__in=linked)
        .select_related("user")
        .order_by("user__full_name", "user__pk")
    )
