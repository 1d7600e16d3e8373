"""Writes for groups and stations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError, full_clean_or_refuse
from congress.models import Congress, Membership, Role, User
from congress.phones import contact_phone
from deputies.models import Deputy, DeputyStatus, new_public_token
from liaison.models import (
    NINE_POINT_STANDARD,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
    StationStaff,
    StationStandard,
    StationStandardCheck,
)

GROUP_FIELDS = ("name", "kind", "area", "description")
STATION_FIELDS = (
    "name",
    "kind",
    "address",
    "opening_hours",
    "contact_phone",
    "description",
    "is_active",
)
STANDARD_FIELDS = ("title", "description", "position", "is_active")


def _full_clean(instance, exclude: list[str] | None = None) -> None:
    # Uniqueness is checked by the callers, with a message that names the thing.
    full_clean_or_refuse(
        instance, exclude=exclude, validate_unique=False, validate_constraints=False
    )


def _check_fields(fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))


def _check_serving(deputies: list[Deputy]) -> None:
    retired = [deputy.name for deputy in deputies if deputy.status != DeputyStatus.SERVING]
    if retired:
        raise DomainError(
            _("Only serving deputies can be added: %(names)s") % {"names": "、".join(retired)},
            field="deputies",
        )


# Groups ------------------------------------------------------------------------------------


def _check_group_name_free(group: DeputyGroup) -> None:
    if DeputyGroup.objects.filter(name=group.name).exclude(pk=group.pk).exists():
        raise DomainError(_("A group with this name already exists."), field="name")


@transaction.atomic
def group_create(*, actor: User, congress: Congress, **fields) -> DeputyGroup:
    _check_fields(fields, GROUP_FIELDS)
    group = DeputyGroup(congress=congress, **fields)
    group.name = group.name.strip()
    _full_clean(group, exclude=["congress", "leader"])
    _check_group_name_free(group)
    group._history_user = actor
    group.save()
    return group


@transaction.atomic
def group_update(*, actor: User, group: DeputyGroup, **fields) -> DeputyGroup:
    _check_fields(fields, GROUP_FIELDS)
    for name, value in fields.items():
        setattr(group, name, value)
    group.name = group.name.strip()
    _full_clean(group, exclude=["congress", "leader"])
    _check_group_name_free(group)
    group._history_user = actor
    group.save()
    return group


@transaction.atomic
def group_add_members(
    *, actor: User, group: DeputyGroup, deputies: Iterable[Deputy], joined_on: date | None = None
) -> list[GroupMembership]:
    """Add serving deputies to the group; those already in it are left as they are."""
    deputies = list(deputies)
    if not deputies:
        raise DomainError(_("Choose at least one deputy."), field="deputies")
    _check_serving(deputies)
    present = set(
        GroupMembership.objects.filter(group=group, deputy__in=deputies).values_list(
            "deputy_id", flat=True
        )
    )
    added = []
    for deputy in deputies:
        if deputy.pk in present:
            continue
        membership = GroupMembership(
            congress=group.congress,
            group=group,
            deputy=deputy,
            joined_on=joined_on or timezone.localdate(),
        )
        membership._history_user = actor
        membership.save()
        present.add(deputy.pk)
        added.append(membership)
    return added


@transaction.atomic
def group_remove_member(*, actor: User, group: DeputyGroup, deputy: Deputy) -> None:
    """Take a deputy out of the group; a leader who leaves leaves the group without one."""
    membership = GroupMembership.objects.filter(group=group, deputy=deputy).first()
    if membership is None:
        raise DomainError(_("This deputy is not a member of the group."))
    if group.leader_id == deputy.pk:
        group.leader = None
        group._history_user = actor
        group.save(update_fields=["leader"])
    membership._history_user = actor
    membership.delete()


@transaction.atomic
def group_set_leader(*, actor: User, group: DeputyGroup, deputy: Deputy | None) -> DeputyGroup:
    """Make a member the group's leader (or leave the group without one, with None)."""
    if (
        deputy is not None
        and not GroupMembership.objects.filter(group=group, deputy=deputy).exists()
    ):
        raise DomainError(_("The group leader must be a member of the group."), field="leader")
    if group.leader_id == (deputy.pk if deputy else None):
        return group
    group.leader = deputy
    group._history_user = actor
    group.save(update_fields=["leader"])
    return group


# Stations ----------------------------------------------------------------------------------


def _check_station_name_free(station: LiaisonStation) -> None:
    if LiaisonStation.objects.filter(name=station.name).exclude(pk=station.pk).exists():
        raise DomainError(_("A station with this name already exists."), field="name")


@transaction.atomic
def station_create(*, actor: User, congress: Congress, **fields) -> LiaisonStation:
    _check_fields(fields, STATION_FIELDS)
    station = LiaisonStation(congress=congress, **fields)
    station.name = station.name.strip()
    station.contact_phone = contact_phone(station.contact_phone, field="contact_phone")
    _full_clean(station, exclude=["congress"])
    _check_station_name_free(station)
    station._history_user = actor
    station.save()
    return station


@transaction.atomic
def station_update(*, actor: User, station: LiaisonStation, **fields) -> LiaisonStation:
    _check_fields(fields, STATION_FIELDS)
    for name, value in fields.items():
        setattr(station, name, value)
    station.name = station.name.strip()
    station.contact_phone = contact_phone(station.contact_phone, field="contact_phone")
    _full_clean(station, exclude=["congress"])
    _check_station_name_free(station)
    station._history_user = actor
    station.save()
    return station


@transaction.atomic
def station_rotate_public_token(*, actor: User, station: LiaisonStation) -> LiaisonStation:
    """A new QR token for the station's poster: the old code stops working at once."""
    station.public_token = new_public_token()
    station._history_user = actor
    station.save(update_fields=["public_token"])
    return station


@transaction.atomic
def station_add_deputies(
    *, actor: User, station: LiaisonStation, deputies: Iterable[Deputy]
) -> list[StationDeputy]:
    """Deputies who receive voters at the station; those already there are left as they are."""
    deputies = list(deputies)
    if not deputies:
        raise DomainError(_("Choose at least one deputy."), field="deputies")
    _check_serving(deputies)
    present = set(
        StationDeputy.objects.filter(station=station, deputy__in=deputies).values_list(
            "deputy_id", flat=True
        )
    )
    added = []
    for deputy in deputies:
        if deputy.pk in present:
            continue
        link = StationDeputy(congress=station.congress, station=station, deputy=deputy)
        link._history_user = actor
        link.save()
        present.add(deputy.pk)
        added.append(link)
    return added


@transaction.atomic
def station_remove_deputy(*, actor: User, station: LiaisonStation, deputy: Deputy) -> None:
    link = StationDeputy.objects.filter(station=station, deputy=deputy).first()
    if link is None:
        raise DomainError(_("This deputy does not receive voters at this station."))
    link._history_user = actor
    link.delete()


@transaction.atomic
def station_add_staff(*, actor: User, station: LiaisonStation, user: User) -> StationStaff:
    """Let a station staff member of this congress work at (and audit for) the station."""
    is_station_staff = Membership.objects.filter(
        user=user, role=Role.STATION_STAFF, is_active=True
    ).exists()
    if not is_station_staff:
        raise DomainError(
            _("Only active members with the station staff role can work at a station."),
            field="user",
        )
    if StationStaff.objects.filter(station=station, user=user).exists():
        raise DomainError(_("This person already works at the station."), field="user")
    link = StationStaff(congress=station.congress, station=station, user=user)
    link._history_user = actor
    link.save()
    return link


@transaction.atomic
def station_remove_staff(*, actor: User, station: LiaisonStation, user: User) -> None:
    link = StationStaff.objects.filter(station=station, user=user).first()
    if link is None:
        raise DomainError(_("This person does not work at the station."), field="user")
    link._history_user = actor
    link.delete()


@transaction.atomic
def station_checklist_update(
    *, actor: User, station: LiaisonStation, results: dict[int, tuple[bool, str]]
) -> int:
    """Record the station's status on each standard given (standard id -> (met, note)).

    Points that change, or were never checked, are stamped with today and the checker;
    a point confirmed unchanged keeps its earlier stamp. Returns how many points were stamped.
    """
    standards = StationStandard.objects.in_bulk(list(results))
    if len(standards) != len(results):
        raise DomainError(_("Unknown standard."))
    checks = {
        check.standard_id: check
        for check in StationStandardCheck.objects.filter(station=station, standard_id__in=results)
    }
    today = timezone.localdate()
    stamped = 0
    for standard_id, (is_met, note) in results.items():
        note = note.strip()
        if len(note) > 300:
            raise DomainError(_("A note can be at most 300 characters."), field="note")
        check = checks.get(standard_id)
        if check is not None and check.is_met == is_met and check.note == note:
            continue
        if check is None:
            check = StationStandardCheck(
                congress=station.congress, station=station, standard=standards[standard_id]
            )
        check.is_met = is_met
        check.note = note
        check.checked_on = today
        check.checked_by = actor
        check._history_user = actor
        check.save()
        stamped += 1
    return stamped


# Standards ---------------------------------------------------------------------------------


def _next_number() -> tuple[str, int]:
    codes = StationStandard.objects.values_list("code", flat=True)
    numbers = [int(code) for code in codes if code.isdigit()]
    position = StationStandard.objects.aggregate(top=Max("position"))["top"] or 0
    return str(max(numbers, default=0) + 1), position + 1


@transaction.atomic
def station_standard_create(
    *,
    actor: User,
    congress: Congress,
    title: str,
    description: str = "",
    position: int | None = None,
    is_active: bool = True,
) -> StationStandard:
    """A new point of the standard, numbered after the last one."""
    code, next_position = _next_number()
    standard = StationStandard(
        congress=congress,
        code=code,
        title=title.strip(),
        description=description.strip(),
        position=next_position if position is None else position,
        is_active=is_active,
    )
    _full_clean(standard, exclude=["congress"])
    if StationStandard.objects.filter(title=standard.title).exists():
        raise DomainError(_("A standard with this title already exists."), field="title")
    standard._history_user = actor
    standard.save()
    return standard


@transaction.atomic
def station_standard_update(*, actor: User, standard: StationStandard, **fields) -> StationStandard:
    _check_fields(fields, STANDARD_FIELDS)
    for name, value in fields.items():
        setattr(standard, name, value.strip() if isinstance(value, str) else value)
    _full_clean(standard, exclude=["congress"])
    duplicate = StationStandard.objects.filter(title=standard.title).exclude(pk=standard.pk)
    if duplicate.exists():
        raise DomainError(_("A standard with this title already exists."), field="title")
    standard._history_user = actor
    standard.save()
    return standard


@transaction.atomic
def station_standards_ensure_defaults(
    congress: Congress, *, actor: User | None = None
) -> list[StationStandard]:
    """Give a congress with no standards the nine-point (九有) standard; others are left alone.

    Runs inside the congress's scope. Returns the standards created (none if it had some).
    """
    if StationStandard.objects.filter(congress=congress).exists():
        return []
    created = []
    for position, (code, title, description) in enumerate(NINE_POINT_STANDARD, start=1):
        standard = StationStandard(
            congress=congress, code=code, title=title, description=description, position=position
        )
        standard._history_user = actor
        standard.save()
        created.append(standard)
    return created
