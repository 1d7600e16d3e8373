"""Times the quarterly leadership workbook against openpyxl writing the same cells bare.

    DATABASE_URL=postgres://... python -m bench.quarterly_workbook --server [--json out.json]
    python -m bench.quarterly_workbook --deputies 1000 --records 50000     # SQLite smoke run

The congress of bench.duty_rankings (`--deputies` deputies in groups and stations, `--records`
duty records over one past year), plus 60 handling units, voter messages (two per deputy) and
suggestions (one per two deputies) in every state of their life, all made by congress.loadgen
(answered messages and accepted suggestions score for their deputies within the records); its
four quarters closed and ranked. Then, for the fourth quarter:

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
from datetime import date

from bench.duty_rankings import close_and_analyze, start
from bench.environment import environment
from bench.results import Result, seconds

TARGET_SECONDS = 10.0
TARGET_MEGABYTES = 300
TARGET_RATIO = 2.0
RUNS = 3
UNITS = 60


def fill(deputies: int, records: int, year: int):
    """The congress of the ranking benchmark with voter messages, suggestions and handling
    units besides its records, its four quarters closed and ranked."""
    from django_scopes import scope

    from congress import loadgen

    build = start(deputies, year, "six")
    with scope(congress=build.congress):
        loadgen.create_handling_units(build, count=UNITS)
        loadgen.create_voter_messages(build, total=deputies * 2)
        loadgen.create_suggestions(build, total=deputies // 2)
        loadgen.create_duty_records(build, total=records)
        close_and_analyze(build)
        loadgen.rank_quarters(build)
    return build


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
    parser.add_argument("--json", help="write the figures to this file (for make bench)")
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

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        year = date.today().year - 1
        started = time.perf_counter()
        build = fill(args.deputies, args.records, year)
        congress, vendor, counts = build.congress, connection.vendor, build.counts
        print(
            f"{vendor}: {args.deputies} deputies, {counts['duty_records']} duty records, "
            f"{counts['voter_messages']} voter messages, {counts['suggestions']} suggestions "
            f"(made in {time.perf_counter() - started:.1f} s)"
        )
        with scope(congress=congress):
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
    result = Result(
        name="quarterly_workbook",
        title="Quarterly workbook",
        command=f"python -m bench.quarterly_workbook --deputies {args.deputies} "
        f"--records {args.records}" + (" --server" if args.server else ""),
        data=f"{vendor}: {args.deputies} deputies, {counts['duty_records']} duty records, "
        f"{counts['voter_messages']} voter messages and {counts['suggestions']} suggestions in "
        f"one year (congress.loadgen); the workbook of {year}Q4, {len(sheets)} sheets, {cells} "
        f"cells, {len(content) / 2**20:.1f} MB; medians of {RUNS} runs",
    )
    result.add(
        "Quarterly workbook", seconds(built), f"< {TARGET_SECONDS:.0f} s", built < TARGET_SECONDS
    )
    result.add(
        "Quarterly workbook, peak memory allocated",
        f"{peak:.0f} MB",
        f"< {TARGET_MEGABYTES} MB",
        peak < TARGET_MEGABYTES,
    )
    result.add("Bare write-only append of the same cells", seconds(bare))
    result.add(
        "Workbook / bare write", f"{ratio:.1f}×", f"≤ {TARGET_RATIO:.0f}×", ratio <= TARGET_RATIO
    )
    result.write(args.json)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
