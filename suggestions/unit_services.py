"""Writes for handling units: create and edit them, and link the accounts that answer for them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from congress.errors import DomainError, full_clean_or_refuse
from congress.models import Congress, Membership, Role, User
from congress.phones import contact_phone
from suggestions.models import HandlingUnit, UnitLiaison

UNIT_FIELDS = ("name", "kind", "contact_person", "contact_phone", "is_active")


def _check_fields(fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))


def _full_clean(unit: HandlingUnit) -> None:
    # The name's uniqueness is checked below, with a message that names the thing.
    full_clean_or_refuse(
        unit, exclude=["congress"], validate_unique=False, validate_constraints=False
    )


def _check_name_free(unit: HandlingUnit) -> None:
    if HandlingUnit.objects.filter(name=unit.name).exclude(pk=unit.pk).exists():
        raise DomainError(_("A handling unit with this name already exists."), field="name")


def _tidy(unit: HandlingUnit) -> None:
    unit.name = unit.name.strip()
    unit.contact_person = unit.contact_person.strip()
    unit.contact_phone = contact_phone(unit.contact_phone, field="contact_phone")


@transaction.atomic
def unit_create(*, actor: User, congress: Congress, **fields) -> HandlingUnit:
    _check_fields(fields, UNIT_FIELDS)
    unit = HandlingUnit(congress=congress, **fields)
    _tidy(unit)
    _full_clean(unit)
    _check_name_free(unit)
    unit._history_user = actor
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: HandlingUnit, **fields) -> HandlingUnit:
    _check_fields(fields, UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    _tidy(unit)
    _full_clean(unit)
    _check_name_free(unit)
    unit._history_user = actor
    unit.save()
    return unit


@transaction.atomic
def unit_add_liaison(*, actor: User, unit: HandlingUnit, user: User) -> UnitLiaison:
    """Let an account with the unit liaison role answer for the unit."""
    is_liaison = Membership.objects.filter(
        user=user, role=Role.UNIT_LIAISON, is_active=True
    ).exists()
    if not is_liaison:
        raise DomainError(
            _("Only active members with the handling unit liaison role can answer for a unit."),
            field="user",
        )
    if UnitLiaison.objects.filter(unit=unit, user=user).exists():
        raise DomainError(_("This person already answers for the unit."), field="user")
    link = UnitLiaison(congress=unit.congress, unit=unit, user=user)
    link._history_user = actor
    link.save()
    return link


@transaction.atomic
def unit_remove_liaison(*, actor: User, unit: HandlingUnit, user: User) -> None:
    link = UnitLiaison.objects.filter(unit=unit, user=user).first()
    if link is None:
        raise DomainError(_("This person does not answer for the unit."), field="user")
    link._history_user = actor
    link.delete()
