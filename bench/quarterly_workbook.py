"""Times the quarterly leadership workbook against openpyxl writing the same cells bare.

    DATABASE_URL=postgres://... python -m bench.quarterly_workbook --server
    python -m bench.quarterly_workbook --deputies 1000 --records 50000     # SQLite smoke run

The congress of bench.duty_rankings (`--deputies` deputies in groups and stations, `--records`
duty records over one past year, its four quarters closed and ranked), plus voter messages and
suggestions with handling units. Then, for the fourth quarter:

(a) the bare write: every cell value of the workbook, read back from the file (b) made, written
    again by openpyxl's write-only mode, one plain `append` per row and nothing else (no
    formats, no title rows, no chart); median of 3 runs;
(b) `render_workbook` of the quarterly workbook exporter: the database reads, the formats and
    the chart included; median of 3 runs, with the peak of memory allocated while it runs
    (tracemalloc) and the process's peak resident size.

Targets: (b) under 10 s, under 300 MB, and at most 2 times (a). The database named by
DATABASE_URL must be empty and disposable.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta

from bench.duty_rankings import (
    close_year,
    environment,
    fill_people,
    fill_records_postgres,
    fill_records_python,
)

TARGET_SECONDS = 10.0
TARGET_MEGABYTES = 300
TARGET_RATIO = 2.0
RUNS = 3


def fill_messages_and_suggestions(congress, year: int, deputies: int) -> None:
    """Voter messages (two per deputy in the year) and suggestions (one per two deputies) with
    handling units, answered and late in the proportions the committees report."""
    import random

    from django.utils import timezone

    from deputies.models import Deputy
    from liaison.models import LiaisonStation, VoterMessage
    from suggestions.models import (
        HandlingUnit,
        Suggestion,
        SuggestionAssignment,
        SuggestionCategory,
    )

    generator = random.Random(7)  # noqa: S311 - made-up benchmark data
    zone = timezone.get_current_timezone()
    ids = list(Deputy.objects.order_by("pk").values_list("pk", flat=True))
    stations = list(LiaisonStation.objects.values_list("pk", flat=True))
    units = HandlingUnit.objects.bulk_create(
        [
            HandlingUnit(congress=congress, name=f"承办单位{n:03d}", kind="department")
            for n in range(60)
        ]
    )
    category, _made = SuggestionCategory.objects.get_or_create(congress=congress, name="城乡建设")
    messages = []
    for number in range(deputies * 2):
        day = date(year, 1, 1) + timedelta(days=generator.randrange(365))
        created = datetime(day.year, day.month, day.day, 10, tzinfo=zone)
        answered = generator.random() < 0.9
        messages.append(
            VoterMessage(
                congress=congress,
                tracking_code=f"B{number:08d}",
                source="deputy_page",
                deputy_id=generator.choice(ids),
                station_id=generator.choice(stations),
                topic="urban",
                text="小区门口路灯不亮，请代表帮助反映。",
                consented_at=created,
                due_on=day + timedelta(days=9),
                status="answered" if answered else "registered",
                answer="已转交相关部门处理。" if answered else "",
                answered_at=created + timedelta(days=generator.randrange(1, 14))
                if answered
                else None,
                created_at=created,
            )
        )
    VoterMessage.objects.bulk_create(messages, batch_size=5000)
    suggestions = []
    for number in range(deputies // 2):
        day = date(year, 1, 1) + timedelta(days=generator.randrange(365))
        submitted = datetime(day.year, day.month, day.day, 9, tzinfo=zone)
        replied = generator.random() < 0.85
        suggestions.append(
            Suggestion(
                congress=congress,
                kind="suggestion",
                title=f"关于改善第{number}号片区交通的建议",
                content="建议增设公交站点。",
                category=category,
                source="own_research",
                lead_deputy_id=generator.choice(ids),
                status="replied" if replied else "assigned",
                series="建",
                number=number + 1,
                submitted_at=submitted,
                assigned_on=day,
                first_due_on=day + timedelta(days=90),
                due_on=day + timedelta(days=90),
                first_replied_on=day + timedelta(days=generator.randrange(30, 100))
                if replied
                else None,
                reply_class=generator.choice("AAB") if replied else "",
            )
        )
    Suggestion.objects.bulk_create(suggestions, batch_size=5000)
    SuggestionAssignment.objects.bulk_create(
        [
            SuggestionAssignment(
                congress=congress,
                suggestion=suggestion,
                unit=generator.choice(units),
                role="lead",
                status="active",
                assigned_on=suggestion.assigned_on,
                return_by=suggestion.assigned_on + timedelta(days=7),
            )
            for suggestion in Suggestion.objects.order_by("pk")
        ],
        batch_size=5000,
    )


def bare_write(rows_by_sheet: list[tuple[str, list[list]]]) -> float:
    """(a): the same cell values, appended plainly by openpyxl's write-only mode."""
    from openpyxl import Workbook

    began = time.perf_counter()
    workbook = Workbook(write_only=True)
    for title, rows in rows_by_sheet:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - began


def read_cells(content: bytes) -> tuple[list[tuple[str, list[list]]], int]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheets, cells = [], 0
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        cells += sum(1 for row in rows for value in row if value is not None)
        sheets.append((sheet.title, rows))
    return sheets, cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, args.server)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django_scopes import scope

        from reports.exporting import render_workbook
        from reports.quarterly import QuarterlyWorkbook
        from scoring.ranking import ranking_compute

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        year = date.today().year - 1
        started = time.perf_counter()
        congress, rule_set = fill_people(args.deputies, year, "six")
        with scope(congress=congress):
            if connection.vendor == "postgresql":
                fill_records_postgres(congress, rule_set, args.deputies, args.records, year)
            else:
                fill_records_python(congress, rule_set, args.deputies, args.records, year)
            close_year(congress, rule_set, year)
            fill_messages_and_suggestions(congress, year, args.deputies)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            for quarter in (1, 2, 3, 4):
                ranking_compute(congress=congress, year=year, quarter=quarter)
            print(
                f"{connection.vendor}: {args.deputies} deputies, {args.records} duty records, "
                f"{args.deputies * 2} voter messages, {args.deputies // 2} suggestions "
                f"(made in {time.perf_counter() - started:.1f} s)"
            )
            exporter = QuarterlyWorkbook(
                congress=congress,
                membership=None,
                options={"year": year, "quarter": 4, "year_to_date": False},
            )
            render_workbook(exporter, io.BytesIO())  # warms the cache
            builds, content = [], b""
            for run in range(RUNS):
                output = io.BytesIO()
                if run == 0:
                    tracemalloc.start()
                began = time.perf_counter()
                render_workbook(exporter, output)
                builds.append(time.perf_counter() - began)
                if run == 0:
                    peak = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
                content = output.getvalue()
            # The traced run is slower (tracemalloc hooks every allocation): time the others.
            built = statistics.median(builds[1:])
        sheets, cells = read_cells(content)
        bare = statistics.median(bare_write(sheets) for _ in range(RUNS))

    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = built / bare if bare else float("inf")
    print(f"workbook: {len(sheets)} sheets, {cells} cells, {len(content) / 2**20:.1f} MB")
    print(f"(a) bare write-only append of the same cells: median {bare:.2f} s")
    print(
        f"(b) quarterly workbook: median {built:.2f} s (runs: "
        f"{', '.join(f'{s:.2f}' for s in builds[1:])}), peak allocated {peak:.0f} MB, "
        f"process peak resident {resident:.0f} MB"
    )
    print(f"ratio (b)/(a): {ratio:.1f}")
    met = built < TARGET_SECONDS and peak < TARGET_MEGABYTES and ratio <= TARGET_RATIO
    print(
        f"target: under {TARGET_SECONDS:.0f} s, under {TARGET_MEGABYTES} MB and at most "
        f"{TARGET_RATIO:.0f}x the bare write: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
