"""Restore the whole installation from a backup set (congress/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress import backup
from congress.errors import DomainError


class Command(BaseCommand):
    help = (
        "从备份恢复整个系统：数据库（服务器模式用 pg_restore，嵌入模式用 SQLite 在线备份写回）"
        "和旁边的上传文件。数据库不为空时须加 --yes 确认，恢复会替换其中的全部数据。"
        "恢复前先停止网页和后台任务进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="备份的数据库文件（.pgdump 或 .sqlite3）")
        parser.add_argument("--yes", action="store_true", help="确认替换数据库中已有的全部数据")
        parser.add_argument(
            "--no-media", action="store_true", help="只恢复数据库，不恢复上传的文件"
        )
        parser.add_argument(
            "--database-url",
            help="恢复到这个数据库而不是系统配置的数据库（如先恢复到另一个库中核对）；不恢复上传文件",
        )

    def handle(self, *args, **options):
        if options["database_url"]:
            # The uploaded files belong to this installation, not to the other database.
            options["no_media"] = True
        try:
            restored = backup.restore(
                options["file"],
                confirmed=options["yes"],
                database_url=options["database_url"],
                with_media=not options["no_media"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已恢复 {restored.database}"))
        if not options["no_media"]:
            self.stdout.write(self.style.SUCCESS(f"已恢复上传文件 {restored.media}"))
