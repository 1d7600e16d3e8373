"""The ranking engine: a closed quarter's points, ranks and rollups, computed in SQL in bulk."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus
from liaison.models import DeputyGroup, GroupMembership, LiaisonStation, StationDeputy

from .models import (
    COUNTED_STATUSES,
    CapPeriod,
    DutyQuarter,
    DutyRecord,
    ItemKind,
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RankingRollup,
    RollupKind,
    RuleItem,
    RuleSet,
)
from .selectors import previous_quarter, rule_set_for_quarter

# Table names come from the models, never from input; every value goes in as a parameter.
T = {
    "records": DutyRecord._meta.db_table,
    "items": RuleItem._meta.db_table,
    "rule_sets": RuleSet._meta.db_table,
    "scores": RankingCategoryScore._meta.db_table,
    "entries": RankingEntry._meta.db_table,
    "group_entries": RankingGroupEntry._meta.db_table,
    "rollups": RankingRollup._meta.db_table,
    "deputies": Deputy._meta.db_table,
    "memberships": GroupMembership._meta.db_table,
    "groups": DeputyGroup._meta.db_table,
    "station_links": StationDeputy._meta.db_table,
    "stations": LiaisonStation._meta.db_table,
}
PERIODS = "(SELECT 'quarter' AS period UNION ALL SELECT 'year' AS period)"
SCORE_COLUMNS = (
    "record_count, recess_count, raw_points, points, "
    "year_record_count, year_recess_count, year_raw_points, year_points"
)


def _cap(value: str, cap: str) -> str:
    """A sum held within ±cap (a capped deduction takes at most `cap` points away)."""
    return (
        f"(CASE WHEN {value} > {cap} THEN {cap} WHEN {value} < -{cap} THEN -{cap} ELSE {value} END)"
    )


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


def _unfrozen(all_frozen: bool, condition: str = "") -> str:
    """The count of records not frozen yet (an open quarter's, scored by the rule set passed
    in). None when every quarter read is closed: closing froze the points into every counted
    record, and a closed quarter's records never change, so the aggregate skips two counts."""
    if all_frozen:
        return "0"
    if not condition:
        return "COUNT(*) - COUNT(r.points)"
    return f"COUNT(*) FILTER (WHERE {condition}) - COUNT(r.points) FILTER (WHERE {condition})"


def _category_sql(
    *, cap_periods: set[str], one_deputy: bool, sittings: int, all_frozen: bool = False
) -> str:
    """The per-deputy, per-category points of a quarter and of the year up to it, one row each
    with both periods' records, duties between meetings, raw and capped points.

    Each item's cap applies at its own level: a monthly cap per month, a quarterly one per
    quarter, and a yearly cap counts in the quarter only what the quarter added below the cap.
    Closed quarters' records carry the points frozen into them; open ones are scored by the rule
    set passed in. Duties done outside the `sittings` congress meetings (parameters
    sitting_from_N, sitting_to_N) are counted on the way, for the warning about too few of them.
    A category's name is its rule's or, for a category the rule set no longer has, the name an
    earlier version gave it.
    """
    counted = ", ".join(f"'{status}'" for status in COUNTED_STATUSES)
    in_sitting = " OR ".join(
        f"r.occurred_on BETWEEN %(sitting_from_{n})s AND %(sitting_to_{n})s"
        for n in range(sittings)
    )
    deputy_filter = "AND r.deputy_id = %(deputy)s" if one_deputy else ""
    where = f"""
            FROM {T["records"]} r
            WHERE r.congress_id = %(congress)s AND r.year = %(year)s AND r.quarter <= %(quarter)s
              AND r.status IN ({counted}) {deputy_filter}"""
    recess = f"(r.kind = '{ItemKind.DUTY}'" + (f" AND NOT ({in_sitting}))" if sittings else ")")
    if CapPeriod.MONTH in cap_periods:
        per_category = _per_category_by_month(where, recess, all_frozen)
    else:
        per_category = _per_category_in_one_pass(
            where, recess, CapPeriod.QUARTER in cap_periods, all_frozen
        )
    year_points = _cap("cl.y_raw", "cl.cap_points")
    return f"""
        WITH {per_category}
        SELECT cl.deputy_id, cl.code,
               COALESCE(cl.name, (
                   SELECT MAX(x.name) FROM {T["items"]} x
                   JOIN {T["rule_sets"]} y ON y.id = x.rule_set_id
                   WHERE y.congress_id = %(congress)s AND x.code = cl.code
               ), cl.code) AS name,
               cl.q_n, cl.q_recess, cl.q_raw,
               CASE WHEN cl.cap_period = '{CapPeriod.YEAR}'
                    THEN {year_points} - {_cap("cl.prior_raw", "cl.cap_points")}
                    ELSE cl.q_capped END AS q_points,
               cl.y_n, cl.y_recess, cl.y_raw,
               CASE WHEN cl.cap_period = '{CapPeriod.YEAR}' THEN {year_points}
                    ELSE cl.y_capped END AS y_points
        FROM cl
    """  # noqa: S608


# Both give `cl`: per deputy and category, the quarter's and the year's record count (n),
# duties between meetings (recess), points before caps (raw) and after the monthly and
# quarterly caps (capped), the raw points of the quarters before (prior_raw), and the rule.


def _per_category_in_one_pass(where: str, recess: str, quarter_caps: bool, all_frozen: bool) -> str:
    """Without monthly caps: one GROUP BY deputy and category, the quarter picked out by FILTER
    (and each quarter's sum kept apart only when a rule caps by quarter)."""
    this = "r.quarter = %(quarter)s"
    per_quarter = ""
    capped_sum = "0"
    if quarter_caps:
        per_quarter = "".join(
            f""",
                   COALESCE(SUM(r.points) FILTER (WHERE r.quarter = {k}), 0) AS f{k},
                   {_unfrozen(all_frozen, f"r.quarter = {k}")} AS u{k}"""
            for k in range(1, 5)
        )
        capped_sum = " + ".join(
            _cap(f"(c.f{k} + c.u{k} * COALESCE(i.points, 0))", "i.cap_points") for k in range(1, 5)
        )
    return f"""
        c AS (
            SELECT r.deputy_id, r.category_code AS code,
                   COUNT(*) AS y_n, COALESCE(SUM(r.points), 0) AS y_frozen,
                   {_unfrozen(all_frozen)} AS y_unfrozen,
                   COUNT(*) FILTER (WHERE {recess}) AS y_recess,
                   COUNT(*) FILTER (WHERE {this}) AS q_n,
                   COALESCE(SUM(r.points) FILTER (WHERE {this}), 0) AS q_frozen,
                   {_unfrozen(all_frozen, this)} AS q_unfrozen,
                   COUNT(*) FILTER (WHERE {this} AND {recess}) AS q_recess{per_quarter}
            {where}
            GROUP BY r.deputy_id, r.category_code
        ),
        cr AS (
            SELECT c.deputy_id, c.code, i.name, i.cap_period, i.cap_points, c.q_n, c.q_recess,
                   c.y_n, c.y_recess,
                   c.q_frozen + c.q_unfrozen * COALESCE(i.points, 0) AS q_raw,
                   c.y_frozen + c.y_unfrozen * COALESCE(i.points, 0) AS y_raw,
                   {capped_sum} AS quarters_capped
            FROM c
            LEFT JOIN {T["items"]} i ON i.rule_set_id = %(rule_set)s AND i.code = c.code
        ),
        cl AS (
            SELECT cr.deputy_id, cr.code, cr.name, cr.cap_period, cr.cap_points, cr.q_n,
                   cr.q_recess, cr.q_raw, cr.y_n, cr.y_recess, cr.y_raw,
                   cr.y_raw - cr.q_raw AS prior_raw,
                   CASE WHEN cr.cap_period = '{CapPeriod.QUARTER}'
                        THEN {_cap("cr.q_raw", "cr.cap_points")} ELSE cr.q_raw END AS q_capped,
                   CASE WHEN cr.cap_period = '{CapPeriod.QUARTER}'
                        THEN cr.quarters_capped ELSE cr.y_raw END AS y_capped
            FROM cr
        )"""  # noqa: S608


def _per_category_by_month(where: str, recess: str, all_frozen: bool) -> str:
    """With monthly caps: summed per month, then per quarter, then per category."""
    month = _month("r.occurred_on")
    bucket = "m.frozen + m.unfrozen * COALESCE(i.points, 0)"
    after_quarter = (
        f"(CASE WHEN i.cap_period = '{CapPeriod.QUARTER}' "
        f"THEN {_cap('ql.after_month', 'i.cap_points')} ELSE ql.after_month END)"
    )
    in_quarter = "CASE WHEN ql.q = %(quarter)s THEN {} ELSE 0 END"
    return f"""
        m AS (
            SELECT r.deputy_id, r.category_code AS code, r.quarter AS q, {month} AS mon,
                   COUNT(*) AS n, COALESCE(SUM(r.points), 0) AS frozen,
                   {_unfrozen(all_frozen)} AS unfrozen,
                   COUNT(*) FILTER (WHERE {recess}) AS recess
            {where}
            GROUP BY r.deputy_id, r.category_code, r.quarter, {month}
        ),
        ql AS (
            SELECT m.deputy_id, m.code, m.q, SUM(m.n) AS n, SUM(m.recess) AS recess,
                   SUM({bucket}) AS raw,
                   SUM(CASE WHEN i.cap_period = '{CapPeriod.MONTH}'
                            THEN {_cap(bucket, "i.cap_points")} ELSE {bucket} END) AS after_month
            FROM m
            LEFT JOIN {T["items"]} i ON i.rule_set_id = %(rule_set)s AND i.code = m.code
            GROUP BY m.deputy_id, m.code, m.q
        ),
        cl AS (
            SELECT ql.deputy_id, ql.code, MAX(i.name) AS name,
                   MAX(i.cap_period) AS cap_period, MAX(i.cap_points) AS cap_points,
                   SUM({in_quarter.format("ql.n")}) AS q_n,
                   SUM({in_quarter.format("ql.recess")}) AS q_recess,
                   SUM({in_quarter.format("ql.raw")}) AS q_raw,
                   SUM({in_quarter.format(after_quarter)}) AS q_capped,
                   SUM(CASE WHEN ql.q < %(quarter)s THEN ql.raw ELSE 0 END) AS prior_raw,
                   SUM(ql.n) AS y_n, SUM(ql.recess) AS y_recess, SUM(ql.raw) AS y_raw,
                   SUM({after_quarter}) AS y_capped
            FROM ql
            LEFT JOIN {T["items"]} i ON i.rule_set_id = %(rule_set)s AND i.code = ql.code
            GROUP BY ql.deputy_id, ql.code
        )"""  # noqa: S608


def _sittings(congress_id: int, year: int) -> dict[str, str]:
    """The days the congress sat in `year`, as the parameters _category_sql names."""
    from suggestions.models import CongressSession

    params: dict[str, str] = {}
    rows = CongressSession.objects.filter(
        congress_id=congress_id, starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1)
    ).values_list("starts_on", "ends_on")
    for n, (starts_on, ends_on) in enumerate(rows.order_by("starts_on", "pk")):
        params[f"sitting_from_{n}"] = starts_on.isoformat()
        params[f"sitting_to_{n}"] = ends_on.isoformat()
    return params


def _cap_periods(rule_set: RuleSet) -> set[str]:
    return set(rule_set.items.exclude(cap_period="").values_list("cap_period", flat=True))


# The per-category figures of one ranking under the names the aggregate gives them.
WRITTEN_SCORES = f"""(
    SELECT deputy_id, points AS q_points, record_count AS q_n, recess_count AS q_recess,
           year_points AS y_points, year_record_count AS y_n, year_recess_count AS y_recess
    FROM {T["scores"]} WHERE ranking_id = %(ranking)s)"""  # noqa: S608
AGGREGATED_SCORES = "ranking_category_scores"


@contextmanager
def _insert_category_scores(ranking: Ranking):
    """Aggregated first, then written; yields where the next steps read the figures from.

    PostgreSQL runs the aggregate over the year's records in parallel only in a query that
    writes no table of ours (INSERT ... SELECT runs alone), so there it lands in a temporary
    table, is copied across, and the ranking's entries are summed from it rather than read
    back from the table just written. SQLite writes directly and reads the table.
    """
    sittings = _sittings(ranking.congress_id, ranking.year)
    closed = DutyQuarter.objects.filter(
        year=ranking.year, quarter__lte=ranking.quarter, status=DutyQuarter.Status.CLOSED
    ).count()
    select = _category_sql(
        cap_periods=_cap_periods(ranking.rule_set),
        one_deputy=False,
        sittings=len(sittings) // 2,
        all_frozen=closed == ranking.quarter,
    )
    params = dict(
        congress=ranking.congress_id,
        ranking=ranking.pk,
        year=ranking.year,
        quarter=ranking.quarter,
        rule_set=ranking.rule_set_id,
        **sittings,
    )
    insert = f"""
        INSERT INTO {T["scores"]} (congress_id, ranking_id, deputy_id, category_code,
                                   category_name, {SCORE_COLUMNS})
        SELECT %(congress)s, %(ranking)s, s.deputy_id, s.code, s.name, s.q_n, s.q_recess,
               s.q_raw, s.q_points, s.y_n, s.y_recess, s.y_raw, s.y_points
        FROM {{source}} s
    """  # noqa: S608
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(insert.format(source=f"({select})"), params)
        yield WRITTEN_SCORES
        return
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {AGGREGATED_SCORES} AS {select}", params)
        cursor.execute(insert.format(source=AGGREGATED_SCORES), params)
    yield AGGREGATED_SCORES
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AGGREGATED_SCORES}")


def _insert_entries(
    ranking: Ranking, previous_quarter_id: int, previous_year_id: int, scores: str
) -> None:
    """Every serving deputy (and anyone who scored) is ranked, those with nothing at 0:
    the bottom of the list is where warnings look. `scores`: the category figures (see
    _insert_category_scores)."""
    sql = f"""
        INSERT INTO {T["entries"]} (congress_id, ranking_id, period, deputy_id, points,
                                    record_count, recess_count, rank, rank_from_bottom,
                                    previous_points, previous_rank)
        SELECT %(congress)s, %(ranking)s, t.period, t.deputy_id, t.points, t.n, t.recess,
               RANK() OVER (PARTITION BY t.period ORDER BY t.points DESC),
               RANK() OVER (PARTITION BY t.period ORDER BY t.points ASC),
               COALESCE(pq.points, py.points), COALESCE(pq.rank, py.rank)
        FROM (
            SELECT p.period, d.id AS deputy_id,
                   COALESCE(CASE WHEN p.period = 'quarter' THEN s.q_points ELSE s.y_points END,
                            0) AS points,
                   COALESCE(CASE WHEN p.period = 'quarter' THEN s.q_n ELSE s.y_n END, 0) AS n,
                   COALESCE(CASE WHEN p.period = 'quarter' THEN s.q_recess ELSE s.y_recess END,
                            0) AS recess
            FROM {T["deputies"]} d
            CROSS JOIN {PERIODS} p
            LEFT JOIN (
                SELECT c.deputy_id, SUM(c.q_points) AS q_points, SUM(c.q_n) AS q_n,
                       SUM(c.q_recess) AS q_recess, SUM(c.y_points) AS y_points,
                       SUM(c.y_n) AS y_n, SUM(c.y_recess) AS y_recess
                FROM {scores} c
                GROUP BY c.deputy_id
            ) s ON s.deputy_id = d.id
            WHERE d.congress_id = %(congress)s
              AND (d.status = %(serving)s OR s.deputy_id IS NOT NULL)
        ) t
        -- Every key a constant or the deputy: an index lookup per deputy whatever the planner
        -- guesses about rows written a moment ago and not yet in its statistics.
        LEFT JOIN {T["entries"]} pq
               ON pq.ranking_id = %(previous_quarter)s AND pq.period = 'quarter'
              AND t.period = 'quarter' AND pq.deputy_id = t.deputy_id
        LEFT JOIN {T["entries"]} py
               ON py.ranking_id = %(previous_year)s AND py.period = 'year'
              AND t.period = 'year' AND py.deputy_id = t.deputy_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            dict(
                congress=ranking.congress_id,
                ranking=ranking.pk,
                serving=DeputyStatus.SERVING,
                previous_quarter=previous_quarter_id,
                previous_year=previous_year_id,
            ),
        )


def _insert_group_ranks_and_rollups(ranking: Ranking) -> None:
    params = dict(congress=ranking.congress_id, ranking=ranking.pk)
    group_ranks = f"""
        INSERT INTO {T["group_entries"]} (congress_id, ranking_id, period, group_id, deputy_id,
                                          rank)
        SELECT %(congress)s, %(ranking)s, e.period, gm.group_id, e.deputy_id,
               RANK() OVER (PARTITION BY e.period, gm.group_id ORDER BY e.points DESC)
        FROM {T["entries"]} e
        JOIN {T["memberships"]} gm ON gm.deputy_id = e.deputy_id
        WHERE e.ranking_id = %(ranking)s
    """  # noqa: S608
    rollup = """
        INSERT INTO {rollups} (congress_id, ranking_id, period, kind, group_id, station_id, name,
                               deputy_count, points_total, points_average, rank)
        SELECT %(congress)s, %(ranking)s, e.period, '{kind}', {group_id}, {station_id}, o.name,
               COUNT(*), SUM(e.points), ROUND(AVG(e.points), 2),
               RANK() OVER (PARTITION BY e.period ORDER BY ROUND(AVG(e.points), 2) DESC)
        FROM {entries} e
        JOIN {links} l ON l.deputy_id = e.deputy_id
        JOIN {owners} o ON o.id = l.{owner}
        WHERE e.ranking_id = %(ranking)s
        GROUP BY e.period, o.id, o.name
    """
    with connection.cursor() as cursor:
        cursor.execute(group_ranks, params)
        cursor.execute(
            rollup.format(
                rollups=T["rollups"],
                entries=T["entries"],
                kind=RollupKind.GROUP,
                group_id="o.id",
                station_id="NULL",
                links=T["memberships"],
                owners=T["groups"],
                owner="group_id",
            ),
            params,
        )
        cursor.execute(
            rollup.format(
                rollups=T["rollups"],
                entries=T["entries"],
                kind=RollupKind.STATION,
                group_id="NULL",
                station_id="o.id",
                links=T["station_links"],
                owners=T["stations"],
                owner="station_id",
            ),
            params,
        )


@contextmanager
def _bulk_plans():
    """Hash joins for the snapshot's statements, whatever the planner's statistics say.

    Every statement joins whole sets (all deputies, all of a ranking's rows). The rows of the
    ranking before are often not in PostgreSQL's statistics yet (autovacuum has not come by
    since they were written); taking them for one row, the planner would pick a nested loop
    that compares 10,000 deputies with 10,000 entries, 100 times slower.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = on")


def ranking_compute(
    *, congress: Congress, year: int, quarter: int, actor: User | None = None
) -> Ranking:
    """The snapshot of a closed quarter: written once. Asking again (or twice at once) returns
    the same snapshot, so a published ranking never changes, whatever happens to the rules."""
    existing = Ranking.objects.filter(year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # The quarter's row is the lock two concurrent runs queue on (SQLite serialises writers).
        duty_quarter = (
            DutyQuarter.objects.select_for_update(of=("self",))
            .filter(year=year, quarter=quarter)
            .select_related("rule_set")
            .first()
        )
        if duty_quarter is None or not duty_quarter.is_closed:
            raise DomainError(
                _("%(year)sQ%(quarter)s is not closed yet: close it before ranking it.")
                % {"year": year, "quarter": quarter},
                code="conflict",
            )
        existing = Ranking.objects.filter(year=year, quarter=quarter).first()
        if existing is not None:
            return existing
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A few large aggregations: held in memory rather than spilled to disk, and run
                # as they are rather than compiled first (for one run, compiling costs more).
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
        started = time.perf_counter()
        try:
            with transaction.atomic():
                ranking = Ranking.objects.create(
                    congress=congress,
                    year=year,
                    quarter=quarter,
                    rule_set=duty_quarter.rule_set,
                    computed_by=actor,
                )
        except IntegrityError:
            return Ranking.objects.get(year=year, quarter=quarter)
        previous = {
            (row_year, row_quarter): pk
            for row_year, row_quarter, pk in Ranking.objects.filter(
                year__in={year, year - 1}
            ).values_list("year", "quarter", "pk")
        }
        previous_quarter_id = previous.get(previous_quarter(year, quarter), -1)
        previous_year_id = previous.get((year, quarter - 1), -1) if quarter > 1 else -1
        with _bulk_plans():
            with _insert_category_scores(ranking) as scores:
                _insert_entries(ranking, previous_quarter_id, previous_year_id, scores)
            _insert_group_ranks_and_rollups(ranking)
        ranking.deputy_count = RankingEntry.objects.filter(
            ranking=ranking, period=Period.QUARTER
        ).count()
        ranking.save(update_fields=["deputy_count"])
        from .warning_engine import warnings_evaluate

        warnings_evaluate(ranking=ranking)
        ranking.duration_ms = int((time.perf_counter() - started) * 1000)
        ranking.save(update_fields=["deputy_count", "duration_ms"])
    return ranking


def deputy_live_scores(*, deputy: Deputy, year: int, quarter: int) -> dict:
    """One deputy's points for a quarter (open or closed) and the year up to it, scored as the
    ranking would score them now: for the deputy's own page while the quarter is running."""
    rule_set = rule_set_for_quarter(year=year, quarter=quarter)
    result = {
        Period.QUARTER.value: {"points": Decimal("0"), "records": 0, "categories": []},
        Period.YEAR.value: {"points": Decimal("0"), "records": 0, "categories": []},
    }
    if rule_set is None:
        return result
    sittings = _sittings(deputy.congress_id, year)
    items = list(rule_set.items.all())  # the caps' periods and the categories' order
    cap_periods = {item.cap_period for item in items if item.cap_period}
    sql = _category_sql(cap_periods=cap_periods, one_deputy=True, sittings=len(sittings) // 2)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            dict(
                congress=deputy.congress_id,
                year=year,
                quarter=quarter,
                rule_set=rule_set.pk,
                deputy=deputy.pk,
                **sittings,
            ),
        )
        rows = cursor.fetchall()
    order = {item.code: item.position for item in items}
    for row in sorted(rows, key=lambda row: (order.get(row[1], 999), row[1])):
        _deputy_id, code, name = row[:3]
        periods = {Period.QUARTER.value: row[3:7], Period.YEAR.value: row[7:11]}
        for period, (count, _recess, raw, points) in periods.items():
            if period == Period.QUARTER and not count:
                continue  # scored earlier in the year, nothing this quarter
            raw, points = _decimal(raw), _decimal(points)
            bucket = result[period]
            bucket["categories"].append(
                {
                    "code": code,
                    "name": name,
                    "records": int(count),
                    "raw_points": raw,
                    "points": points,
                }
            )
            bucket["points"] += points
            bucket["records"] += int(count)
    return result


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
