"""Reads for the setup pages: sessions and categories with how many suggestions each has."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from suggestions.models import CongressSession, SuggestionCategory


def session_list() -> QuerySet[CongressSession]:
    return CongressSession.objects.annotate(suggestion_count=Count("suggestions")).order_by(
        "-starts_on", "-id"
    )


def category_list() -> QuerySet[SuggestionCategory]:
    return SuggestionCategory.objects.annotate(suggestion_count=Count("suggestions")).order_by(
        "position", "id"
    )
