"""The ranking board, the red and black lists, a deputy's trace and the duty portrait."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import JobRun, Role
from scoring.models import (
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingRollup,
    RollupKind,
)
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    DutyWarningFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    RankingFactory,
    RuleItemFactory,
    RuleSetFactory,
    StationDeputyFactory,
    WarningRuleFactory,
)

CATEGORIES = [("meeting", "参加会议"), ("study", "学习培训"), ("voters", "联系选民")]


def _ranks(totals: dict[int, Decimal]) -> tuple[dict[int, int], dict[int, int]]:
    """Competition ranks from the top and from the bottom (ties share the better place)."""
    values = list(totals.values())
    top = {key: 1 + sum(1 for other in values if other > value) for key, value in totals.items()}
    bottom = {key: 1 + sum(1 for other in values if other < value) for key, value in totals.items()}
    return top, bottom


def build_snapshot(
    congress,
    scores: dict,
    *,
    year: int = 2026,
    quarter: int = 1,
    rule_set=None,
    previous: Ranking | None = None,
    year_scores: dict | None = None,
) -> Ranking:
    """A ranking snapshot as the engine writes it: entries, category scores, rollups.

    `scores` maps a deputy to {category code: points} for the quarter; the year so far uses
    `year_scores` when given, else the same points. Test setup: call it inside scopes_disabled.
    """
    if rule_set is None:
        rule_set = RuleSetFactory(congress=congress, year=year)
        for position, (code, name) in enumerate(CATEGORIES):
            RuleItemFactory(
                congress=congress, rule_set=rule_set, code=code, name=name, position=position
            )
    names = dict(CATEGORIES)
    ranking = RankingFactory(
        congress=congress, rule_set=rule_set, year=year, quarter=quarter, deputy_count=len(scores)
    )
    for period, period_scores in ((Period.QUARTER, scores), (Period.YEAR, year_scores or scores)):
        totals = {
            deputy.pk: sum(points.values(), Decimal(0)) for deputy, points in period_scores.items()
        }
        top, bottom = _ranks(totals)
        for deputy, points in period_scores.items():
            before = None
            if previous is not None:
                before = RankingEntry.objects.filter(
                    ranking=previous, period=period, deputy=deputy
                ).first()
            RankingEntry.objects.create(
                congress=congress,
                ranking=ranking,
                period=period,
                deputy=deputy,
                points=totals[deputy.pk],
                record_count=len(points),
                rank=top[deputy.pk],
                rank_from_bottom=bottom[deputy.pk],
                previous_points=before.points if before else None,
                previous_rank=before.rank if before else None,
            )
    # One row per deputy and category with both periods (zeros for a quarter without records).
    year_of = year_scores or scores
    for deputy in {*scores, *year_of}:
        quarter_points, year_points = scores.get(deputy, {}), year_of.get(deputy, {})
        for code in {*quarter_points, *year_points}:
            in_quarter, in_year = code in quarter_points, code in year_points
            RankingCategoryScore.objects.create(
                congress=congress,
                ranking=ranking,
                deputy=deputy,
                category_code=code,
                category_name=names.get(code, code),
                record_count=int(in_quarter),
                recess_count=0,
                raw_points=quarter_points.get(code, 0),
                points=quarter_points.get(code, 0),
                year_record_count=int(in_year),
                year_recess_count=0,
                year_raw_points=year_points.get(code, 0),
                year_points=year_points.get(code, 0),
            )
    return ranking


def add_rollup(ranking, *, kind, target, average, rank, period=Period.QUARTER, count=2):
    return RankingRollup.objects.create(
        congress=ranking.congress,
        ranking=ranking,
        period=period,
        kind=kind,
        group=target if kind == RollupKind.GROUP else None,
        station=target if kind == RollupKind.STATION else None,
        name=target.name,
        deputy_count=count,
        points_total=Decimal(average) * count,
        points_average=Decimal(average),
        rank=rank,
    )


def board_url(tenant, **query) -> str:
    url = reverse("duty_rankings:board", kwargs={"congress_slug": tenant.congress.slug})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def leader(tenant_a, client_as):
    return client_as(tenant_a.user(Role.LEADER))


@pytest.fixture
def three(tenant_a):
    """Three deputies in two groups and two stations, ranked in 2026Q1 and 2026Q2."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        east = DeputyGroupFactory(congress=congress, name="东津代表小组")
        west = DeputyGroupFactory(congress=congress, name="庞公代表小组")
        station = LiaisonStationFactory(congress=congress, name="檀溪代表联络站")
        other_station = LiaisonStationFactory(congress=congress, name="真武山代表之家")
        wang = DeputyFactory(congress=congress, name="王建国", level="city")
        li = DeputyFactory(congress=congress, name="李秀英", level="county")
        zhao = DeputyFactory(congress=congress, name="赵德明", level="county")
        GroupMembershipFactory(congress=congress, group=east, deputy=wang)
        GroupMembershipFactory(congress=congress, group=east, deputy=li)
        GroupMembershipFactory(congress=congress, group=west, deputy=zhao)
        StationDeputyFactory(congress=congress, station=station, deputy=wang)
        StationDeputyFactory(congress=congress, station=other_station, deputy=zhao)
        q1 = build_snapshot(
            congress,
            {
                wang: {"meeting": Decimal(10)},
                li: {"meeting": Decimal(10), "study": Decimal(10)},
                zhao: {},
            },
        )
        rule_set = q1.rule_set
        q2 = build_snapshot(
            congress,
            {
                wang: {"meeting": Decimal(10), "study": Decimal(10), "voters": Decimal(10)},
                li: {"study": Decimal(10)},
                zhao: {"voters": Decimal("2.5")},
            },
            quarter=2,
            rule_set=rule_set,
            previous=q1,
        )
        add_rollup(q2, kind=RollupKind.GROUP, target=east, average=20, rank=1)
        add_rollup(q2, kind=RollupKind.GROUP, target=west, average="2.5", rank=2, count=1)
        add_rollup(q2, kind=RollupKind.STATION, target=station, average=30, rank=1, count=1)
        add_rollup(q2, kind=RollupKind.STATION, target=other_station, average="2.5", rank=2)
    return {
        "q1": q1,
        "q2": q2,
        "wang": wang,
        "li": li,
        "zhao": zhao,
        "east": east,
        "west": west,
        "station": station,
    }


def rows(response) -> list[str]:
    return [entry.deputy.name for entry in response.context["page"].object_list]


# The board ------------------------------------------------------------------------------------


def test_the_board_shows_the_latest_ranking_with_categories_totals_and_changes(
    staff, three, tenant_a
):
    response = staff.get(board_url(tenant_a))
    assert response.status_code == 200
    assert response.context["ranking"] == three["q2"]
    assert rows(response) == ["王建国", "李秀英", "赵德明"]
    assert [c.code for c in response.context["categories"]] == ["meeting", "study", "voters"]
    first = response.context["page"].object_list[0]
    assert [cell["points"] for cell in first.category_cells] == [Decimal(10)] * 3
    assert first.points_change == Decimal(20) and first.rank_change == 1
    body = response.content.decode()
    assert "2026Q2" in body and "东津代表小组" in body and "檀溪代表联络站" in body
    assert "上升" in body or "up 1 place" in body


def test_a_chosen_quarter_and_the_year_so_far(staff, three, tenant_a):
    response = staff.get(board_url(tenant_a, quarter="2026Q1"))
    assert response.context["ranking"] == three["q1"]
    assert rows(response) == ["李秀英", "王建国", "赵德明"]
    response = staff.get(board_url(tenant_a, quarter="2026Q2", period="year"))
    assert response.context["filters"].period == "year"
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"quarter": "2026Q9"},
        {"quarter": "garbage"},
        {"quarter": "1999Q1"},
        {"period": "decade"},
        {"group": "abc"},
        {"group": "999999"},
        {"station": "-1"},
        {"level": "galactic"},
        {"page": "many"},
        {"page": "9999"},
        {"job": "x"},
    ],
)
def test_bad_query_values_fall_back_without_an_error(staff, three, tenant_a, query):
    response = staff.get(board_url(tenant_a, **query))
    assert response.status_code == 200
    assert response.context["ranking"] == three["q2"]


def test_filters_by_group_level_station_and_search(staff, three, tenant_a):
    assert rows(staff.get(board_url(tenant_a, group=three["east"].pk))) == ["王建国", "李秀英"]
    assert rows(staff.get(board_url(tenant_a, level="county"))) == ["李秀英", "赵德明"]
    assert rows(staff.get(board_url(tenant_a, station=three["station"].pk))) == ["王建国"]
    assert rows(staff.get(board_url(tenant_a, q="赵"))) == ["赵德明"]
    both = staff.get(board_url(tenant_a, group=three["east"].pk, level="county", q="李"))
    assert rows(both) == ["李秀英"]
    # One bad value does not drop the valid ones.
    assert rows(staff.get(board_url(tenant_a, group=three["east"].pk, level="x"))) == [
        "王建国",
        "李秀英",
    ]


def test_another_congress_group_is_not_offered(staff, three, tenant_a, tenant_b):
    with scopes_disabled():  # test setup
        foreign = DeputyGroupFactory(congress=tenant_b.congress)
    response = staff.get(board_url(tenant_a, group=foreign.pk))
    assert response.status_code == 200
    assert len(rows(response)) == 3


def test_the_red_and_black_lists(staff, three, tenant_a):
    response = staff.get(board_url(tenant_a))
    groups = response.context["group_lists"]
    assert [r.name for r in groups.red] == ["东津代表小组"]
    assert [r.name for r in groups.black] == ["庞公代表小组"]
    stations = response.context["station_lists"]
    assert [r.name for r in stations.red] == ["檀溪代表联络站"]
    assert [r.name for r in stations.black] == ["真武山代表之家"]


def test_red_and_black_lists_take_five_from_each_end_without_overlap(tenant_a):
    from scoring.ranking_selectors import red_and_black

    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=tenant_a.congress)
        for rank in range(1, 13):
            group = DeputyGroupFactory(congress=tenant_a.congress, name=f"小组{rank:02d}")
            add_rollup(ranking, kind=RollupKind.GROUP, target=group, average=100 - rank, rank=rank)
        three = RankingFactory(congress=tenant_a.congress, quarter=2)
        for rank in range(1, 4):
            group = DeputyGroupFactory(congress=tenant_a.congress, name=f"三组{rank}")
            add_rollup(three, kind=RollupKind.GROUP, target=group, average=10 - rank, rank=rank)
    with tenant_a.scope():
        lists = red_and_black(ranking=ranking, period=Period.QUARTER, kind=RollupKind.GROUP)
        assert [r.rank for r in lists.red] == [1, 2, 3, 4, 5]
        assert [r.rank for r in lists.black] == [12, 11, 10, 9, 8]
        small = red_and_black(ranking=three, period=Period.QUARTER, kind=RollupKind.GROUP)
        assert [r.rank for r in small.red] == [1, 2]
        assert [r.rank for r in small.black] == [3]


@pytest.mark.parametrize("count", [0, 1, 2, 9, 10, 11, 30])
def test_red_and_black_lists_come_in_one_query_whatever_the_number_of_groups(tenant_a, count):
    from scoring.ranking_selectors import LIST_SIZE, red_and_black

    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=tenant_a.congress)
        for rank in range(1, count + 1):
            group = DeputyGroupFactory(congress=tenant_a.congress, name=f"小组{rank:02d}")
            add_rollup(ranking, kind=RollupKind.GROUP, target=group, average=100 - rank, rank=rank)
    with tenant_a.scope(), CaptureQueriesContext(connection) as queries:
        lists = red_and_black(ranking=ranking, period=Period.QUARTER, kind=RollupKind.GROUP)
    red, black = min(LIST_SIZE, (count + 1) // 2), min(LIST_SIZE, count // 2)
    assert [rollup.rank for rollup in lists.red] == list(range(1, red + 1))
    assert [rollup.rank for rollup in lists.black] == list(range(count, count - black, -1))
    assert len(queries) == 1


def test_warnings_in_force_show_as_a_badge(staff, three, tenant_a):
    with scopes_disabled():  # test setup
        DutyWarningFactory(
            congress=tenant_a.congress,
            deputy=three["zhao"],
            raised_by=three["q1"],
            level="orange",
            rule=WarningRuleFactory(congress=tenant_a.congress, level="orange"),
        )
        cleared = DutyWarningFactory(
            congress=tenant_a.congress,
            deputy=three["li"],
            raised_by=three["q1"],
            level="yellow",
            rule=WarningRuleFactory(congress=tenant_a.congress, level="yellow"),
            status="cleared",
            cleared_by=three["q2"],
        )
    entries = {e.deputy.name: e for e in staff.get(board_url(tenant_a)).context["page"].object_list}
    assert entries["赵德明"].warning_level == "orange"
    assert entries["李秀英"].warning_level == ""  # cleared at Q2
    q1 = staff.get(board_url(tenant_a, quarter="2026Q1")).context["page"].object_list
    assert {e.deputy.name: e.warning_level for e in q1}["李秀英"] == "yellow"
    assert cleared.pk


def test_the_board_pages_with_a_fixed_number_of_queries(staff, tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        group = DeputyGroupFactory(congress=congress)
        station = LiaisonStationFactory(congress=congress)

        def deputies(count):
            made = []
            for _index in range(count):
                deputy = DeputyFactory(congress=congress)
                GroupMembershipFactory(congress=congress, group=group, deputy=deputy)
                StationDeputyFactory(congress=congress, station=station, deputy=deputy)
                made.append(deputy)
            return made

        small = build_snapshot(congress, {d: {"meeting": Decimal(10)} for d in deputies(2)})
        big = build_snapshot(
            congress,
            {d: {"meeting": Decimal(10), "study": Decimal(5)} for d in deputies(60)},
            quarter=2,
            rule_set=small.rule_set,
        )
        rule = WarningRuleFactory(congress=congress)
        for entry in RankingEntry.objects.filter(ranking=big, period="quarter")[:5]:
            DutyWarningFactory(congress=congress, deputy=entry.deputy, raised_by=big, rule=rule)

    def count(quarter):
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(board_url(tenant_a, quarter=quarter))
        assert response.status_code == 200
        return len(queries), len(response.context["page"].object_list)

    # The first request of a session does one-off work, and the first view of a snapshot
    # keeps the categories it scored.
    for quarter in ("2026Q1", "2026Q2"):
        staff.get(board_url(tenant_a, quarter=quarter))
    few, shown_few = count("2026Q1")
    many, shown_many = count("2026Q2")
    assert (shown_few, shown_many) == (2, 50)
    assert few == many


def test_a_snapshot_keeps_the_categories_it_scored_after_the_first_view(staff, tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        ranking = build_snapshot(
            congress,
            {DeputyFactory(congress=congress): {"study": Decimal(5), "meeting": Decimal(10)}},
        )
        assert ranking.categories == {}

    def distinct_reads():
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(board_url(tenant_a, quarter=ranking.label))
        assert response.status_code == 200
        return [q["sql"] for q in queries if "DISTINCT" in q["sql"] and "categoryscore" in q["sql"]]

    assert len(distinct_reads()) == 1
    with scopes_disabled():
        ranking.refresh_from_db()
        kept = ranking.categories["quarter"]
    # In the rule set's order (meeting before study), with the names the scores carry.
    assert kept == [["meeting", "参加会议"], ["study", "学习培训"]]
    assert distinct_reads() == []


def test_the_category_scores_of_a_page_come_in_one_query(staff, three, tenant_a):
    with CaptureQueriesContext(connection) as queries:
        staff.get(board_url(tenant_a))
    category_reads = [
        q["sql"]
        for q in queries
        if "scoring_rankingcategoryscore" in q["sql"] and "DISTINCT" not in q["sql"].upper()
    ]
    assert len(category_reads) == 1


def test_the_table_and_filters_come_as_an_htmx_fragment(staff, three, tenant_a):
    response = staff.get(
        board_url(tenant_a, level="county"),
        headers={"HX-Request": "true", "HX-Target": "ranking-results"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="ranking-results">')
    assert "东津代表小组" in body  # the red and black lists follow the filters too
    assert "李秀英" in body and "王建国" not in body


def test_a_deputy_and_a_station_staff_member_may_not_see_the_board(tenant_a, client_as, three):
    for role in (Role.DEPUTY, Role.STATION_STAFF, Role.UNIT_LIAISON):
        assert client_as(tenant_a.user(role)).get(board_url(tenant_a)).status_code == 403


# Empty state and computing --------------------------------------------------------------------


def test_without_a_ranking_the_board_explains_and_staff_can_compute(staff, leader, tenant_a):
    response = staff.get(board_url(tenant_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["ranking"] is None
    assert "duty_rankings" not in body  # no internal names leak
    assert reverse("duty_rankings:compute", kwargs={"congress_slug": "xiangcheng"}) in body
    leader_body = leader.get(board_url(tenant_a)).content.decode()
    assert "compute/" not in leader_body


def test_a_leader_reads_the_board_but_may_not_compute(leader, three, tenant_a, monkeypatch):
    response = leader.get(board_url(tenant_a))
    assert response.status_code == 200
    assert response.context["can_compute"] is False
    assert "compute/" not in response.content.decode()
    called = []
    monkeypatch.setattr(
        "scoring.tasks.ranking_job_start", lambda **kwargs: called.append(kwargs), raising=False
    )
    url = reverse("duty_rankings:compute", kwargs={"congress_slug": tenant_a.congress.slug})
    assert leader.post(url, {"quarter": "2026Q1"}).status_code == 403
    assert called == []


def _fake_job_start(tenant, calls):
    def start(*, actor, congress, year, quarter):
        calls.append((actor, congress, year, quarter))
        with scopes_disabled():  # the job row as the real task would queue it
            return JobRun.objects.create(
                congress=congress,
                task_name="scoring.compute_ranking",
                label="排名",
                created_by=actor,
            )

    return start


def test_staff_ask_for_an_ended_quarter_and_follow_the_job(staff, tenant_a, monkeypatch):
    import scoring.tasks

    calls = []
    monkeypatch.setattr(scoring.tasks, "ranking_job_start", _fake_job_start(tenant_a, calls))
    url = reverse("duty_rankings:compute", kwargs={"congress_slug": tenant_a.congress.slug})
    from scoring.ranking_forms import ended_quarters

    quarter = ended_quarters()[0][0]
    response = staff.post(url, {"quarter": quarter})
    assert response.status_code == 302
    assert len(calls) == 1
    actor, congress, year, number = calls[0]
    assert actor == tenant_a.user(Role.COMMITTEE_STAFF) and congress == tenant_a.congress
    assert f"{year}Q{number}" == quarter
    assert "job=" in response["Location"]
    page = staff.get(response["Location"])
    assert page.status_code == 200
    assert page.context["job"] is not None and page.context["polling"]


def test_a_quarter_not_yet_ended_is_refused_on_the_form(staff, tenant_a, monkeypatch):
    import scoring.tasks

    calls = []
    monkeypatch.setattr(scoring.tasks, "ranking_job_start", _fake_job_start(tenant_a, calls))
    url = reverse("duty_rankings:compute", kwargs={"congress_slug": tenant_a.congress.slug})
    response = staff.post(url, {"quarter": "2099Q4"})
    assert response.status_code == 400
    assert calls == []
    assert response.context["compute_form"].errors
    assert staff.get(url).status_code == 405


def test_a_refusal_from_the_job_shows_on_the_form(staff, tenant_a, monkeypatch):
    import scoring.tasks
    from congress.errors import DomainError
    from scoring.ranking_forms import ended_quarters

    def refuse(**kwargs):
        raise DomainError("该季度尚有待审核的履职记录。")

    monkeypatch.setattr(scoring.tasks, "ranking_job_start", refuse)
    url = reverse("duty_rankings:compute", kwargs={"congress_slug": tenant_a.congress.slug})
    response = staff.post(url, {"quarter": ended_quarters()[0][0]})
    assert response.status_code == 400
    assert "该季度尚有待审核的履职记录。" in response.content.decode()


# The trace ------------------------------------------------------------------------------------


def entry_url(tenant, ranking, deputy, **query) -> str:
    url = reverse(
        "duty_rankings:entry",
        kwargs={
            "congress_slug": tenant.congress.slug,
            "ranking_id": ranking.pk,
            "deputy_id": deputy.pk,
        },
    )
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def test_the_trace_lists_each_category_with_its_cap_and_records(staff, three, tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        wang = three["wang"]
        score = RankingCategoryScore.objects.get(
            ranking=three["q2"], deputy=wang, category_code="study"
        )
        score.raw_points = Decimal(30)
        score.save()
        for day in (date(2026, 4, 3), date(2026, 5, 6), date(2026, 6, 9)):
            DutyRecordFactory(
                congress=congress,
                deputy=wang,
                occurred_on=day,
                status="confirmed",
                points=Decimal(10),
                description=f"学习{day.month}月",
            )
        DutyRecordFactory(
            congress=congress,
            deputy=wang,
            occurred_on=date(2026, 5, 1),
            status="rejected",
            description="被退回的记录",
        )
        DutyRecordFactory(
            congress=congress,
            deputy=wang,
            occurred_on=date(2026, 2, 1),
            status="confirmed",
            description="第一季度的记录",
        )
    response = staff.get(entry_url(tenant_a, three["q2"], wang))
    assert response.status_code == 200
    trace = response.context["trace"]
    study = next(c for c in trace.categories if c.code == "study")
    assert study.capped and study.raw_points == 30 and study.points == 10
    assert [r.description for r in study.records] == ["学习4月", "学习5月", "学习6月"]
    body = response.content.decode()
    assert "被退回的记录" not in body and "第一季度的记录" not in body
    year = staff.get(entry_url(tenant_a, three["q2"], wang, period="year")).context["trace"]
    assert year.quarters == [1, 2]
    assert "第一季度的记录" in [r.description for c in year.categories for r in c.records]


def test_the_trace_of_a_deputy_outside_the_ranking_says_so(staff, three, tenant_a):
    with scopes_disabled():  # test setup
        newcomer = DeputyFactory(congress=tenant_a.congress)
    response = staff.get(entry_url(tenant_a, three["q2"], newcomer, period="nonsense"))
    assert response.status_code == 200
    assert response.context["trace"].entry is None
    assert response.context["period"] == "quarter"


def test_the_trace_of_another_congress_deputy_is_404(staff, three, tenant_a, tenant_b):
    with scopes_disabled():  # test setup
        foreign = DeputyFactory(congress=tenant_b.congress)
    assert staff.get(entry_url(tenant_a, three["q2"], foreign)).status_code == 404


# The portrait ---------------------------------------------------------------------------------


def portrait_url(tenant, deputy, **query) -> str:
    url = reverse(
        "duty_rankings:portrait",
        kwargs={"congress_slug": tenant.congress.slug, "deputy_id": deputy.pk},
    )
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def test_the_portrait_draws_activity_categories_against_the_median_and_ranks(
    staff, three, tenant_a
):
    from django.utils import timezone

    today = timezone.localdate()
    with scopes_disabled():  # test setup
        for _index in range(3):
            DutyRecordFactory(congress=tenant_a.congress, deputy=three["wang"], occurred_on=today)
        DutyRecordFactory(
            congress=tenant_a.congress, deputy=three["wang"], occurred_on=today, status="rejected"
        )
    response = staff.get(portrait_url(tenant_a, three["wang"]))
    assert response.status_code == 200
    activity = response.context["activity"]
    assert len(activity) == 12 and activity[-1][1] == 3
    tallest = max(response.context["activity_chart"]["bars"], key=lambda bar: bar["height"])
    assert tallest["value"] == 3
    rows = {row["category"].code: row for row in response.context["comparison"]["rows"]}
    # Year so far of Q2: 王 10/10/10, 李 0/10/0, 赵 0/0/2.5; medians 0, 10, 2.5.
    assert rows["study"]["median"] == 10 and rows["meeting"]["median"] == 0
    assert rows["voters"]["points"] == 10 and rows["voters"]["median"] == Decimal("2.5")
    assert [row["rank"] for row in response.context["history_rows"]] == [2, 1]
    body = response.content.decode()
    assert body.count('class="ranking-chart"') == 4
    assert "<polyline" in body and "<details" in body


def test_the_portrait_without_rankings_shows_activity_only(staff, tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress)
    response = staff.get(portrait_url(tenant_a, deputy, quarter="bad"))
    assert response.status_code == 200
    assert response.context["comparison"] is None and response.context["history_rows"] == []


def test_station_staff_have_no_portraits_and_leaders_do(tenant_a, client_as, three):
    url = portrait_url(tenant_a, three["wang"])
    assert client_as(tenant_a.user(Role.STATION_STAFF)).get(url).status_code == 403
    assert client_as(tenant_a.user(Role.LEADER)).get(url).status_code == 200


def test_the_portrait_of_another_congress_deputy_is_404(staff, tenant_a, tenant_b):
    with scopes_disabled():  # test setup
        foreign = DeputyFactory(congress=tenant_b.congress)
    assert staff.get(portrait_url(tenant_a, foreign)).status_code == 404


def test_the_pages_speak_chinese(staff, three, tenant_a):
    body = staff.get(board_url(tenant_a)).content.decode()
    assert "履职排名" in body and "红榜" in body and "黑榜" in body


# Through the engine ---------------------------------------------------------------------------


def test_a_computed_ranking_on_the_board_traces_each_point_to_its_records(staff, tenant_a):
    import time_machine

    from scoring import services
    from scoring.ranking import ranking_compute

    congress = tenant_a.congress
    with tenant_a.scope():
        services.rule_set_create_from_preset(
            actor=None, congress=congress, year=2026, preset="twelve"
        )
        group = DeputyGroupFactory(congress=congress, name="檀溪代表小组")
        qian = DeputyFactory(congress=congress, name="钱进")
        sun = DeputyFactory(congress=congress, name="孙丽")
        GroupMembershipFactory(congress=congress, group=group, deputy=qian)
        GroupMembershipFactory(congress=congress, group=group, deputy=sun)
        for _index in range(5):  # 3 points each, 12 a quarter: 15 -> 12
            DutyRecordFactory(
                congress=congress, deputy=qian, category_code="study", occurred_on=date(2026, 1, 10)
            )
        DutyRecordFactory(
            congress=congress, deputy=sun, category_code="study", occurred_on=date(2026, 2, 3)
        )
    with time_machine.travel("2026-04-03 10:00 +0800"), tenant_a.scope():
        services.duty_quarter_close(actor=None, congress=congress, year=2026, quarter=1)
        ranking = ranking_compute(congress=congress, year=2026, quarter=1)
    response = staff.get(board_url(tenant_a, quarter="2026Q1"))
    page = response.context["page"].object_list
    assert [(e.deputy.name, e.rank, e.points) for e in page] == [
        ("钱进", 1, Decimal(12)),
        ("孙丽", 2, Decimal(3)),
    ]
    assert [r.name for r in response.context["group_lists"].red] == ["檀溪代表小组"]
    trace = staff.get(entry_url(tenant_a, ranking, qian)).context["trace"]
    study = next(c for c in trace.categories if c.code == "study")
    assert (len(study.records), study.raw_points, study.points, study.capped) == (
        5,
        Decimal(15),
        Decimal(12),
        True,
    )
    assert sum(record.points for record in study.records) == study.raw_points
    # No congress session sat: each of the five is a duty between meetings, on the page and in
    # the API.
    entry_page = staff.get(entry_url(tenant_a, ranking, qian))
    assert entry_page.context["trace"].entry.recess_count == 5
    assert "闭会期间履职" in entry_page.content.decode()
    api = f"/api/v1/c/{tenant_a.congress.slug}/duties/rankings/{ranking.pk}/deputies/{qian.pk}/"
    assert staff.get(api).json()["entry"]["recess_count"] == 5


def test_the_median_counts_deputies_without_a_score_as_zero(tenant_a):
    from scoring.ranking_selectors import category_medians

    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        people = [DeputyFactory(congress=congress) for _index in range(4)]
        ranking = build_snapshot(
            congress,
            {
                people[0]: {"meeting": Decimal(10), "study": Decimal(3)},
                people[1]: {"meeting": Decimal(30), "study": Decimal(9)},
                people[2]: {"meeting": Decimal(20)},
                people[3]: {"voters": Decimal(4)},
            },
        )
    with tenant_a.scope(), CaptureQueriesContext(connection) as queries:
        medians = category_medians(ranking=ranking, codes=["meeting", "study", "voters", "none"])
    # meeting 0,10,20,30 -> 15; study 0,0,3,9 -> 1.5; voters 0,0,0,4 -> 0.
    assert medians == {
        "meeting": Decimal(15),
        "study": Decimal("1.5"),
        "voters": Decimal(0),
        "none": Decimal(0),
    }
    assert len(queries) == 2  # the field size, then the middle rows of every category
