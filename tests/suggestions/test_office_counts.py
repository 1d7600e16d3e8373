"""The figures above the staff list, read as a few groups and summed, are the counts they name:
for every status, key or not, due on every side of today and of the due-soon edge, and only of
the suggestions the member may read."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import HANDLING_STATUSES, SuggestionStatus
from suggestions.office_selectors import DUE_SOON_DAYS, supervision_counts
from tests.factories import SuggestionFactory

TODAY = date(2026, 11, 20)
DUE = [None, -30, -1, 0, 1, DUE_SOON_DAYS, DUE_SOON_DAYS + 1, 200]


def expected(suggestions, visible) -> dict[str, int]:
    shown = [suggestion for suggestion in suggestions if visible(suggestion)]
    handling = [suggestion for suggestion in shown if suggestion.status in HANDLING_STATUSES]
    due = [suggestion for suggestion in handling if suggestion.due_on is not None]
    soon_by = TODAY + timedelta(days=DUE_SOON_DAYS)
    return {
        "handling": len(handling),
        "overdue": sum(suggestion.due_on < TODAY for suggestion in due),
        "due_soon": sum(TODAY <= suggestion.due_on <= soon_by for suggestion in due),
        "waiting": sum(suggestion.status == SuggestionStatus.SUBMITTED for suggestion in shown),
        "key": sum(
            suggestion.is_key and suggestion.status != SuggestionStatus.CLOSED
            for suggestion in shown
        ),
    }


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.LEADER])
def test_the_figures_are_the_counts_they_name(tenant_a, tenant_b, role):
    suggestions = []
    with scopes_disabled():  # test setup
        for index, (status, is_key, days) in enumerate(
            product(SuggestionStatus.values, (False, True), DUE)
        ):
            sent = index % 7 != 3  # some were never sent: staff see them only if from paper
            suggestions.append(
                SuggestionFactory(
                    congress=tenant_a.congress,
                    status=status,
                    is_key=is_key,
                    due_on=None if days is None else TODAY + timedelta(days=days),
                    submitted_at=timezone.now() if sent else None,
                    from_paper=index % 2 == 0,
                )
            )
        # Another congress's suggestions count for nobody here.
        for status in HANDLING_STATUSES:
            SuggestionFactory(congress=tenant_b.congress, status=status, is_key=True, due_on=TODAY)
    if role == Role.LEADER:

        def visible(suggestion):
            return suggestion.submitted_at is not None

    else:

        def visible(suggestion):
            return suggestion.submitted_at is not None or suggestion.from_paper

    with tenant_a.scope():
        counts = supervision_counts(membership=tenant_a.members[role], today=TODAY)
    assert counts == expected(suggestions, visible)
    assert all(counts.values())  # every figure was put to the test


def test_no_suggestions_all_figures_zero(tenant_a):
    with tenant_a.scope():
        counts = supervision_counts(membership=tenant_a.members[Role.COMMITTEE_STAFF], today=TODAY)
    assert counts == {"handling": 0, "overdue": 0, "due_soon": 0, "waiting": 0, "key": 0}
