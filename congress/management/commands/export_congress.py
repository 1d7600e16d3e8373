"""Export one congress's data and files to a zip (congress/portability.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress import portability
from congress.errors import DomainError


class Command(BaseCommand):
    help = (
        "把一个常委会的全部数据（各表的记录及其历史、审计日志、相关账户含密码散列）和所引用的"
        "文件导出为一个 zip（data.json 加 files/），可用 import_congress 导入另一套系统。"
        "导出本身记入该常委会的审计日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--congress", required=True, help="常委会标识")
        parser.add_argument("--output", type=Path, required=True, help="写入的 zip 文件")

    def handle(self, *args, **options):
        try:
            summary = portability.export_congress(
                slug=options["congress"], output=options["output"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        rows = sum(summary.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {summary.congress}：{rows:,} 行，{summary.files} 个文件 → {summary.path}"
            )
        )
        for name in summary.missing_files:
            self.stderr.write(f"存储中已没有此文件，未导出：{name}")
        if options["verbosity"] > 1:
            for label, count in summary.rows.items():
                self.stdout.write(f"  {label:<40}{count:>10,}")
