"""Times a quarter's ranking (with rollups and warnings) against the bare SQL aggregate it reads.

    DATABASE_URL=postgres://... python -m bench.duty_rankings --server [--json out.json]
    python -m bench.duty_rankings --deputies 1000 --records 50000      # SQLite smoke run

A congress of `--deputies` deputies (in groups of about 20, a fifth also in a second group, each
at one of the liaison stations of about 25) gets `--records` duty records spread over one past
year, some deputies far more active than others, in the six-category preset (or `--preset
twelve`), all made by congress.loadgen: the session's attendance, a few commendations and
absences, and the rest reported by the deputies by season, about 3 % rejected. Its four
quarters are closed by the service (records confirmed, points frozen) and the first three
ranked, so the fourth has a previous quarter to compare with and to run the warning rules over.
Then:

(a) the single bare SQL aggregate over the records the ranking reads (per deputy and category:
    sum of points and count, for the year up to the quarter), warm cache, median of 3 runs;
(b) right after it, `ranking_compute` for the fourth quarter, including rollups and warnings
    (the snapshot and what its warnings changed are undone between runs).

Five such pairs; it prints the medians of (a) and (b) and the median of the pairs' ratios. Each
ratio compares two timings taken seconds apart: the speed of a shared machine drifts by a third
over minutes, which timing all of (a) first and all of (b) after would put into the ratio.
The targets: (b) under 10 s on PostgreSQL, and at most three times (a). With --server the
database named by DATABASE_URL must be empty and disposable; without it a fresh SQLite database
is made in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date

from bench.environment import environment
from bench.results import Result, seconds

TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0
AGGREGATE_RUNS = 3  # per pair
RANKING_RUNS = 5  # pairs
GROUP_SIZE = 20
STATION_SIZE = 25


def start(deputies: int, year: int, preset: str):
    """The benchmarks' congress with its rules, roster, groups and stations, built by
    congress.loadgen; returns the build (the caller fills the rest in its scope)."""
    from django_scopes import scope

    from congress import loadgen
    from congress.models import CongressLevel

    build = loadgen.start(
        slug="bench",
        deputies=deputies,
        first_year=year,
        last_day=date(year, 12, 31),
        open_quarter=None,
        name="襄阳市襄城区人大常委会",
        level=CongressLevel.COUNTY,
    )
    with scope(congress=build.congress):
        # The term began two years before: the "no suggestion in the term" rule has work to do.
        loadgen.create_sessions(build, term=17, term_started=year - 2)
        loadgen.create_rules(build, preset=preset)
        loadgen.create_deputies(build, deputies)
        loadgen.create_groups(build, group_size=GROUP_SIZE, professional_size=GROUP_SIZE)
        loadgen.create_stations(build, station_size=STATION_SIZE)
    return build


def close_and_analyze(build) -> None:
    """The four quarters closed by the service, then the database brought to the state
    autovacuum keeps a live one in. Call inside the congress's scope."""
    from congress import loadgen

    loadgen.close_quarters(build)
    settle()


def settle() -> None:
    """Vacuum and statistics now, as autovacuum keeps a live database: without statistics the
    planner takes 10,000 deputies for two, and a vacuum of a million rows just loaded (or of a
    snapshot just undone) would otherwise start in the background during a timed run and take
    one of the two cores from it, which moved single runs by a third."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def fill(deputies: int, records: int, year: int, preset: str):
    """The congress of `start` with its records, the four quarters closed by the service and
    the first three ranked; returns the build."""
    from django_scopes import scope

    from congress import loadgen

    build = start(deputies, year, preset)
    with scope(congress=build.congress):
        loadgen.create_duty_records(build, total=records)
        close_and_analyze(build)
        loadgen.rank_quarters(build, [(year, 1), (year, 2), (year, 3)])
    return build


def bare_aggregate(congress, year: int, quarter: int) -> tuple[float, int]:
    """(a): one GROUP BY over the records the ranking reads; returns (seconds, rows)."""
    from django.db import connection

    from scoring.models import COUNTED_STATUSES, DutyRecord

    statuses = [str(status) for status in COUNTED_STATUSES]
    sql = f"""
        SELECT deputy_id, category_code, SUM(points), COUNT(*)
        FROM {DutyRecord._meta.db_table}
        WHERE congress_id = %s AND year = %s AND quarter <= %s AND status IN (%s, %s)
        GROUP BY deputy_id, category_code
    """  # noqa: S608
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, [congress.pk, year, quarter, *statuses])
        rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)


def undo_ranking(congress, year: int, quarter: int) -> None:
    """Remove a snapshot and what its warnings changed, so the next run starts the same."""
    from congress.models import Notification
    from scoring.models import DutyWarning, Ranking, WarningStatus

    ranking = Ranking.objects.filter(year=year, quarter=quarter).first()
    if ranking is None:
        return
    DutyWarning.objects.filter(raised_by=ranking).delete()
    DutyWarning.objects.filter(cleared_by=ranking).update(
        status=WarningStatus.ACTIVE, cleared_by=None, cleared_at=None
    )
    Notification.objects.filter(
        congress=congress, kind__in=["duty_warning", "duty_warnings_summary"]
    ).delete()
    ranking.delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--preset", choices=["six", "twelve"], default="six")
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    parser.add_argument("--json", help="write the figures to this file (for make bench)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, args.server)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django_scopes import scope

        from scoring.models import RankingEntry
        from scoring.ranking import ranking_compute

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        year = date.today().year - 1
        started = time.perf_counter()
        build = fill(args.deputies, args.records, year, args.preset)
        congress, vendor, records = build.congress, connection.vendor, build.counts["duty_records"]
        print(
            f"{connection.vendor}: {args.deputies} deputies, "
            f"{records} duty records in {year}, preset {args.preset} "
            f"(generated in {time.perf_counter() - started:.1f} s, the first three quarters "
            f"ranked in {build.seconds['ranking']:.1f} s)"
        )
        with scope(congress=congress):
            bare_aggregate(congress, year, 4)  # warms the cache
            aggregates, rankings = [], []
            for _run in range(RANKING_RUNS):
                undo_ranking(congress, year, 4)
                settle()
                timed = [bare_aggregate(congress, year, 4) for _ in range(AGGREGATE_RUNS)]
                aggregates.append(statistics.median(seconds for seconds, _rows in timed))
                groups = timed[0][1]
                began = time.perf_counter()
                ranking = ranking_compute(congress=congress, year=year, quarter=4)
                rankings.append(time.perf_counter() - began)
            ranked = RankingEntry.objects.filter(ranking=ranking, period="quarter").count()
            aggregate = statistics.median(aggregates)
            computed = statistics.median(rankings)

    ratios = [ranked_in / bare for bare, ranked_in in zip(aggregates, rankings, strict=True)]
    ratio = statistics.median(ratios) if all(aggregates) else float("inf")
    print(f"(a) bare aggregate, {groups} deputy-category rows: median {aggregate:.2f} s")
    print(
        f"(b) ranking_compute {year}Q4 with rollups and warnings, {ranked} deputies: "
        f"median {computed:.2f} s"
    )
    for number, (bare, ranked_in) in enumerate(zip(aggregates, rankings, strict=True), 1):
        print(
            f"    pair {number}: (a) {bare:.2f} s, (b) {ranked_in:.2f} s, {ranked_in / bare:.1f}x"
        )
    print(f"ratio (b)/(a), median of the pairs: {ratio:.1f}")
    met = computed < TARGET_SECONDS and ratio <= TARGET_RATIO
    print(
        f"target: under {TARGET_SECONDS:.0f} s and at most {TARGET_RATIO:.0f}x the bare "
        f"aggregate: {'met' if met else 'MISSED'}"
    )
    result = Result(
        name="duty_rankings",
        title="Quarterly ranking",
        command=f"python -m bench.duty_rankings --deputies {args.deputies} "
        f"--records {args.records} --preset {args.preset}" + (" --server" if args.server else ""),
        data=f"{vendor}: {args.deputies} deputies, {records} duty records in one year "
        f"(congress.loadgen), {year}Q4 ranked after the three quarters before it; "
        f"{RANKING_RUNS} pairs of the bare aggregate (median of {AGGREGATE_RUNS} runs) and a "
        f"ranking right after it: medians of each, and the median of the pairs' ratios",
    )
    result.add(
        f"Quarterly ranking + rollups + warnings, {ranked} deputies",
        seconds(computed),
        f"< {TARGET_SECONDS:.0f} s",
        computed < TARGET_SECONDS,
    )
    result.add(
        f"Bare SQL aggregate of the same records ({groups} deputy-category rows)",
        seconds(aggregate),
    )
    result.add(
        "Ranking / bare aggregate (median of the pairs)",
        f"{ratio:.1f}× ({', '.join(f'{value:.1f}' for value in sorted(ratios))})",
        f"≤ {TARGET_RATIO:.0f}×",
        ratio <= TARGET_RATIO,
    )
    result.write(args.json)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
