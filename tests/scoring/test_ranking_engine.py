"""The ranking engine against numbers worked out by hand: a month of self-reported duties through
audit and confirmation into a quarter's ranking; caps; rules revised after a quarter closed."""

from __future__ import annotations

import io
import random
import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_scopes import scope, scopes_disabled
from PIL import Image

from congress.errors import DomainError
from congress.models import Role
from scoring import services
from scoring.models import (
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyWarning,
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RankingRollup,
    RecordStatus,
    WarningStatus,
)
from scoring.ranking import _category_sql, _sittings, deputy_live_scores, ranking_compute
from tests.factories import (
    CongressFactory,
    CongressSessionFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def entries(ranking: Ranking, period: str = Period.QUARTER) -> dict[str, RankingEntry]:
    return {
        entry.deputy.name: entry
        for entry in RankingEntry.objects.filter(ranking=ranking, period=period).select_related(
            "deputy"
        )
    }


@pytest.fixture
def committee(tenant_a):
    """Four deputies in two groups; 张 and 王 receive at one station; six-category rules."""
    congress = tenant_a.congress
    with tenant_a.scope():
        names = ["张明", "李华", "王芳", "赵强"]
        deputies = {name: DeputyFactory(congress=congress, name=name) for name in names}
        east = DeputyGroupFactory(congress=congress, name="东城组")
        west = DeputyGroupFactory(congress=congress, name="西城组")
        for name, group in [("张明", east), ("李华", east), ("王芳", west), ("赵强", west)]:
            GroupMembershipFactory(congress=congress, group=group, deputy=deputies[name])
        station = LiaisonStationFactory(congress=congress, name="滨江联络站")
        for name in ("张明", "王芳"):
            StationDeputyFactory(congress=congress, station=station, deputy=deputies[name])
        services.rule_set_create_from_preset(actor=None, congress=congress, year=2026, preset="six")
    return deputies


def report(tenant, deputy, category, day, *, evidence=False):
    return services.duty_record_report(
        actor=tenant.user(Role.DEPUTY),
        deputy=deputy,
        category=category,
        occurred_on=day,
        description=f"{deputy.name}的履职",
        photos=[photo()] if evidence else [],
    )


def test_a_month_of_reports_through_audit_and_confirmation_into_the_ranking(tenant_a, committee):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    station_staff = tenant_a.user(Role.STATION_STAFF)
    zhang, li, wang, _zhao = (committee[name] for name in ["张明", "李华", "王芳", "赵强"])
    with tenant_a.scope(), at(date(2026, 3, 28)):
        own = [
            report(tenant_a, zhang, "congress_meeting", date(2026, 3, 2)),
            report(tenant_a, zhang, "study", date(2026, 3, 10), evidence=True),
            report(tenant_a, zhang, "report_to_voters", date(2026, 3, 20), evidence=True),
            report(tenant_a, li, "study", date(2026, 3, 5), evidence=True),
            report(tenant_a, li, "study", date(2026, 3, 12), evidence=True),
            report(tenant_a, wang, "congress_meeting", date(2026, 3, 2)),
        ]
        refused = report(tenant_a, li, "inspection", date(2026, 3, 15), evidence=True)
        # Staff enter the deduction from the meeting's sign-in sheet: no audit needed.
        created, skipped = services.duty_records_enter(
            actor=staff,
            deputies=[wang],
            category="absent_without_leave",
            occurred_on=date(2026, 3, 3),
            description="区人代会第二天无故缺席",
        )
        assert len(created) == 1 and skipped == []
        assert created[0].status == RecordStatus.APPROVED

    with tenant_a.scope(), at(date(2026, 4, 2)):
        with pytest.raises(DomainError, match="7"):
            services.duty_quarter_close(
                actor=staff, congress=tenant_a.congress, year=2026, quarter=1
            )
        assert services.duty_records_approve(actor=station_staff, records=own) == 6
        assert (
            services.duty_records_reject(actor=station_staff, records=[refused], reason="照片不符")
            == 1
        )
        quarter = services.duty_quarter_close(
            actor=staff, congress=tenant_a.congress, year=2026, quarter=1
        )
        assert quarter.is_closed and quarter.closed_by == staff
        confirmed = DutyRecord.objects.filter(status=RecordStatus.CONFIRMED)
        assert confirmed.count() == 7
        assert {record.points for record in confirmed} == {D("10"), D("-1")}
        assert DutyRecord.objects.get(pk=refused.pk).points is None
        # Every record's life is in its events: reported, approved, confirmed.
        actions = list(
            DutyRecordEvent.objects.filter(record=own[0]).values_list("action", "to_status")
        )
        assert actions == [
            ("report", "submitted"),
            ("approve", "approved"),
            ("confirm", "confirmed"),
        ]

        ranking = ranking_compute(congress=tenant_a.congress, year=2026, quarter=1, actor=staff)

        by_name = entries(ranking)
        assert {name: entry.points for name, entry in by_name.items()} == {
            "张明": D("30"),
            "李华": D("20"),
            "王芳": D("9"),
            "赵强": D("0"),
        }
        assert {name: entry.rank for name, entry in by_name.items()} == {
            "张明": 1,
            "李华": 2,
            "王芳": 3,
            "赵强": 4,
        }
        assert by_name["赵强"].rank_from_bottom == 1 and by_name["张明"].rank_from_bottom == 4
        assert by_name["张明"].record_count == 3 and by_name["王芳"].record_count == 2
        assert by_name["张明"].previous_rank is None
        assert ranking.deputy_count == 4
        # In Q1 the year so far is the quarter.
        assert {n: e.points for n, e in entries(ranking, Period.YEAR).items()} == {
            n: e.points for n, e in by_name.items()
        }
        # Every point traces back to its category and records.
        wang_scores = dict(
            RankingCategoryScore.objects.filter(ranking=ranking, deputy=wang).values_list(
                "category_code", "points"
            )
        )
        assert wang_scores == {"congress_meeting": D("10"), "absent_without_leave": D("-1")}
        group_ranks = {
            (row.group.name, row.deputy.name): row.rank
            for row in RankingGroupEntry.objects.filter(
                ranking=ranking, period=Period.QUARTER
            ).select_related("group", "deputy")
        }
        assert group_ranks == {
            ("东城组", "张明"): 1,
            ("东城组", "李华"): 2,
            ("西城组", "王芳"): 1,
            ("西城组", "赵强"): 2,
        }
        rollups = {
            (row.kind, row.name): (row.deputy_count, row.points_total, row.points_average, row.rank)
            for row in RankingRollup.objects.filter(ranking=ranking, period=Period.QUARTER)
        }
        assert rollups == {
            ("group", "东城组"): (2, D("50"), D("25"), 1),
            ("group", "西城组"): (2, D("9"), D("4.5"), 2),
            ("station", "滨江联络站"): (2, D("39"), D("19.5"), 1),
        }


def test_a_revised_rule_set_leaves_the_closed_quarter_as_it_was(tenant_a, committee):
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    zhang, li = committee["张明"], committee["李华"]
    congress = tenant_a.congress
    with tenant_a.scope():
        DutyRecordFactory(congress=congress, deputy=zhang, occurred_on=date(2026, 2, 3))
        DutyRecordFactory(congress=congress, deputy=zhang, occurred_on=date(2026, 2, 4))
        DutyRecordFactory(congress=congress, deputy=li, occurred_on=date(2026, 2, 5))
    with tenant_a.scope(), at(date(2026, 4, 2)):
        services.duty_quarter_close(actor=staff, congress=congress, year=2026, quarter=1)
        first = ranking_compute(congress=congress, year=2026, quarter=1)
        before = {name: (e.points, e.rank) for name, e in entries(first).items()}
        assert before["张明"] == (D("20"), 1)

        current = first.rule_set
        items = [
            {
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "points": "20" if item.code == "study" else item.points,
                "cap_points": item.cap_points,
                "cap_period": item.cap_period,
                "evidence_required": item.evidence_required,
                "recess_only": item.recess_only,
                "auto_sources": item.auto_sources,
                "self_reported": item.self_reported,
            }
            for item in current.items.all()
        ]
        revised = services.rule_set_revise(
            actor=staff, rule_set=current, items=items, note="学习培训改为20分"
        )
        assert revised.version == current.version + 1
        # Asking again gives the same snapshot; the frozen records keep their points.
        again = ranking_compute(congress=congress, year=2026, quarter=1)
        assert again.pk == first.pk
        assert {n: (e.points, e.rank) for n, e in entries(again).items()} == before
        assert set(DutyRecord.objects.values_list("points", flat=True)) == {D("10")}
        assert DutyQuarter.objects.get(year=2026, quarter=1).rule_set == current

    with tenant_a.scope():
        DutyRecordFactory(congress=congress, deputy=li, occurred_on=date(2026, 5, 6))
    with tenant_a.scope(), at(date(2026, 7, 2)):
        services.duty_quarter_close(actor=staff, congress=congress, year=2026, quarter=2)
        second = ranking_compute(congress=congress, year=2026, quarter=2)
        assert second.rule_set == revised
        quarter = entries(second)
        year = entries(second, Period.YEAR)
        # Q2 is scored by the new rules; the year adds Q1 as it was confirmed.
        assert quarter["李华"].points == D("20") and quarter["张明"].points == D("0")
        assert year["李华"].points == D("30") and year["张明"].points == D("20")
        assert quarter["李华"].previous_points == D("10")
        assert quarter["李华"].previous_rank == 2 and quarter["李华"].rank == 1
        assert quarter["李华"].rank_change == 1
        assert year["张明"].previous_points == D("20")


def _snapshot_rows(congress_id: int) -> dict[int, tuple[int, int, int]]:
    """Per ranking id, its entries, category scores and ranks in groups, across congresses."""
    counts: dict[int, tuple[int, int, int]] = {}
    with scopes_disabled():
        for model in (RankingEntry, RankingCategoryScore, RankingGroupEntry):
            for ranking_id in model._base_manager.filter(congress_id=congress_id).values_list(
                "ranking_id", flat=True
            ):
                row = list(counts.get(ranking_id, (0, 0, 0)))
                row[(RankingEntry, RankingCategoryScore, RankingGroupEntry).index(model)] += 1
                counts[ranking_id] = tuple(row)
    return counts


def test_deleting_a_ranking_or_a_congress_deletes_its_snapshot_rows(tenant_a, tenant_b, committee):
    """Category scores and ranks in groups are keyed by their columns (no id) and the database
    does not check their references: Django deletes them with their ranking and congress."""
    congress = tenant_a.congress
    with tenant_a.scope():
        for day in (date(2026, 2, 3), date(2026, 5, 6)):
            DutyRecordFactory(congress=congress, deputy=committee["张明"], occurred_on=day)
        DutyRecordFactory(congress=congress, deputy=committee["王芳"], occurred_on=date(2026, 5, 7))
    with tenant_a.scope(), at(date(2026, 7, 2)):
        for quarter in (1, 2):
            services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=quarter)
        first = ranking_compute(congress=congress, year=2026, quarter=1)
        second = ranking_compute(congress=congress, year=2026, quarter=2)
    # A third snapshot, of the other congress, that neither deletion may touch.
    other = tenant_b.congress
    with tenant_b.scope():
        deputy = DeputyFactory(congress=other, name="孙丽")
        GroupMembershipFactory(
            congress=other, group=DeputyGroupFactory(congress=other), deputy=deputy
        )
        services.rule_set_create_from_preset(actor=None, congress=other, year=2026, preset="six")
        DutyRecordFactory(congress=other, deputy=deputy, occurred_on=date(2026, 2, 3))
    with tenant_b.scope(), at(date(2026, 4, 2)):
        services.duty_quarter_close(actor=None, congress=other, year=2026, quarter=1)
        kept = ranking_compute(congress=other, year=2026, quarter=1)

    # Four deputies, each in one group, twice over (quarter and year); a score row per category
    # scored in the year so far.
    rows = _snapshot_rows(congress.pk)
    assert rows == {first.pk: (8, 1, 8), second.pk: (8, 2, 8)}
    assert _snapshot_rows(other.pk) == {kept.pk: (2, 1, 2)}

    with tenant_a.scope():
        # Its warnings name it (and keep it): undone first, as the benchmark undoes a ranking.
        DutyWarning.objects.filter(raised_by=second).delete()
        DutyWarning.objects.filter(cleared_by=second).update(
            status=WarningStatus.ACTIVE, cleared_by=None, cleared_at=None
        )
        second.delete()
    assert _snapshot_rows(congress.pk) == {first.pk: rows[first.pk]}

    assert _snapshot_rows(other.pk) == {kept.pk: (2, 1, 2)}

    # A congress with rankings cannot be deleted (its rule sets and rankings are protected);
    # the rows go with one that has none but still holds such rows (written by hand here).
    with scopes_disabled():
        gone = CongressFactory(slug="gone")
        deputy = DeputyFactory(congress=gone)
        group = DeputyGroupFactory(congress=gone)
        RankingCategoryScore.objects.create(
            congress=gone,
            ranking_id=0,
            deputy=deputy,
            category_code="study",
            category_name="学习培训",
            record_count=1,
            recess_count=0,
            raw_points=D("10"),
            points=D("10"),
            year_record_count=1,
            year_recess_count=0,
            year_raw_points=D("10"),
            year_points=D("10"),
        )
        for period in Period.values:
            RankingGroupEntry.objects.create(
                congress=gone, ranking_id=0, period=period, group=group, deputy=deputy, rank=1
            )
    assert _snapshot_rows(gone.pk) == {0: (0, 1, 2)}
    gone_id = gone.pk
    with scopes_disabled():
        gone.delete()
    assert _snapshot_rows(gone_id) == {}
    assert _snapshot_rows(congress.pk) == {first.pk: rows[first.pk]}
    assert _snapshot_rows(other.pk) == {kept.pk: (2, 1, 2)}


def test_caps_per_month_quarter_and_year(tenant_a):
    congress = tenant_a.congress
    with tenant_a.scope():
        deputy = DeputyFactory(congress=congress, name="钱进")
        services.rule_set_create_from_preset(
            actor=None, congress=congress, year=2026, preset="twelve"
        )

        def add(code, day, count):
            for _ in range(count):
                DutyRecordFactory(
                    congress=congress,
                    deputy=deputy,
                    category_code=code,
                    occurred_on=day,
                    origin="automatic" if code in ("voter_message", "suggestion") else "staff",
                )

        add("study", date(2026, 1, 10), 5)  # 3 points each, 12 a quarter: 15 -> 12
        add("voter_message", date(2026, 1, 15), 6)  # 2 each, 10 a month: 12 -> 10
        add("voter_message", date(2026, 2, 15), 2)  # 4
        add("suggestion", date(2026, 3, 1), 4)  # 5 each, 30 a year: 20
        add("suggestion", date(2026, 5, 1), 3)  # 15 more, but only 10 fit under the cap
        add("study", date(2026, 5, 2), 1)  # 3
    with tenant_a.scope(), at(date(2026, 4, 3)):
        live = deputy_live_scores(deputy=deputy, year=2026, quarter=1)
        assert live["quarter"]["points"] == D("46")
        services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=1)
        first = ranking_compute(congress=congress, year=2026, quarter=1)
        scores = {
            row.category_code: (row.record_count, row.raw_points, row.points)
            for row in RankingCategoryScore.objects.filter(ranking=first)
        }
        assert scores == {
            "study": (5, D("15"), D("12")),
            "voter_message": (8, D("16"), D("14")),
            "suggestion": (4, D("20"), D("20")),
        }
        assert entries(first)["钱进"].points == D("46")
    with tenant_a.scope(), at(date(2026, 7, 3)):
        services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=2)
        second = ranking_compute(congress=congress, year=2026, quarter=2)
        # One row per category holds both periods; the quarter's are those with records in it.
        second_rows = RankingCategoryScore.objects.filter(ranking=second)
        quarter_scores = dict(
            second_rows.filter(record_count__gt=0).values_list("category_code", "points")
        )
        assert quarter_scores == {"suggestion": D("10"), "study": D("3")}
        assert second_rows.get(category_code="voter_message").points == 0
        year_scores = dict(second_rows.values_list("category_code", "year_points"))
        # The quarter cap applies per quarter (12 + 3), the month cap per month, the year cap once.
        assert year_scores == {"study": D("15"), "voter_message": D("14"), "suggestion": D("30")}
        assert entries(second, Period.YEAR)["钱进"].points == D("59")


def test_duties_between_congress_meetings_are_counted_for_the_year(tenant_a):
    congress = tenant_a.congress
    with tenant_a.scope():
        rule_set = services.rule_set_create_from_preset(
            actor=None, congress=congress, year=2025, preset="six"
        )
        CongressSessionFactory(
            congress=congress, starts_on=date(2025, 1, 10), ends_on=date(2025, 1, 13)
        )
        enough = DeputyFactory(congress=congress, name="周敏")
        short = DeputyFactory(congress=congress, name="吴刚")

        def record(deputy, day, **fields):
            fields.setdefault("status", "confirmed")
            DutyRecordFactory(congress=congress, deputy=deputy, occurred_on=day, **fields)

        for day in (date(2025, 2, 1), date(2025, 5, 1), date(2025, 1, 14), date(2025, 1, 9)):
            record(enough, day)
        for day in (date(2025, 3, 1), date(2025, 6, 1)):
            record(short, day)
        # None of these count: in session, rejected, a bonus, another year.
        record(short, date(2025, 1, 10))
        record(short, date(2025, 1, 13), category_code="congress_meeting")
        record(short, date(2025, 7, 2), status="rejected")
        record(short, date(2025, 7, 3), kind="bonus", category_code="commended")
        record(short, date(2024, 7, 3))
        for quarter in range(1, 5):
            DutyQuarter.objects.create(
                congress=congress,
                year=2025,
                quarter=quarter,
                status=DutyQuarter.Status.CLOSED,
                rule_set=rule_set,
            )
        ranking = ranking_compute(congress=congress, year=2025, quarter=4)
        year = entries(ranking, Period.YEAR)
        assert (year["周敏"].recess_count, year["吴刚"].recess_count) == (4, 2)
        # The two in session still score: they are counted, only not as between meetings.
        assert (year["周敏"].record_count, year["吴刚"].record_count) == (4, 5)
        assert entries(ranking)["吴刚"].recess_count == 0  # nothing between meetings in Q4
        study = RankingCategoryScore.objects.get(
            ranking=ranking, deputy=short, category_code="study"
        )
        assert (study.year_record_count, study.year_recess_count) == (3, 2)


def test_one_pass_and_the_month_by_month_sums_agree(tenant_a):
    """Without monthly caps the engine sums each category in one pass; summing month by month
    (which it does when a rule caps by month) must give the same numbers: quarterly and yearly
    caps, points frozen or not, duties between meetings, every quarter."""
    congress = tenant_a.congress
    rng = random.Random(2026)
    with tenant_a.scope():
        rule_set = services.rule_set_create_from_preset(
            actor=None, congress=congress, year=2026, preset="twelve"
        )
        rule_set.items.filter(cap_period="month").update(cap_period="quarter")  # test setup
        items = list(rule_set.items.all())
        CongressSessionFactory(
            congress=congress, starts_on=date(2026, 1, 10), ends_on=date(2026, 1, 13)
        )
        capped = [item for item in items if item.cap_period]
        deputies = [DeputyFactory(congress=congress) for _ in range(3)]
        for _ in range(500):
            # Half on capped rules, so that the caps bite.
            item = rng.choice(capped if rng.random() < 0.5 else items)
            DutyRecordFactory(
                congress=congress,
                deputy=rng.choice(deputies),
                category_code=item.code,
                category_name=item.name,
                kind=item.kind,
                occurred_on=date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                status=rng.choice(["approved", "confirmed", "confirmed", "rejected"]),
                points=rng.choice([None, item.points, D("1.5")]),
            )
        sittings = _sittings(congress.pk, 2026)
        caps = {"quarter", "year"}
        assert {item.cap_period for item in items} - {""} == caps

        def scores(cap_periods, quarter, all_frozen=False):
            sql = _category_sql(
                cap_periods=cap_periods, one_deputy=False, sittings=1, all_frozen=all_frozen
            )
            params = dict(congress=congress.pk, year=2026, quarter=quarter, rule_set=rule_set.pk)
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, **sittings})
                rows = []
                for deputy, code, name, *figures in cursor.fetchall():
                    for period, (n, recess, raw, points) in (
                        ("quarter", figures[:4]),
                        ("year", figures[4:]),
                    ):
                        rows.append(
                            (period, deputy, code, name, int(n), int(recess), D(raw), D(points))
                        )
                return sorted(rows)

        for quarter in range(1, 5):
            one_pass = scores(caps, quarter)
            assert len(one_pass) > 40
            assert any(raw != points for *_row, raw, points in one_pass)  # the caps bit
            assert one_pass == scores(caps | {"month"}, quarter)

        # Once every record's points are frozen (as closing the quarters does), the shortcut
        # that skips counting unfrozen records gives the same numbers in both ways of summing.
        DutyRecord.objects.filter(points__isnull=True).update(points=D("2"))  # test setup
        for quarter in range(1, 5):
            frozen = scores(caps, quarter)
            assert frozen == scores(caps, quarter, all_frozen=True)
            assert frozen == scores(caps | {"month"}, quarter, all_frozen=True)


def test_a_quarter_must_be_closed_to_be_ranked_and_ended_to_be_closed(tenant_a, committee):
    congress = tenant_a.congress
    with tenant_a.scope(), at(date(2026, 3, 20)):
        with pytest.raises(DomainError):
            ranking_compute(congress=congress, year=2026, quarter=1)
        with pytest.raises(DomainError):
            services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=1)
        assert not Ranking.objects.exists()
    with tenant_a.scope(), at(date(2026, 4, 1)), pytest.raises(DomainError):
        # No rules for 2025.
        services.duty_quarter_close(actor=None, congress=congress, year=2025, quarter=4)


def test_a_closed_quarter_takes_no_more_records(tenant_a, committee):
    zhang = committee["张明"]
    with tenant_a.scope(), at(date(2026, 4, 2)):
        services.duty_quarter_close(actor=None, congress=tenant_a.congress, year=2026, quarter=1)
        with pytest.raises(DomainError, match="2026Q1"):
            report(tenant_a, zhang, "congress_meeting", date(2026, 3, 30))
        report(tenant_a, zhang, "congress_meeting", date(2026, 4, 1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer; the race needs a server"
)
def test_two_runs_at_once_give_one_snapshot(tenant_a, committee):
    congress = tenant_a.congress
    with tenant_a.scope():
        DutyRecordFactory(congress=congress, deputy=committee["张明"], occurred_on=date(2026, 2, 3))
    with tenant_a.scope(), at(date(2026, 4, 2)):
        services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=1)
    results, errors = [], []

    def run():
        try:
            with scope(congress=congress):
                results.append(ranking_compute(congress=congress, year=2026, quarter=1).pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    with scopes_disabled():  # test check across the whole table
        assert Ranking.objects.count() == 1
        assert RankingEntry.objects.filter(period="quarter").count() == 4


def test_a_ranking_after_a_quarter_left_open_scores_its_records_by_the_rules(tenant_a):
    """Q2 closed while Q1 was not: Q1's approved records carry no frozen points yet, so the year
    so far scores them by the rules (the shortcut for all-frozen years must not apply)."""
    congress = tenant_a.congress
    with tenant_a.scope():
        rule_set = services.rule_set_create_from_preset(
            actor=None, congress=congress, year=2026, preset="six"
        )
        item = rule_set.items.filter(cap_period="", points__gt=0).order_by("position").first()
        deputy = DeputyFactory(congress=congress)
        for day in (date(2026, 2, 3), date(2026, 5, 6)):
            DutyRecordFactory(
                congress=congress,
                deputy=deputy,
                category_code=item.code,
                category_name=item.name,
                kind=item.kind,
                occurred_on=day,
            )
    with tenant_a.scope(), at(date(2026, 7, 20)):
        services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=2)
        ranking = ranking_compute(congress=congress, year=2026, quarter=2)
        score = RankingCategoryScore.objects.get(
            ranking=ranking, deputy=deputy, category_code=item.code
        )
        assert not DutyQuarter.objects.filter(year=2026, quarter=1, status="closed").exists()
    assert (score.record_count, score.points) == (1, item.points)
    assert (score.year_record_count, score.year_points) == (2, 2 * item.points)
