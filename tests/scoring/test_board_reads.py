"""The ranking board's reads: the red and black lists of both kinds in one query that reads
only the ends of each list, ties included, the rankings read once a page, and a polled job's
state read without the board."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import JobRun, JobStatus, Role
from scoring.models import Period, RollupKind
from scoring.ranking_selectors import LIST_SIZE, red_and_black, red_and_black_lists
from tests.factories import DeputyGroupFactory, LiaisonStationFactory, RankingFactory
from tests.scoring.test_ranking_pages import add_rollup, board_url, three  # noqa: F401


def expected(rollups, size=LIST_SIZE) -> tuple[list[int], list[int]]:
    """The lists as a whole sort gives them: by rank, then name, then id."""
    ordered = sorted(rollups, key=lambda rollup: (rollup.rank, rollup.name, rollup.pk))
    total = len(ordered)
    red = ordered[: min(size, (total + 1) // 2)]
    black_size = min(size, total // 2)
    black = list(reversed(ordered[total - black_size :])) if black_size else []
    return [rollup.pk for rollup in red], [rollup.pk for rollup in black]


def rollups_of(ranking, kind, ranks, *, seed, period=Period.QUARTER):
    """Rollups of `kind` with the given ranks (ties and gaps allowed) and shuffled names."""
    congress = ranking.congress
    names = [f"{kind}{number:03d}-{ranking.pk}" for number in range(len(ranks))]
    random.Random(seed).shuffle(names)
    made = []
    for rank, name in zip(ranks, names, strict=True):
        if kind == RollupKind.GROUP:
            target = DeputyGroupFactory(congress=congress, name=f"{name}-{period}")
        else:
            target = LiaisonStationFactory(congress=congress, name=f"{name}-{period}")
        rollup = add_rollup(ranking, kind=kind, target=target, average=100 - rank, rank=rank)
        rollup.period = period
        rollup.save()
        made.append(rollup)
    return made


def ranks_with_ties(count: int, seed: int) -> list[int]:
    chooser = random.Random(seed)
    return [chooser.randint(1, max(1, count // 3)) for _index in range(count)]


@pytest.mark.parametrize(
    ("groups", "stations"),
    [
        ([], []),
        ([1], [1, 1]),
        ([1, 2, 2], list(range(1, 10))),
        (list(range(1, 11)), list(range(1, 12))),
        ([1] * 12, [3, 1, 2] * 5),
        (ranks_with_ties(9, 1), ranks_with_ties(10, 2)),
        (ranks_with_ties(17, 3), ranks_with_ties(31, 4)),
        (ranks_with_ties(40, 5), [5, 5, 5, 5, 5, 5, 1, 9, 9, 9, 9, 9, 9]),
    ],
)
def test_both_lists_in_one_query_as_a_whole_sort_gives_them(tenant_a, groups, stations):
    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=tenant_a.congress)
        made = {
            RollupKind.GROUP: rollups_of(ranking, RollupKind.GROUP, groups, seed=len(groups)),
            RollupKind.STATION: rollups_of(ranking, RollupKind.STATION, stations, seed=7),
        }
        # Another period and another ranking stay out of it.
        rollups_of(ranking, RollupKind.GROUP, [1, 1, 2], seed=1, period=Period.YEAR)
        other = RankingFactory(congress=tenant_a.congress, quarter=2)
        rollups_of(other, RollupKind.STATION, [1, 2, 3], seed=2)
    with tenant_a.scope(), CaptureQueriesContext(connection) as queries:
        lists = red_and_black_lists(ranking=ranking, period=Period.QUARTER)
    assert len(queries) == 1
    for kind, rollups in made.items():
        red, black = expected(rollups)
        assert [rollup.pk for rollup in lists[kind].red] == red
        assert [rollup.pk for rollup in lists[kind].black] == black
        assert lists[kind].kind == kind
        with tenant_a.scope():
            one = red_and_black(ranking=ranking, period=Period.QUARTER, kind=kind)
        assert ([r.pk for r in one.red], [r.pk for r in one.black]) == (red, black)


def test_the_lists_carry_what_the_page_shows(tenant_a):
    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=tenant_a.congress)
        group = DeputyGroupFactory(congress=tenant_a.congress, name="东津代表小组")
        add_rollup(ranking, kind=RollupKind.GROUP, target=group, average="12.5", rank=1, count=3)
    with tenant_a.scope():
        (shown,) = red_and_black_lists(ranking=ranking, period=Period.QUARTER)["group"].red
    assert (shown.name, shown.rank, shown.deputy_count) == ("东津代表小组", 1, 3)
    assert shown.points_average == Decimal("12.5")


def test_the_board_reads_its_rankings_and_lists_once(tenant_a, client_as, three):  # noqa: F811
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    for query in ({}, {"quarter": "2026Q1"}, {"quarter": "nonsense"}):
        staff.get(board_url(tenant_a, **query))
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(board_url(tenant_a, **query))
        assert response.status_code == 200
        statements = [q["sql"] for q in queries]
        rankings = [sql for sql in statements if 'FROM "scoring_ranking"' in sql]
        rollups = [sql for sql in statements if 'FROM "scoring_rankingrollup"' in sql]
        assert len(rankings) == 1 and len(rollups) == 1
    # The filters' quarter select offers every ranking (written out with the cached filters).
    page = response.content.decode()
    quarter_select = page[page.index('id="ranking-filters"') :].split("</select>")[0]
    labels = re.findall(r'<option value="(\d{4}Q\d)"', quarter_select)
    assert labels == ["2026Q2", "2026Q1"] and response.context["ranking"] == three["q2"]


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (JobStatus.RUNNING, 'hx-trigger="every 2s"'),
        (JobStatus.SUCCEEDED, 'class="ranking-done"'),
        (JobStatus.FAILED, 'role="alert"'),
    ],
)
def test_polling_a_job_reads_the_job_alone(
    tenant_a,
    tenant_b,
    client_as,
    three,  # noqa: F811
    status,
    shown,
):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    with scopes_disabled():  # test setup
        job = JobRun.objects.create(
            congress=tenant_a.congress,
            task_name="scoring.compute_ranking",
            label="排名",
            status=status,
            progress=40,
        )
    url = board_url(tenant_a, quarter="2026Q1", job=job.pk)
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(url, headers={"HX-Request": "true", "HX-Target": "ranking-job"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="ranking-job"') and shown in body
    assert ('value="40"' in body) == (status == JobStatus.RUNNING)
    assert not [q for q in queries if "scoring_ranking" in q["sql"]]
    # The whole page shows the same job.
    assert shown in staff.get(url).content.decode()
    # Another congress's job is not found, polled or not.
    with scopes_disabled():  # test setup
        foreign = JobRun.objects.create(
            congress=tenant_b.congress, task_name="scoring.compute_ranking", label="排名"
        )
    polled = staff.get(
        board_url(tenant_a, job=foreign.pk),
        headers={"HX-Request": "true", "HX-Target": "ranking-job"},
    )
    assert polled.status_code == 404
