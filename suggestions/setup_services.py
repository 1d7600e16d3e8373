"""Writes for the suggestion setup: congress sessions, and the categories staff keep in order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from congress.errors import DomainError, full_clean_or_refuse
from congress.models import Congress, User
from suggestions.models import CongressSession, SuggestionCategory

SESSION_FIELDS = ("name", "term", "number", "starts_on", "ends_on")
CATEGORY_FIELDS = ("name",)


def _check_fields(fields: dict, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))


# --- Sessions -------------------------------------------------------------------------------


def _save_session(session: CongressSession, actor: User) -> CongressSession:
    session.name = (session.name or "").strip()
    # Uniqueness is checked below, with a message that names the thing.
    full_clean_or_refuse(
        session, exclude=["congress"], validate_unique=False, validate_constraints=False
    )
    if CongressSession.objects.filter(name=session.name).exclude(pk=session.pk).exists():
        raise DomainError(_("A session with this name already exists."), field="name")
    session._history_user = actor
    session.save()
    return session


@transaction.atomic
def session_create(
    *,
    actor: User,
    congress: Congress,
    name: str,
    starts_on: date,
    ends_on: date,
    term: int | None = None,
    number: int | None = None,
) -> CongressSession:
    session = CongressSession(
        congress=congress,
        name=name,
        term=term,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return _save_session(session, actor)


@transaction.atomic
def session_update(*, actor: User, session: CongressSession, **fields) -> CongressSession:
    _check_fields(fields, SESSION_FIELDS)
    session = CongressSession.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    return _save_session(session, actor)


# --- Categories -----------------------------------------------------------------------------


def _save_category(category: SuggestionCategory, actor: User) -> SuggestionCategory:
    category.name = (category.name or "").strip()
    full_clean_or_refuse(
        category, exclude=["congress"], validate_unique=False, validate_constraints=False
    )
    if SuggestionCategory.objects.filter(name=category.name).exclude(pk=category.pk).exists():
        raise DomainError(_("A category with this name already exists."), field="name")
    category._history_user = actor
    category.save()
    return category


@transaction.atomic
def category_create(*, actor: User, congress: Congress, name: str) -> SuggestionCategory:
    """A new category, placed last."""
    last = (
        SuggestionCategory.objects.order_by("-position").values_list("position", flat=True).first()
    )
    category = SuggestionCategory(congress=congress, name=name, position=(last or 0) + 1)
    return _save_category(category, actor)


@transaction.atomic
def category_update(*, actor: User, category: SuggestionCategory, **fields) -> SuggestionCategory:
    _check_fields(fields, CATEGORY_FIELDS)
    category = SuggestionCategory.objects.select_for_update().get(pk=category.pk)
    for name, value in fields.items():
        setattr(category, name, value)
    return _save_category(category, actor)


@transaction.atomic
def category_set_active(
    *, actor: User, category: SuggestionCategory, is_active: bool
) -> SuggestionCategory:
    """Retire a category (no new suggestion can choose it; those that have it keep it), or
    bring it back."""
    category = SuggestionCategory.objects.select_for_update().get(pk=category.pk)
    if not is_active and category.is_active:
        others = SuggestionCategory.objects.filter(is_active=True).exclude(pk=category.pk)
        if not others.exists():
            raise DomainError(_("Keep at least one category in use."))
    category.is_active = is_active
    category._history_user = actor
    category.save(update_fields=["is_active"])
    return category


@transaction.atomic
def category_move(
    *, actor: User, category: SuggestionCategory, direction: str
) -> SuggestionCategory:
    """Move a category one place up or down; positions are renumbered 1, 2, 3… on the way."""
    if direction not in ("up", "down"):
        raise DomainError(_("Choose whether to move the category up or down."), field="direction")
    ordered = list(SuggestionCategory.objects.select_for_update().order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == category.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    changed = []
    for position, item in enumerate(ordered, 1):
        if item.position != position:
            item.position = position
            item._history_user = actor
            changed.append(item)
    for item in changed:
        item.save(update_fields=["position"])
    return next(item for item in ordered if item.pk == category.pk)
