"""Write a congress's quarterly leadership workbook to a file from the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from congress.errors import DomainError
from congress.models import Congress
from reports.exporting import render_workbook
from reports.quarterly import QuarterlyWorkbook
from reports.services import export_audit


class Command(BaseCommand):
    help = (
        "Write the quarterly leadership workbook: --congress <slug> --quarter 2025Q3 "
        "--output report.xlsx [--year-to-date]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--congress", required=True, help="the congress's slug")
        parser.add_argument("--quarter", required=True, help="e.g. 2025Q3 (an ended quarter)")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--year-to-date",
            action="store_true",
            help="the year from January to the quarter's end instead of the quarter alone",
        )

    def handle(self, *args, congress: str, quarter: str, output: str, year_to_date: bool, **kw):
        chosen = Congress.objects.filter(slug=congress).first()
        if chosen is None:
            raise CommandError(f"No congress with the slug {congress!r}")
        target = Path(output)
        if target.suffix.lower() != ".xlsx":
            raise CommandError("The output file must end in .xlsx")
        with scope(congress=chosen):
            try:
                options = QuarterlyWorkbook.options_for(quarter, year_to_date=year_to_date)
            except DomainError as error:
                raise CommandError(error.message) from error
            exporter = QuarterlyWorkbook(congress=chosen, membership=None, options=options)
            partial = target.with_name(f".{target.name}.partial")
            with partial.open("wb") as stream:
                rows = render_workbook(exporter, stream)
            # Renamed only when complete: a reader never sees half a workbook.
            partial.replace(target)
            # From the command line: no member, but the file holds deputies' names all the same.
            export_audit(export=None, exporter=exporter, user=None, rows=rows, via="command")
        self.stdout.write(f"{chosen.slug} {exporter.title()}: {rows} rows written to {target}")
