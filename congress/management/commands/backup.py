"""Back up the whole installation: the database and the uploaded files (congress/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress import backup
from congress.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份整个系统：服务器模式用 pg_dump 导出 PostgreSQL 数据库，嵌入模式用 SQLite 在线备份"
        "（运行中也一致），并把上传的文件打包在旁边；两个文件同名、带时间戳。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", type=Path, help="备份写入的文件夹（默认 LVZHI_BACKUP_DIR，即 var/backups）"
        )
        parser.add_argument(
            "--keep", type=int, help="只保留最新的这么多份备份，更早的删除（默认全部保留）"
        )

    def handle(self, *args, **options):
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep 至少为 1。")
        try:
            made = backup.backup(folder=options["folder"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(made.database))
        self.stdout.write(str(made.media))
        if options["keep"]:
            for item in backup.prune(made.database.parent, options["keep"]):
                self.stdout.write(f"已删除旧备份 {item}")
