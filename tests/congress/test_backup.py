"""Backup and restore of the whole installation, in the mode the test run is in."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_scopes import scopes_disabled

from congress import backup
from congress.errors import DomainError
from congress.models import Congress
from deputies.models import Deputy
from tests.factories import CongressFactory, DeputyFactory, MembershipFactory

# Committed rows: pg_dump and the SQLite backup read them through connections of their own.
in_committed_database = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "deputies" / "photos" / "wang.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff" + b"photo" * 100)
    return settings.MEDIA_ROOT


@pytest.fixture
def congress() -> Congress:
    with scopes_disabled():  # building a tenant's rows, as platform code would
        congress = CongressFactory(name="襄城区人大常委会", slug="xiangcheng")
        MembershipFactory(congress=congress)
        DeputyFactory.create_batch(3, congress=congress, photo="deputies/photos/wang.jpg")
    return congress


def run_backup(folder: Path) -> tuple[Path, Path]:
    out = io.StringIO()
    call_command("backup", folder=folder, stdout=out)
    database_file, media_file = (Path(line) for line in out.getvalue().split())
    return database_file, media_file


@in_committed_database
def test_embedded_backup_and_restore_bring_the_data_and_files_back(media, congress, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded mode's backup (the server mode has its own test)")
    database_file, media_file = run_backup(tmp_path / "backups")
    assert database_file.name.startswith("lvzhi-") and database_file.suffix == ".sqlite3"
    assert media_file == database_file.with_name(
        database_file.name.removesuffix(".sqlite3") + "-media.tar.gz"
    )

    Congress.objects.filter(pk=congress.pk).update(name="改过的名称")
    CongressFactory(slug="added-later")
    (media / "deputies" / "photos" / "wang.jpg").unlink()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(database_file), stdout=io.StringIO())
    assert Congress.objects.filter(slug="added-later").exists()

    call_command("restore", str(database_file), yes=True, stdout=io.StringIO())
    assert Congress.objects.get(pk=congress.pk).name == "襄城区人大常委会"
    assert not Congress.objects.filter(slug="added-later").exists()
    with scopes_disabled():
        assert Deputy.objects.filter(congress=congress).count() == 3
    assert (media / "deputies" / "photos" / "wang.jpg").read_bytes().startswith(b"\xff\xd8\xff")


# --- The server mode: restored into a scratch database beside the test database -------------


def _psycopg_arguments(name: str) -> dict:
    arguments = backup._psycopg_arguments({**connection.settings_dict, "NAME": name})
    return {**arguments, "autocommit": True}


@pytest.fixture
def scratch_database():
    """An empty database beside the test one, dropped afterwards: restoring over the database
    the test run is using would pull it from under pytest's feet."""
    if connection.vendor != "postgresql":
        pytest.skip("the server mode's backup needs PostgreSQL")
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(**_psycopg_arguments("postgres")) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{name}"
    )
    try:
        yield name, url
    finally:
        with psycopg.connect(**_psycopg_arguments("postgres")) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _contents(database: str) -> dict[str, object]:
    """Every table's row count, and the rows the test changes, as a second connection sees them."""
    import psycopg

    with psycopg.connect(**_psycopg_arguments(database)) as raw:
        tables = [
            row[0]
            for row in raw.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        counts = {
            table: raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
        congresses = raw.execute(
            "SELECT id, slug, name FROM congress_congress ORDER BY id"
        ).fetchall()
        deputies = raw.execute("SELECT id, name, photo FROM deputies_deputy ORDER BY id").fetchall()
    return {"counts": counts, "congresses": congresses, "deputies": deputies}


@in_committed_database
def test_server_backup_and_restore_bring_the_data_back(media, congress, tmp_path, scratch_database):
    name, url = scratch_database
    database_file, _media_file = run_backup(tmp_path / "backups")
    assert database_file.suffix == ".pgdump"
    original = _contents(connection.settings_dict["NAME"])
    assert original["counts"]["deputies_deputy"] == 3

    # The scratch database is empty: no confirmation needed.
    call_command("restore", str(database_file), database_url=url, stdout=io.StringIO())
    assert _contents(name) == original

    import psycopg

    with psycopg.connect(**_psycopg_arguments(name)) as raw:
        raw.execute("UPDATE congress_congress SET name = '改过的名称'")
        raw.execute("DELETE FROM deputies_historicaldeputy")
    assert _contents(name) != original

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(database_file), database_url=url, stdout=io.StringIO())
    call_command("restore", str(database_file), database_url=url, yes=True, stdout=io.StringIO())
    assert _contents(name) == original


# --- Pieces common to both modes -------------------------------------------------------------


def test_restore_refuses_a_backup_of_the_other_mode(tmp_path, media):
    other = ".pgdump" if connection.vendor == "sqlite" else ".sqlite3"
    wrong = tmp_path / f"lvzhi-20260101-020000{other}"
    wrong.write_bytes(b"not a backup")
    (tmp_path / "lvzhi-20260101-020000-media.tar.gz").write_bytes(b"")
    with pytest.raises(CommandError, match=r"not a backup of this kind|不是"):
        call_command("restore", str(wrong), yes=True, stdout=io.StringIO())


def test_restore_refuses_a_missing_file_or_missing_media(tmp_path):
    with pytest.raises(DomainError):
        backup.restore(tmp_path / "nothing.sqlite3", confirmed=True)
    alone = tmp_path / "lvzhi-20260101-020000.sqlite3"
    alone.write_bytes(b"")
    with pytest.raises(DomainError, match=r"media|上传"):
        backup.restore(alone, confirmed=True)


def test_media_restore_refuses_paths_out_of_the_folder(tmp_path):
    archive_path = tmp_path / "evil-media.tar.gz"
    with tarfile.open(archive_path, "w:gz") as archive:
        content = b"overwritten"
        info = tarfile.TarInfo("../outside.txt")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    with pytest.raises(tarfile.OutsideDestinationError):
        backup.restore_media(archive_path, tmp_path / "media")
    assert not (tmp_path / "outside.txt").exists()


def test_keep_deletes_the_oldest_sets_only(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20260101-010000", "20260102-010000", "20260103-010000"):
        (folder / f"lvzhi-{stamp}.sqlite3").write_bytes(b"")
        (folder / f"lvzhi-{stamp}-media.tar.gz").write_bytes(b"")
    (folder / "notes.txt").write_text("kept")
    deleted = backup.prune(folder, keep=2)
    assert sorted(item.name for item in deleted) == [
        "lvzhi-20260101-010000-media.tar.gz",
        "lvzhi-20260101-010000.sqlite3",
    ]
    assert sorted(item.name for item in folder.iterdir()) == [
        "lvzhi-20260102-010000-media.tar.gz",
        "lvzhi-20260102-010000.sqlite3",
        "lvzhi-20260103-010000-media.tar.gz",
        "lvzhi-20260103-010000.sqlite3",
        "notes.txt",
    ]


def test_a_configured_program_folder_without_the_program_is_refused(settings, tmp_path):
    settings.LVZHI_PG_BIN = str(tmp_path)
    with pytest.raises(DomainError, match="LVZHI_PG_BIN"):
        backup.postgresql_program("pg_dump")


def test_the_program_is_found_in_the_configured_folder(settings, tmp_path):
    program = tmp_path / "pg_dump"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    settings.LVZHI_PG_BIN = str(tmp_path)
    assert backup.postgresql_program("pg_dump") == str(program)
