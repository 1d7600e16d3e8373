"""Reads for the assignment pages: the units to choose from and a suggestion's handling record."""

from __future__ import annotations

from django.db.models import QuerySet

from suggestions.models import (
    AssignmentRole,
    AssignmentStatus,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionExtension,
)


def assignable_units() -> QuerySet[HandlingUnit]:
    """The units a suggestion can be assigned to: the active ones, departments first."""
    return HandlingUnit.objects.filter(is_active=True).order_by("kind", "name")


def assignments_of(suggestion: Suggestion) -> list[SuggestionAssignment]:
    """Every assignment the suggestion has had, active ones first, with their units."""
    return sorted(
        SuggestionAssignment.objects.filter(suggestion=suggestion).select_related("unit"),
        key=lambda item: (item.status != AssignmentStatus.ACTIVE, item.role, item.pk),
    )


def active_co_units(suggestion: Suggestion) -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(
        assignments__suggestion=suggestion,
        assignments__status=AssignmentStatus.ACTIVE,
        assignments__role=AssignmentRole.CO,
    ).order_by("kind", "name")


def extensions_of(suggestion: Suggestion) -> QuerySet[SuggestionExtension]:
    return SuggestionExtension.objects.filter(suggestion=suggestion).select_related("recorded_by")


def followers_of(suggestion: Suggestion) -> QuerySet[Suggestion]:
    """The suggestions merged into this one (并案), which follow its assignment."""
    return Suggestion.objects.filter(merged_into=suggestion).select_related("lead_deputy")
