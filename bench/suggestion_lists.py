"""Times the suggestion pages of a large committee: 10,000 deputies and 10,000 suggestions.

    python -m bench.suggestion_lists --suggestions 10000
    DATABASE_URL=postgres://... python -m bench.suggestion_lists --server [--json out.json]

A fresh SQLite database is made in a temporary folder (or, with --server, the PostgreSQL
database named by DATABASE_URL, which must be empty and disposable) and filled in bulk by
congress.loadgen: the deputies, 12 handling units, and the suggestions of the last months in
every state of their life (most made at the January session, the rest in recess; drafts,
submitted, returned, accepted, assigned, overdue, replied, re-handled, closed), with a staff
member, the liaison of the first unit and a deputy to sign in as. Each page is then fetched
through Django's test client (no network), several times; the script prints the median time
and the number of SQL queries, and checks that a page's query count does not depend on which
page of the list is shown. The cache is emptied before each fetch: the staff list keeps its
parts in it (congress.data_versions), and what is timed here is the page's whole work.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

from bench.environment import environment
from bench.results import Result

TARGET_MEDIAN_SECONDS = 0.5
REPEAT = 7


def fill(count: int, deputies: int):
    """A congress with `deputies` deputies, 12 units and `count` suggestions; returns the people
    whose pages are timed."""
    from django.utils import timezone
    from django_scopes import scope

    from congress import loadgen
    from congress.models import CongressLevel

    today = timezone.localdate()
    # Since January, or since January last year early in the year: months of suggestions.
    first_year = today.year if today.month >= 7 else today.year - 1
    build = loadgen.start(
        slug="bench",
        deputies=deputies,
        first_year=first_year,
        last_day=today,
        open_quarter=(today.year, loadgen.quarter_of(today)),
        name="襄阳市襄城区人大常委会",
        level=CongressLevel.COUNTY,
    )
    with scope(congress=build.congress):
        loadgen.create_sessions(build)
        loadgen.create_deputies(build, deputies)
        loadgen.create_handling_units(build, count=12)
        loadgen.create_accounts(build)
        loadgen.create_suggestions(build, total=count)
    # Planner statistics, as autovacuum keeps them on a live database (without them the unit's
    # list took a plan ten times slower).
    loadgen.analyze()
    people = build.accounts
    return build.congress, {
        "staff": people["staff"],
        "unit": people["unit"],
        "deputy": people["deputy"],
    }


def measure(client, url: str) -> tuple[float, int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(REPEAT):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            # As over HTTPS: the server mode redirects plain HTTP.
            response = client.get(url, secure=True)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(timings), queries, len(response.content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=10_000)
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    parser.add_argument("--json", help="write the figures to this file (for make bench)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, args.server, plain_static=True)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        congress, people = fill(args.suggestions, args.deputies)
        print(
            f"{args.deputies} deputies, {args.suggestions} suggestions "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )

        def url(name: str, query: str = "") -> str:
            return reverse(name, kwargs={"congress_slug": congress.slug}) + query

        pages = [
            ("staff", "staff list, supervision order", url("suggestions:list")),
            ("staff", "staff list, page 50", url("suggestions:list", "?page=50")),
            ("staff", "staff list, overdue only", url("suggestions:list", "?overdue=1")),
            # Every title says "…问题的建议": the search matches the whole list.
            ("staff", "staff list, search", url("suggestions:list", "?q=问题")),
            ("unit", "unit's work list", url("unit_work:list")),
            ("deputy", "deputy's own list", url("my_suggestions:list")),
            ("staff", "statistics dashboard", url("suggestion_stats:dashboard")),
        ]
        clients = {}
        worst = 0.0
        counts, rows = {}, []
        vendor = connection.vendor
        for who, label, address in pages:
            if who not in clients:
                clients[who] = Client()
                clients[who].force_login(people[who])
            median, queries, size = measure(clients[who], address)
            counts[label] = queries
            rows.append((label, median, queries, size))
            worst = max(worst, median)
            print(f"{label:<32} median {median * 1000:7.1f} ms  {queries:3d} queries  {size:>8} B")

    same = counts["staff list, supervision order"] == counts["staff list, page 50"]
    met = worst <= TARGET_MEDIAN_SECONDS and same
    print(
        f"target: every page's median within {TARGET_MEDIAN_SECONDS * 1000:.0f} ms and the same "
        f"query count on page 1 and page 50: {'met' if met else 'MISSED'} "
        f"(slowest {worst * 1000:.0f} ms)"
    )
    result = Result(
        name="suggestion_lists",
        title="Suggestion pages",
        command=f"python -m bench.suggestion_lists --suggestions {args.suggestions} "
        f"--deputies {args.deputies}" + (" --server" if args.server else ""),
        data=f"{vendor}: {args.deputies} deputies and {args.suggestions} suggestions in every "
        f"state (congress.loadgen), each page fetched in-process {REPEAT} times "
        "with the cache emptied before each, median",
        table="\n".join(
            ["| Page | Median | Queries | Size |", "|---|---|---|---|"]
            + [
                f"| {label} | {median * 1000:.0f} ms | {queries} | {size:,} B |"
                for label, median, queries, size in rows
            ]
        ),
    )
    result.add(
        "Suggestion pages, slowest median (in-process)",
        f"{worst * 1000:.0f} ms",
        f"≤ {TARGET_MEDIAN_SECONDS * 1000:.0f} ms",
        worst <= TARGET_MEDIAN_SECONDS,
    )
    if not same:
        result.failures.append(
            "The staff suggestion list runs "
            f"{counts['staff list, supervision order']} queries on page 1 and "
            f"{counts['staff list, page 50']} on page 50"
        )
    result.write(args.json)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
