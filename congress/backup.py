"""Whole-installation backup and restore: the database (pg_dump, or SQLite's online backup) and
the uploaded files beside it, as one set of two files with the same timestamped name."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError

PREFIX = "lvzhi-"
POSTGRESQL_SUFFIX = ".pgdump"
SQLITE_SUFFIX = ".sqlite3"
MEDIA_SUFFIX = "-media.tar.gz"
_STAMP = re.compile(r"^lvzhi-\d{8}-\d{6}(?:-\d+)?$")


@dataclass(frozen=True)
class BackupSet:
    database: Path
    media: Path

    @property
    def stem(self) -> str:
        return self.database.name.removesuffix(self.database.suffix)


# --- Finding the PostgreSQL client programs ---------------------------------------------------


def _version_key(folder: Path) -> tuple[int, ...]:
    digits = re.findall(r"\d+", folder.parent.name)
    return tuple(int(d) for d in digits)


def postgresql_program(name: str) -> str:
    """The path of pg_dump or pg_restore: the configured folder, PATH, or the newest
    /usr/lib/postgresql/<version>/bin (where Debian puts them, and where CI finds its server)."""
    if settings.LVZHI_PG_BIN:
        candidate = Path(settings.LVZHI_PG_BIN) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise DomainError(
            _("%(program)s was not found in LVZHI_PG_BIN (%(folder)s).")
            % {"program": name, "folder": settings.LVZHI_PG_BIN}
        )
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise DomainError(
        _(
            "%(program)s was not found: install the PostgreSQL client programs or set "
            "LVZHI_PG_BIN to their folder."
        )
        % {"program": name}
    )


def _postgresql_environment(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for a Django database entry, so no password appears in a command line."""
    environment = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database.get("NAME") or "",
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode", ""),
    }
    for key, value in values.items():
        if value:
            environment[key] = value
        else:
            environment.pop(key, None)
    return environment


def _run(command: list[str], database: dict[str, Any]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed programs; arguments are ours, not a shell's
        command,
        env=_postgresql_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DomainError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(command[0]).name, "error": result.stderr.strip()[-2000:]}
        )


# --- The database -----------------------------------------------------------------------------


def database_settings(database_url: str | None = None) -> dict[str, Any]:
    """The configured database (the test database under a test run), or one given by URL."""
    if database_url:
        return dj_database_url.parse(database_url)
    return connection.settings_dict


def _vendor(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise DomainError(
        _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
    )


def _same_as_configured(database: dict[str, Any]) -> bool:
    return all(
        database.get(key) == connection.settings_dict.get(key)
        for key in ("ENGINE", "NAME", "HOST", "PORT")
    )


def _sqlite_connection(database: dict[str, Any]) -> tuple[sqlite3.Connection, bool]:
    """A raw connection to the SQLite database and whether it must be closed after use.

    The configured database is reached through Django's own connection, which also works for
    the in-memory database of a test run.
    """
    if _same_as_configured(database):
        connection.ensure_connection()
        return connection.connection, False
    return sqlite3.connect(database["NAME"]), True


def backup_database(path: Path, database: dict[str, Any]) -> None:
    if _vendor(database) == "postgresql":
        _run(
            [
                postgresql_program("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--file={path}",
            ],
            database,
        )
        return
    # The online backup API copies a consistent snapshot page by page while the web and job
    # processes keep working (WAL mode); copying the file itself could catch half a transaction
    # and would miss what is still in the -wal file.
    source, close = _sqlite_connection(database)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        if close:
            source.close()


def database_has_tables(database: dict[str, Any]) -> bool:
    if _same_as_configured(database):
        return bool(connection.introspection.table_names())
    if _vendor(database) == "sqlite":
        if not Path(database["NAME"]).exists():
            return False
        raw = sqlite3.connect(database["NAME"])
        try:
            return bool(
                raw.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
            )
        finally:
            raw.close()
    import psycopg

    with psycopg.connect(**_psycopg_arguments(database)) as raw:
        row = raw.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() LIMIT 1"
        ).fetchone()
    return row is not None


def _psycopg_arguments(database: dict[str, Any]) -> dict[str, Any]:
    arguments = {
        "dbname": database.get("NAME"),
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return {key: value for key, value in arguments.items() if value}


def restore_database(path: Path, database: dict[str, Any]) -> None:
    vendor = _vendor(database)
    expected = POSTGRESQL_SUFFIX if vendor == "postgresql" else SQLITE_SUFFIX
    if path.suffix != expected:
        raise DomainError(
            _("%(file)s is not a backup of this kind of database (%(suffix)s expected).")
            % {"file": path.name, "suffix": expected}
        )
    if vendor == "postgresql":
        if _same_as_configured(database):
            # pg_restore drops and recreates the tables: this process must not hold them.
            connections.close_all()
        _run(
            [
                postgresql_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={database['NAME']}",
                str(path),
            ],
            database,
        )
        return
    # Copied back through the same API, not over the file: a plain copy would leave the live
    # database's -wal file behind, which SQLite would then replay onto the restored pages.
    source = sqlite3.connect(path)
    target, close = _sqlite_connection(database)
    try:
        source.backup(target)
    finally:
        source.close()
        if close:
            target.close()


# --- Uploaded files ---------------------------------------------------------------------------


def backup_media(path: Path, media_root: Path) -> int:
    """A tar of everything under MEDIA_ROOT; returns how many files it holds."""
    count = 0
    with tarfile.open(path, "w:gz") as archive:
        if media_root.is_dir():
            for item in sorted(media_root.rglob("*")):
                if item.is_file():
                    archive.add(item, arcname=item.relative_to(media_root).as_posix())
                    count += 1
    return count


def restore_media(path: Path, media_root: Path) -> int:
    """Unpack the tar over MEDIA_ROOT: files in the backup come back as they were; files added
    since stay, unreferenced by the restored database."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:gz") as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
        archive.extractall(media_root, members=members, filter="data")
    return len(members)


# --- Sets -------------------------------------------------------------------------------------


def _new_stem(folder: Path) -> str:
    stem = PREFIX + timezone.localtime().strftime("%Y%m%d-%H%M%S")
    candidate, number = stem, 1
    while any(folder.glob(candidate + ".*")) or (folder / (candidate + MEDIA_SUFFIX)).exists():
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def backup(*, folder: Path | None = None) -> BackupSet:
    """Write the database and the uploaded files to `folder` under one timestamped name."""
    database = database_settings()
    folder = Path(folder or settings.LVZHI_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _new_stem(folder)
    suffix = POSTGRESQL_SUFFIX if _vendor(database) == "postgresql" else SQLITE_SUFFIX
    result = BackupSet(folder / (stem + suffix), folder / (stem + MEDIA_SUFFIX))
    # Written under a temporary name first, so a set that failed half-way never looks whole.
    partial = result.database.with_name(result.database.name + ".partial")
    try:
        backup_database(partial, database)
        backup_media(result.media, Path(settings.MEDIA_ROOT))
    except BaseException:
        partial.unlink(missing_ok=True)
        result.media.unlink(missing_ok=True)
        raise
    partial.replace(result.database)
    return result


def media_beside(database_file: Path) -> Path:
    stem = database_file.name.removesuffix(database_file.suffix)
    return database_file.with_name(stem + MEDIA_SUFFIX)


def restore(
    path: Path,
    *,
    confirmed: bool,
    database_url: str | None = None,
    with_media: bool = True,
) -> BackupSet:
    """Put a backup set back: the database, then the uploaded files beside it.

    Refuses to overwrite a database that has tables unless `confirmed`.
    """
    path = Path(path)
    if not path.is_file():
        raise DomainError(_("There is no backup file %(file)s.") % {"file": path})
    media = media_beside(path)
    if with_media and not media.is_file():
        raise DomainError(
            _(
                "The uploaded files of this backup (%(file)s) are missing; to restore the "
                "database alone, add --no-media."
            )
            % {"file": media.name}
        )
    database = database_settings(database_url)
    if not confirmed and database_has_tables(database):
        raise DomainError(
            _("The database is not empty: restoring replaces everything in it. Confirm with --yes.")
        )
    restore_database(path, database)
    if with_media:
        restore_media(media, Path(settings.MEDIA_ROOT))
    return BackupSet(path, media)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backup sets in `folder`; returns the files deleted."""
    stems = sorted(
        {
            item.name.removesuffix(item.suffix)
            for item in folder.iterdir()
            if item.suffix in (POSTGRESQL_SUFFIX, SQLITE_SUFFIX)
            and _STAMP.match(item.name.removesuffix(item.suffix))
        },
        reverse=True,
    )
    deleted = []
    for stem in stems[keep:]:
        for name in (stem + POSTGRESQL_SUFFIX, stem + SQLITE_SUFFIX, stem + MEDIA_SUFFIX):
            item = folder / name
            if item.exists():
                item.unlink()
                deleted.append(item)
    return deleted
