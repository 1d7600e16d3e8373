"""Reads for groups and stations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from congress.models import Membership, Role, User
from congress.selectors import CHANGE_LABELS, AuditEntry
from deputies.models import Deputy, DeputyLevel, DeputyStatus
from liaison.models import (
    DeputyGroup,
    GroupKind,
    GroupMembership,
    GroupProject,
    LiaisonStation,
    ReceptionDay,
    ReceptionDuty,
    StationDeputy,
    StationKind,
    StationStaff,
    StationStandard,
    StationStandardCheck,
    VoterMessage,
)

# Highest level first: the order a group's members are listed in, after the leader.
LEVEL_ORDER = {level: rank for rank, level in enumerate(DeputyLevel.values)}
# Columns that mean nothing to a reader of a group's activity.
HIDDEN_ACTIVITY_FIELDS = frozenset({"id", "congress", "group", "deputy"})


def station_ids_for_staff(*, user: User) -> set[int]:
    """The stations a station staff account works at, in the active congress."""
    return set(StationStaff.objects.filter(user=user).values_list("station_id", flat=True))


def _kind_rank(choices) -> Case:
    """Order by the choices' own order (regional before professional, homes first)."""
    return Case(
        *[When(kind=value, then=Value(rank)) for rank, value in enumerate(choices.values)],
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )


def _count(queryset: QuerySet, link: str) -> Coalesce:
    """A correlated COUNT: several counts on one row without multiplying joined rows."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Groups ------------------------------------------------------------------------------------


def group_list(*, kind: str = "", search: str = "") -> QuerySet[DeputyGroup]:
    """Groups with their leader and member count: one query whatever the number of groups."""
    queryset = (
        DeputyGroup.objects.select_related("leader")
        .annotate(
            member_count=_count(GroupMembership.objects.all(), "group"),
            kind_rank=_kind_rank(GroupKind),
        )
        .order_by("kind_rank", "name", "pk")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    search = search.strip()
    if search:
        queryset = queryset.filter(Q(name__contains=search) | Q(area__contains=search))
    return queryset


def group_members(*, group: DeputyGroup) -> list[GroupMembership]:
    """The members of a group, the leader first, then by level and name."""
    memberships = list(
        GroupMembership.objects.filter(group=group)
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "deputy__pk")
    )
    memberships.sort(
        key=lambda m: (m.deputy_id != group.leader_id, LEVEL_ORDER.get(m.deputy.level, 99))
    )
    return memberships


def group_activity(*, group: DeputyGroup, limit: int = 20) -> list[AuditEntry]:
    """The newest changes to a group and its memberships, from the audit history (3 queries)."""
    sources = [
        (DeputyGroup, DeputyGroup.history.filter(id=group.pk)),
        (GroupMembership, GroupMembership.history.filter(group_id=group.pk)),
    ]
    records = []
    for model, history in sources:
        newest = history.select_related("history_user").order_by("-history_date", "-history_id")
        records += [(model, record) for record in newest[:limit]]
    records.sort(key=lambda pair: pair[1].history_date, reverse=True)
    records = records[:limit]
    # The stored diff keeps the leader as an id; one query turns the ids into names.
    leader_ids = {
        int(value)
        for _model, record in records
        for value in (record.history_changes or {}).get("leader", [])
        if str(value).isdigit()
    }
    names = {pk: deputy.name for pk, deputy in Deputy.objects.in_bulk(leader_ids).items()}
    labels = {
        model: {
            field.name: str(field.verbose_name)
            for field in model._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        for model, _history in sources
    }
    return [
        AuditEntry(
            when=record.history_date,
            user_name=str(record.history_user) if record.history_user else "",
            ip_address=record.history_ip_address,
            model_name=str(model._meta.verbose_name),
            object_repr=record.history_object_repr,
            change=CHANGE_LABELS[record.history_type],
            changes=_readable_changes(record, names),
            field_labels=labels[model],
        )
        for model, record in records
    ]


def _readable_changes(record, names: dict[int, str]) -> dict[str, list[str]]:
    """What changed, in words: a created or deleted row is said by its name alone."""
    if record.history_type != "~":
        return {}
    changes = {}
    for name, values in (record.history_changes or {}).items():
        if name in HIDDEN_ACTIVITY_FIELDS:
            continue
        if name == "leader":
            values = [names.get(int(v), v) if str(v).isdigit() else v for v in values]
        changes[name] = values
    return changes


def deputy_candidates(
    *, search: str = "", group: DeputyGroup | None = None, station: LiaisonStation | None = None
) -> QuerySet[Deputy]:
    """Serving deputies who may be added to the group or station (those not in it yet)."""
    # Imported here: the roster's selectors import this module for station_ids_for_staff.
    from deputies.selectors import deputy_search

    queryset = Deputy.objects.filter(status=DeputyStatus.SERVING)
    if group is not None:
        queryset = queryset.exclude(
            Exists(GroupMembership.objects.filter(group=group, deputy=OuterRef("pk")))
        )
    if station is not None:
        queryset = queryset.exclude(
            Exists(StationDeputy.objects.filter(station=station, deputy=OuterRef("pk")))
        )
    return deputy_search(queryset, search).order_by("name_pinyin", "pk")


# Stations ----------------------------------------------------------------------------------


def station_visible(*, membership: Membership) -> QuerySet[LiaisonStation]:
    """The stations a member may read: station staff only those they work at."""
    queryset = LiaisonStation.objects.all()
    if membership.role == Role.STATION_STAFF:
        queryset = queryset.filter(pk__in=station_ids_for_staff(user=membership.user))
    return queryset


def station_list(
    *, membership: Membership, kind: str = "", search: str = ""
) -> QuerySet[LiaisonStation]:
    """Stations with their deputy count and the active standards they meet: one query."""
    met = StationStandardCheck.objects.filter(is_met=True, standard__is_active=True)
    queryset = station_visible(membership=membership).annotate(
        deputy_count=_count(StationDeputy.objects.all(), "station"),
        standards_met=_count(met, "station"),
        kind_rank=_kind_rank(StationKind),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    search = search.strip()
    if search:
        queryset = queryset.filter(Q(name__contains=search) | Q(address__contains=search))
    return queryset.order_by("kind_rank", "name", "pk")


def active_standard_count() -> int:
    return StationStandard.objects.filter(is_active=True).count()


def station_deputies(*, station: LiaisonStation) -> list[StationDeputy]:
    return list(
        StationDeputy.objects.filter(station=station)
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "deputy__pk")
    )


def station_staff(*, station: LiaisonStation) -> list[StationStaff]:
    return list(
        StationStaff.objects.filter(station=station)
        .select_related("user")
        .order_by("user__full_name", "user__pk")
    )


def station_staff_candidates(*, station: LiaisonStation) -> list[Membership]:
    """Active station staff members of the congress who do not work at this station yet."""
    return list(
        Membership.objects.filter(role=Role.STATION_STAFF, is_active=True)
        .exclude(user__station_staff_links__station=station)
        .select_related("user")
        .order_by("user__full_name", "user__pk")
    )


@dataclass(frozen=True)
class ChecklistItem:
    standard: StationStandard
    check: StationStandardCheck | None

    @property
    def is_met(self) -> bool:
        return self.check is not None and self.check.is_met


def station_checklist(*, station: LiaisonStation) -> list[ChecklistItem]:
    """Each active standard with the station's last check of it (two queries)."""
    standards = list(StationStandard.objects.filter(is_active=True).order_by("position", "code"))
    checks = {
        check.standard_id: check
        for check in StationStandardCheck.objects.filter(station=station).select_related(
            "checked_by"
        )
    }
    return [ChecklistItem(standard, checks.get(standard.pk)) for standard in standards]


def standard_list() -> QuerySet[StationStandard]:
    """The congress's standards, in use or not, with how many stations meet each."""
    return StationStandard.objects.annotate(
        stations_met=_count(StationStandardCheck.objects.filter(is_met=True), "standard")
    ).order_by("position", "code", "pk")


def deputy_groups_for_display(*, deputy: Deputy) -> list[DeputyGroup]:
    """A deputy's groups, as a card or public page lists them."""
    return [
        link.group
        for link in GroupMembership.objects.filter(deputy=deputy)
        .select_related("group")
        .order_by("group__kind", "group__name")
    ]


def deputy_open_stations(*, deputy: Deputy) -> list[LiaisonStation]:
    """The open stations where a deputy receives voters."""
    return [
        link.station
        for link in StationDeputy.objects.filter(deputy=deputy, station__is_active=True)
        .select_related("station")
        .order_by("station__kind", "station__name")
    ]


def station_serving_deputies(*, station: LiaisonStation) -> list[Deputy]:
    """The serving deputies who receive at a station, in pinyin order."""
    return [
        link.deputy
        for link in StationDeputy.objects.filter(
            station=station, deputy__status=DeputyStatus.SERVING
        )
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "deputy__pk")
    ]


# --- Who reaches what: one definition used by the permission rules and by the list pages. ----


def deputy_ids_for_user(*, user: User) -> set[int]:
    """The roster entries linked to a deputy's account in the active congress."""
    return set(Deputy.objects.filter(user=user).values_list("pk", flat=True))


def unit_ids_for_user(*, user: User) -> set[int]:
    from suggestions.models import UnitLiaison

    return set(UnitLiaison.objects.filter(user=user).values_list("unit_id", flat=True))


def message_visible(*, membership: Membership) -> QuerySet[VoterMessage]:
    """The voter messages a member may read.

    Committee staff: all. Station staff: those at their stations, or to a deputy who receives
    there. A deputy: those to them or forwarded to them. A unit liaison: those forwarded to their
    unit. Others: none.
    """
    messages = VoterMessage.objects.all()
    role = membership.role
    if role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        return messages
    user = membership.user
    if role == Role.STATION_STAFF:
        stations = station_ids_for_staff(user=user)
        deputies = StationDeputy.objects.filter(station_id__in=stations).values("deputy_id")
        return messages.filter(Q(station_id__in=stations) | Q(deputy_id__in=deputies))
    if role == Role.DEPUTY:
        mine = deputy_ids_for_user(user=user)
        return messages.filter(Q(deputy_id__in=mine) | Q(forwarded_to_deputy_id__in=mine))
    if role == Role.UNIT_LIAISON:
        return messages.filter(forwarded_to_unit_id__in=unit_ids_for_user(user=user))
    return messages.none()


def reception_visible(*, membership: Membership) -> QuerySet[ReceptionDay]:
    """Reception days a member may read: staff and leaders all; station staff their stations';
    a deputy those they are on duty for."""
    days = ReceptionDay.objects.all()
    role = membership.role
    if role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF, Role.LEADER):
        return days
    if role == Role.STATION_STAFF:
        return days.filter(station_id__in=station_ids_for_staff(user=membership.user))
    if role == Role.DEPUTY:
        mine = deputy_ids_for_user(user=membership.user)
        return days.filter(
            Exists(ReceptionDuty.objects.filter(reception_day=OuterRef("pk"), deputy_id__in=mine))
        )
    return days.none()


def project_visible(*, membership: Membership) -> QuerySet[GroupProject]:
    """Group projects a member may read: staff and leaders all; a deputy their groups'."""
    projects = GroupProject.objects.all()
    role = membership.role
    if role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF, Role.LEADER):
        return projects
    if role == Role.DEPUTY:
        mine = deputy_ids_for_user(user=membership.user)
        groups = GroupMembership.objects.filter(deputy_id__in=mine).values("group_id")
        return projects.filter(group_id__in=groups)
    return projects.none()


def groups_led_by(*, user: User) -> QuerySet[DeputyGroup]:
    return DeputyGroup.objects.filter(leader_id__in=deputy_ids_for_user(user=user))
