"""The fault tests' quarter: deputies with known duties in an ended quarter, and the figures
of its snapshot read back in a form two congresses' snapshots can be compared in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, models
from django_scopes import scopes_disabled

from scoring import services
from scoring.models import Period, Ranking, RankingEntry
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    GroupMembershipFactory,
)

# A quarter that has ended by the real clock: the worker processes of these tests run on it.
YEAR = date.today().year - 1
QUARTER = 2

# name: the duties each deputy did in the quarter (the "six" preset gives 10 points each).
DUTIES = {
    "张明": ["study", "congress_meeting", "report_to_voters"],
    "李华": ["study", "congress_meeting"],
    "王芳": ["study"],
    "赵强": [],
}
EXPECTED_POINTS = {name: Decimal(10 * len(duties)) for name, duties in DUTIES.items()}

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time; a race between connections needs PostgreSQL",
)


def quarter_with_records(tenant) -> None:
    """The rules of YEAR, and DUTIES done in QUARTER, audited and waiting for the quarter to
    close; the deputies form one regional group."""
    congress = tenant.congress
    with scopes_disabled():  # test setup
        services.rule_set_create_from_preset(actor=None, congress=congress, year=YEAR, preset="six")
        group = DeputyGroupFactory(congress=congress, name="城关代表小组")
        for day, (name, codes) in enumerate(DUTIES.items(), start=1):
            deputy = DeputyFactory(congress=congress, name=name)
            GroupMembershipFactory(group=group, deputy=deputy)
            for code in codes:
                DutyRecordFactory(
                    congress=congress,
                    deputy=deputy,
                    category_code=code,
                    occurred_on=date(YEAR, 5, day),
                )


def snapshot(tenant) -> dict:
    """Every figure of the congress's snapshot of QUARTER: the ranking and every row that
    belongs to it (found by their foreign keys, so a table added to the snapshot is compared
    too), with people, groups and stations by name and without row ids or clock times."""
    with tenant.scope():
        ranking = Ranking.objects.get(year=YEAR, quarter=QUARTER)
        figures = {
            "ranking": (ranking.year, ranking.quarter, ranking.deputy_count, ranking.categories)
        }
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is Ranking:
                    rows = model._base_manager.filter(**{field.name: ranking})
                    figures[f"{model.__name__}.{field.name}"] = sorted(
                        map(repr, rows.values_list(*_compared_columns(model)))
                    )
    return figures


def _compared_columns(model) -> list[str]:
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == "congress" or isinstance(field, models.DateTimeField):
            continue
        if not field.is_relation:
            columns.append(field.name)
        elif any(other.name == "name" for other in field.related_model._meta.concrete_fields):
            columns.append(f"{field.name}__name")
        elif field.related_model is Ranking:
            columns.append(f"{field.name}__quarter")
    return columns


def quarter_points(tenant) -> dict[str, Decimal]:
    """The deputies' points in the quarter, as the ranking board shows them."""
    with tenant.scope():
        return dict(
            RankingEntry.objects.filter(
                ranking__year=YEAR, ranking__quarter=QUARTER, period=Period.QUARTER
            ).values_list("deputy__name", "points")
        )
