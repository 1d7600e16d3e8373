"""Load a congress that export_congress wrote into this installation (congress/portability.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress import portability
from congress.errors import DomainError


class Command(BaseCommand):
    help = (
        "导入 export_congress 导出的一个常委会（数据和文件）。该常委会在本系统中不能已存在；"
        "导出保留原编号，编号已被占用时拒绝导入，所以应导入一套空系统（先 migrate）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="export_congress 写出的 zip 文件")

    def handle(self, *args, **options):
        if not options["file"].is_file():
            raise CommandError(f"没有此文件：{options['file']}")
        try:
            summary = portability.import_congress(source=options["file"])
        except DomainError as error:
            raise CommandError(error.message) from error
        rows = sum(summary.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {summary.congress}（{summary.congress.slug}）：{rows:,} 行，"
                f"{summary.files} 个文件"
            )
        )
        if summary.accounts_kept:
            self.stdout.write(f"{summary.accounts_kept} 个账户本系统已有，沿用现有账户")
        if options["verbosity"] > 1:
            for label, count in summary.rows.items():
                self.stdout.write(f"  {label:<40}{count:>10,}")
