"""The statistics selectors: every figure checked against records built by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions.models import SuggestionReply
from suggestions.stats_selectors import RECESS, StatisticsFilter, statistics
from tests.factories import (
    CongressSessionFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionCategoryFactory,
    SuggestionFactory,
)

TODAY = date(2026, 6, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=SHANGHAI)


class World:
    """Ten suggestions in known states (see the comments), in one session and in recess."""

    def __init__(self, congress):
        self.congress = congress
        self.session = CongressSessionFactory(congress=congress, starts_on=date(2026, 1, 10))
        self.unit_1 = HandlingUnitFactory(congress=congress, name="区住建局")
        self.unit_2 = HandlingUnitFactory(congress=congress, name="区教育局")
        self.category_1 = SuggestionCategoryFactory(congress=congress, name="城建", position=1)
        self.category_2 = SuggestionCategoryFactory(congress=congress, name="教育", position=2)
        self.numbers = {"session": 0, "recess": 0}
        s, u1, u2 = self.session, self.unit_1, self.unit_2
        c1, c2 = self.category_1, self.category_2
        # 1: closed, replied on time, A, satisfied twice, key supervision.
        self.add(
            s,
            c1,
            u1,
            status="closed",
            first_due_on=date(2026, 6, 1),
            first_replied_on=date(2026, 5, 20),
            reply_class="A",
            first_rating="satisfied",
            final_rating="satisfied",
            is_key=True,
        )
        # 2: closed late (replied after the first due date), B, basically satisfied.
        self.add(
            s,
            c1,
            u1,
            status="closed",
            first_due_on=date(2026, 6, 1),
            first_replied_on=date(2026, 6, 5),
            reply_class="B",
            first_rating="basically_satisfied",
            final_rating="basically_satisfied",
        )
        # 3: still being handled, past its due date, never replied: open overdue.
        self.add(s, c2, u2, status="assigned", due_on=date(2026, 6, 10))
        # 4: first reply on time, rated unsatisfied, re-handled and now overdue in round 2:
        # late (open overdue), not on time.
        self.add(
            s,
            c2,
            u2,
            status="rehandling",
            round=2,
            first_due_on=date(2026, 5, 1),
            first_replied_on=date(2026, 4, 20),
            reply_class="C",
            due_on=date(2026, 6, 1),
            first_rating="unsatisfied",
            final_rating="unsatisfied",
        )
        # 5: turned into a letter: received, never numbered.
        self.add(s, c1, None, status="letter")
        # 6 (recess): replied on time, A, not rated yet.
        self.add(
            None,
            c2,
            u1,
            status="replied",
            first_due_on=date(2026, 7, 1),
            first_replied_on=date(2026, 6, 10),
            reply_class="A",
        )
        # 7 (recess): being handled, not due yet.
        self.add(None, c1, u2, status="assigned", due_on=date(2026, 9, 1))
        # 8 (recess, submitted the year before): waiting for acceptance.
        self.add(None, c2, None, status="submitted", submitted_at=_at(2025, 11, 1))
        # 9: a draft and a withdrawn one are not received, so they count nowhere.
        SuggestionFactory(congress=congress, category=c1, status="draft", submitted_at=None)
        SuggestionFactory(congress=congress, category=c1, session=s, status="withdrawn")
        # 10 (recess): re-handled and closed satisfied; the lead unit returned it afterwards,
        # so it counts for the unit that replied last.
        ten = self.add(
            None,
            c1,
            None,
            status="closed",
            round=2,
            first_due_on=date(2026, 3, 1),
            first_replied_on=date(2026, 2, 20),
            reply_class="A",
            first_rating="unsatisfied",
            final_rating="satisfied",
        )
        SuggestionAssignmentFactory(congress=congress, suggestion=ten, unit=u1, status="returned")
        for round_number in (1, 2):
            SuggestionReply.objects.create(
                congress=congress, suggestion=ten, round=round_number, unit=u1,
                reply_class="A", text="已答复", replied_on=date(2026, 2, 20),
                due_on=date(2026, 3, 1),
            )  # fmt: skip

    def add(self, session, category, unit, **fields):
        numbered = fields.get("status") not in ("letter", "submitted")
        key = "session" if session else "recess"
        if numbered:
            self.numbers[key] += 1
            fields.setdefault("number", self.numbers[key])
            fields.setdefault(
                "series", f"s{session.pk}-suggestion" if session else "r2026-suggestion"
            )
            fields.setdefault("assigned_on", date(2026, 2, 1))
        fields.setdefault("submitted_at", _at(2026, 1, 11) if session else _at(2026, 3, 1))
        suggestion = SuggestionFactory(
            congress=self.congress, session=session, category=category, **fields
        )
        if unit is not None:
            SuggestionAssignmentFactory(congress=self.congress, suggestion=suggestion, unit=unit)
        return suggestion


@pytest.fixture
def world(tenant_a):
    with tenant_a.scope():  # test setup
        return World(tenant_a.congress)


def _stats(tenant, **filters):
    with tenant.scope():
        return statistics(
            congress=tenant.congress, filters=StatisticsFilter(**filters), today=TODAY
        )


def test_the_totals_match_the_records(tenant_a, world):
    total = _stats(tenant_a).total
    assert total.received == 9
    assert total.accepted == 7
    assert total.letters == 1
    assert total.assigned == 7
    assert total.replied == 5
    # No. 4's first reply was on time, but its re-handling is overdue now: it is late.
    assert total.on_time == 3
    assert total.closed_late == 1
    assert total.open_overdue == 2
    assert total.late == 3
    assert total.overdue_open == 2
    assert total.on_time_rate == pytest.approx(3 / 6)
    assert total.solved_class == 3
    assert total.solved_rate == pytest.approx(3 / 5)
    assert (total.first_rated, total.first_satisfied) == (4, 2)
    assert total.first_satisfaction_rate == pytest.approx(0.5)
    assert (total.final_rated, total.final_satisfied) == (3, 3)
    assert total.final_satisfaction_rate == 1
    assert total.rehandled == 2
    assert total.key == 1


def test_per_session_with_recess_as_its_own_row(tenant_a, world):
    rows = _stats(tenant_a).by_session
    assert [row.key_value for row in rows] == [world.session.pk, RECESS]
    session, recess = rows
    assert session.label == world.session.name
    assert (session.received, session.accepted, session.letters) == (5, 4, 1)
    assert (session.on_time, session.closed_late, session.open_overdue) == (1, 1, 2)
    assert session.on_time_rate == pytest.approx(0.25)
    assert (recess.received, recess.accepted, recess.on_time, recess.late) == (4, 3, 2, 0)
    assert recess.on_time_rate == 1
    assert recess.solved_rate == 1


def test_per_lead_unit_falls_back_to_the_unit_that_replied(tenant_a, world):
    rows = {row.key_value: row for row in _stats(tenant_a).by_unit}
    assert set(rows) == {world.unit_1.pk, world.unit_2.pk}
    first, second = rows[world.unit_1.pk], rows[world.unit_2.pk]
    assert first.label == "区住建局"
    assert (first.received, first.on_time, first.late, first.replied, first.solved_class) == (
        4,
        3,
        1,
        4,
        3,
    )
    assert first.on_time_rate == pytest.approx(0.75)
    assert (second.received, second.on_time, second.open_overdue, second.overdue_open) == (
        3,
        0,
        2,
        2,
    )
    assert second.on_time_rate == 0
    assert second.solved_rate == 0


def test_per_category(tenant_a, world):
    rows = _stats(tenant_a).by_category
    by_id = {row.key_value: row for row in rows}
    assert by_id[world.category_1.pk].received == 5
    assert by_id[world.category_2.pk].received == 4
    assert by_id[world.category_1.pk].key == 1
    assert by_id[world.category_2.pk].open_overdue == 2


def test_status_breakdown(tenant_a, world):
    counts = {status: count for status, _label, count in _stats(tenant_a).by_status}
    assert counts == {
        "closed": 3,
        "assigned": 2,
        "rehandling": 1,
        "letter": 1,
        "replied": 1,
        "submitted": 1,
    }


def test_filters_by_session_recess_year_and_kind(tenant_a, world):
    assert _stats(tenant_a, session=world.session.pk).total.received == 5
    assert _stats(tenant_a, session=RECESS).total.received == 4
    assert _stats(tenant_a, year=2026).total.received == 8
    assert _stats(tenant_a, year=2025).total.received == 1
    empty = _stats(tenant_a, kind="motion").total
    assert empty.received == 0
    # Nothing was due: the rate is unknown ("—"), never 100%.
    assert empty.on_time_rate is None
    assert empty.solved_rate is None
    assert empty.final_satisfaction_rate is None


def test_an_open_overdue_item_keeps_the_on_time_rate_below_100(tenant_a):
    with tenant_a.scope():  # test setup
        SuggestionFactory(
            congress=tenant_a.congress,
            status="closed",
            first_due_on=date(2026, 5, 1),
            first_replied_on=date(2026, 4, 1),
            reply_class="A",
        )
        before = _stats(tenant_a).total
        assert before.on_time_rate == 1
        SuggestionFactory(congress=tenant_a.congress, status="assigned", due_on=date(2026, 6, 14))
    after = _stats(tenant_a).total
    assert after.late == 1
    assert after.on_time_rate == pytest.approx(0.5)


def test_an_item_due_today_is_not_yet_late(tenant_a):
    with tenant_a.scope():  # test setup
        SuggestionFactory(congress=tenant_a.congress, status="assigned", due_on=TODAY)
    total = _stats(tenant_a).total
    assert (total.open_overdue, total.overdue_open) == (0, 0)
    assert total.on_time_rate is None


def test_another_congress_is_not_counted(tenant_a, tenant_b, world):
    assert _stats(tenant_b).total.received == 0


def test_the_query_count_does_not_grow_with_the_rows(tenant_a, world):
    with CaptureQueriesContext(connection) as small:
        _stats(tenant_a)
    with tenant_a.scope():  # test setup
        for number in range(12):
            unit = HandlingUnitFactory(congress=tenant_a.congress)
            category = SuggestionCategoryFactory(congress=tenant_a.congress)
            session = CongressSessionFactory(congress=tenant_a.congress)
            world.add(session, category, unit, status="assigned", due_on=date(2026, 6, number + 1))
    with CaptureQueriesContext(connection) as large:
        stats = _stats(tenant_a)
    assert stats.total.received == 9 + 12
    assert len(stats.by_unit) == 2 + 12
    assert len(large) == len(small)
