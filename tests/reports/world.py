"""A small congress with duties, suggestions, voter messages and warnings around 2026Q2.

Every figure the headline tests expect is worked out by hand in the comments: the quarter is
2026Q2 (1 April to 30 June), the year to date 1 January to 30 June, and today is 15 July 2026.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scoring.models import WarningTalk
from tests.factories import (
    DeputyFactory,
    DutyRecordFactory,
    DutyWarningFactory,
    LiaisonStationFactory,
    RankingFactory,
    RuleSetFactory,
    SuggestionFactory,
    VoterMessageFactory,
    WarningRuleFactory,
)

TODAY = date(2026, 7, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")
LEVELS = ("yellow", "orange", "red")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class World:
    def __init__(self, congress):
        self.congress = congress
        c = congress
        # Four serving deputies and one who resigned.
        self.deputies = [DeputyFactory(congress=c) for _ in range(4)]
        DeputyFactory(congress=c, status="resigned")
        d1, d2, d3, d4 = self.deputies

        # Rankings: 2026Q2 ranked 8 deputies, 2026Q1 ranked 5, 2025Q2 ranked 3. Other quarters
        # (2025Q4 among them) were not ranked: they count the 4 serving deputies.
        rule_set = RuleSetFactory(congress=c)
        ranking = RankingFactory
        self.q2 = ranking(congress=c, rule_set=rule_set, year=2026, quarter=2, deputy_count=8)
        self.q1 = ranking(congress=c, rule_set=rule_set, year=2026, quarter=1, deputy_count=5)
        self.old = ranking(congress=c, rule_set=rule_set, year=2025, quarter=2, deputy_count=3)

        # Duties. Q2: d1 three, d2 one (its rejected and unaudited ones do not count), d4 a bonus
        # only: duties 4, active 2. Q1: d3 one. Q3 and 2025Q4: one each, outside.
        duty = DutyRecordFactory
        duty(congress=c, deputy=d1, occurred_on=date(2026, 4, 10))
        duty(congress=c, deputy=d1, occurred_on=date(2026, 5, 3), status="confirmed")
        duty(congress=c, deputy=d1, occurred_on=date(2026, 6, 30))
        duty(congress=c, deputy=d2, occurred_on=date(2026, 5, 15))
        duty(congress=c, deputy=d2, occurred_on=date(2026, 5, 16), status="rejected")
        duty(congress=c, deputy=d2, occurred_on=date(2026, 5, 17), status="submitted")
        duty(congress=c, deputy=d4, occurred_on=date(2026, 4, 20), kind="bonus")
        duty(congress=c, deputy=d3, occurred_on=date(2026, 2, 1))
        duty(congress=c, deputy=d3, occurred_on=date(2026, 7, 1))
        duty(congress=c, deputy=d1, occurred_on=date(2025, 12, 31))

        # Suggestions. Q2: s1 on time, A, satisfied; s2 late, B, unsatisfied; s3 overdue now
        # (late); s4 not due yet; a draft and one submitted just after midnight on 1 July do
        # not count. Q1: s6 on time, A, satisfied (submitted late on 31 March).
        suggestion = SuggestionFactory
        suggestion(
            congress=c,
            lead_deputy=d1,
            submitted_at=at(2026, 4, 5),
            status="closed",
            first_due_on=date(2026, 6, 1),
            first_replied_on=date(2026, 5, 20),
            reply_class="A",
            first_rating="satisfied",
            final_rating="satisfied",
        )
        suggestion(
            congress=c,
            lead_deputy=d1,
            submitted_at=at(2026, 5, 5),
            status="closed",
            first_due_on=date(2026, 6, 1),
            first_replied_on=date(2026, 6, 10),
            reply_class="B",
            first_rating="unsatisfied",
            final_rating="unsatisfied",
        )
        suggestion(
            congress=c,
            lead_deputy=d2,
            submitted_at=at(2026, 6, 1),
            status="assigned",
            due_on=date(2026, 7, 1),
        )
        suggestion(
            congress=c,
            lead_deputy=d2,
            submitted_at=at(2026, 6, 20),
            status="assigned",
            due_on=date(2026, 9, 1),
        )
        suggestion(congress=c, lead_deputy=d2, submitted_at=at(2026, 6, 25), status="draft")
        suggestion(congress=c, lead_deputy=d3, submitted_at=at(2026, 7, 1, 0, 30))
        suggestion(
            congress=c,
            lead_deputy=d3,
            submitted_at=at(2026, 3, 31, 23, 0),
            status="closed",
            first_due_on=date(2026, 6, 1),
            first_replied_on=date(2026, 5, 1),
            reply_class="A",
            first_rating="satisfied",
            final_rating="satisfied",
        )

        # Voter messages. Q2: m1 answered in time (late evening of its due day), m2 answered
        # early the morning after its due day (late), m3 unanswered and overdue (late), m4 not
        # due yet. Q1: m5 answered in time. Q3: one, outside.
        self.station = LiaisonStationFactory(congress=c, name="古城街道代表之家")
        self.other_station = LiaisonStationFactory(congress=c, name="庞公街道联络站")
        message = VoterMessageFactory
        message(
            congress=c,
            deputy=d1,
            station=self.station,
            created_at=at(2026, 4, 2),
            due_on=date(2026, 4, 12),
            answered_at=at(2026, 4, 12, 22),
            status="answered",
        )
        message(
            congress=c,
            deputy=d1,
            station=self.station,
            created_at=at(2026, 4, 10),
            due_on=date(2026, 4, 20),
            answered_at=at(2026, 4, 21, 7),
            status="answered",
        )
        message(
            congress=c,
            deputy=d2,
            station=self.other_station,
            created_at=at(2026, 6, 28),
            due_on=date(2026, 7, 8),
        )
        message(congress=c, deputy=d2, created_at=at(2026, 6, 29), due_on=date(2026, 7, 20))
        message(
            congress=c,
            deputy=d3,
            created_at=at(2026, 2, 10),
            due_on=date(2026, 2, 20),
            answered_at=at(2026, 2, 15),
            status="answered",
        )
        message(congress=c, deputy=d3, created_at=at(2026, 7, 2), due_on=date(2026, 7, 12))

        # Warnings: Q2 raised 2 yellow and 1 orange; Q1 1 yellow and 1 red; 2025Q2 one red
        # (another year). Talks: one in Q2, one in Q1, one in Q3.
        rules = {level: WarningRuleFactory(congress=c, level=level) for level in LEVELS}

        def warn(*, level, **fields):
            return DutyWarningFactory(congress=c, rule=rules[level], level=level, **fields)

        warn(deputy=d1, raised_by=self.q2, level="yellow")
        warn(deputy=d2, raised_by=self.q2, level="yellow")
        warn(deputy=d3, raised_by=self.q2, level="orange")
        q1_yellow = warn(deputy=d3, raised_by=self.q1, level="yellow")
        q1_red = warn(deputy=d4, raised_by=self.q1, level="red")
        warn(deputy=d4, raised_by=self.old, level="red", status="cleared")
        for warning, held_on in (
            (q1_red, date(2026, 5, 10)),
            (q1_yellow, date(2026, 3, 20)),
            (q1_red, date(2026, 7, 3)),
        ):
            WarningTalk.objects.create(
                congress=c,
                warning=warning,
                held_on=held_on,
                held_by="常委会副主任",
                notes="谈话记录",
                outcome="improving",
            )
