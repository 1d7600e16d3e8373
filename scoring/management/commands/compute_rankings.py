"""Close (if needed) and rank a congress's quarter from the command line; running it again, or
twice at once, gives the one snapshot."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from congress.errors import DomainError
from congress.models import Congress
from scoring.selectors import parse_quarter
from scoring.tasks import close_and_rank


class Command(BaseCommand):
    help = "Close and rank a quarter: --congress <slug> --quarter 2025Q3"

    def add_arguments(self, parser):
        parser.add_argument("--congress", required=True, help="the congress's slug")
        parser.add_argument("--quarter", required=True, help="e.g. 2025Q3")

    def handle(self, *args, congress: str, quarter: str, **options):
        parsed = parse_quarter(quarter)
        if parsed is None:
            raise CommandError(f"Not a quarter: {quarter!r} (write it like 2025Q3)")
        chosen = Congress.objects.filter(slug=congress).first()
        if chosen is None:
            raise CommandError(f"No congress with the slug {congress!r}")
        year, number = parsed
        with scope(congress=chosen):
            try:
                ranking = close_and_rank(congress=chosen, year=year, quarter=number)
            except DomainError as error:
                raise CommandError(error.message) from error
        self.stdout.write(
            f"{chosen.slug} {ranking.label}: {ranking.deputy_count} deputies ranked "
            f"(snapshot {ranking.pk}, {ranking.duration_ms} ms)"
        )
