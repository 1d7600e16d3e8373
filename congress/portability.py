"""One congress's data as a file: every row it owns, its history, the accounts those rows name and
the files they point to, written to a zip that another installation can load.

What goes into the export:
- the Congress row and its history;
- every row of every model with a `congress` foreign key (the domain, the history tables, the
  audit log, notifications, background jobs), found by looking at the models, so models added
  later are included without changes here; rows without a congress of their own that hang off
  such a row (a plain many-to-many table) go with it;
- the user accounts those rows name (members, authors, whoever made a change), with their
  password hashes, so people sign in after a move as before; platform rights (is_staff,
  is_superuser, groups, permissions) belong to an installation, not to a congress, and are
  written as none;
- every stored file a row names (uploads, photos, signed letters, made exports), also when only
  an older version in a history table names it; a file the storage no longer has is listed as
  missing.

What stays behind, as belonging to the installation or to a person rather than to a congress:
sessions and the list of signed-in sessions, sign-in failures and lockouts, API tokens and
one-time-code devices (credentials: people sign in with their password and enrol again), audit
events of no congress, admin log entries, scheduled-job definitions, content types and
permissions. Models of this project that are neither exported nor named in LEFT_OUT fail a test,
so each new one gets a decision.

Primary keys are kept: ids appear in texts the database cannot see through (links in
notifications, the audit log's object ids, history diffs, job results), so renumbering would
break them silently. An import therefore needs ids that are free, which an empty installation
always has; it refuses, naming the table, when one is taken.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Congress, User

FORMAT = "lvzhi-congress"
VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
FILES_FOLDER = "files/"

# Models of this project that are not exported, and why.
LEFT_OUT = {
    "congress.usersession": "a person's signed-in sessions end with the move",
    "congress.user_groups": "platform rights belong to the installation",
    "congress.user_user_permissions": "platform rights belong to the installation",
}
OWN_APPS = ("congress", "deputies", "liaison", "suggestions", "scoring", "reports")
# An account's rights on the installation, not in a congress: written as none.
PLATFORM_RIGHTS = {"is_staff": False, "is_superuser": False}


# --- Which rows -------------------------------------------------------------------------------


def _owner(model: type[models.Model]) -> models.Field | None:
    try:
        owner = model._meta.get_field("congress")
    except FieldDoesNotExist:
        return None
    if owner.concrete and owner.many_to_one and owner.related_model is Congress:
        return owner
    return None


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def _tenant_querysets(congress: Congress) -> dict[type[models.Model], models.QuerySet]:
    """Every exported model but User, with the queryset of this congress's rows."""
    querysets: dict[type[models.Model], models.QuerySet] = {
        Congress: Congress._base_manager.filter(pk=congress.pk)
    }
    candidates = []
    for model in apps.get_models(include_auto_created=True):
        if model is Congress or model is User or model._meta.proxy:
            continue
        if getattr(model, "instance_type", None) is Congress:
            # The congress's own history table: its rows carry the congress's id as "id".
            querysets[model] = model._base_manager.filter(id=congress.pk)
        elif _owner(model) is not None:
            querysets[model] = model._base_manager.filter(congress_id=congress.pk)
        else:
            candidates.append(model)
    # Rows with no congress of their own that hang off an exported row go with it.
    found = True
    while found:
        found = False
        for model in list(candidates):
            links = [
                f
                for f in _foreign_keys(model)
                if f.related_model in querysets and f.related_model is not Congress
            ]
            if not links:
                continue
            condition = Q()
            for link in links:
                condition |= Q(
                    **{f"{link.attname}__in": querysets[link.related_model].values("pk")}
                )
            querysets[model] = model._base_manager.filter(condition)
            candidates.remove(model)
            found = True
    return querysets


def _user_queryset(querysets: dict[type[models.Model], models.QuerySet]) -> models.QuerySet:
    condition = Q(pk__in=[])
    for model, queryset in querysets.items():
        for link in _foreign_keys(model):
            if link.related_model is User:
                condition |= Q(pk__in=queryset.exclude(**{link.attname: None}).values(link.attname))
    return User._base_manager.filter(condition)


def exported_models() -> list[type[models.Model]]:
    """The models an export holds rows of, whatever the congress."""
    with scopes_disabled():  # the querysets are only built here, never run
        return [User, *_tenant_querysets(Congress(pk=0))]


def _ordered(querysets: dict[type[models.Model], models.QuerySet]) -> list[type[models.Model]]:
    rest = sorted(
        (m for m in querysets if m not in (Congress, User)), key=lambda m: m._meta.label_lower
    )
    return [Congress, User, *rest]


def _columns(model: type[models.Model]) -> list[models.Field]:
    """The columns written, in the model's order; a key made of columns is in them already."""
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _keyed_by_columns(model: type[models.Model]) -> bool:
    """A table whose primary key is several of its columns, with no id (snapshot rows)."""
    return isinstance(model._meta.pk, models.CompositePrimaryKey)


def _file_columns(model: type[models.Model]) -> list[str]:
    """Columns that hold a storage name: file fields (in a history table they are plain text, so
    the tracked model's fields tell which), and the `file_path` of a made export."""
    source = getattr(model, "instance_type", model)
    names = {f.name for f in source._meta.concrete_fields if isinstance(f, models.FileField)}
    names |= {f.name for f in source._meta.concrete_fields if f.name == "file_path"}
    return [f.attname for f in _columns(model) if f.name in names]


# --- Values -----------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(column: models.Field, value: Any) -> Any:
    if value is None or isinstance(column, models.JSONField):
        return value
    return column.to_python(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- Export -----------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    congress: Congress
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing_files: list[str] = field(default_factory=list)


def _write_rows(out: IO[str], model, queryset, files: set[str]) -> int:
    columns = _columns(model)
    names = [c.attname for c in columns]
    file_positions = [names.index(name) for name in _file_columns(model)]
    overrides = {names.index(k): v for k, v in PLATFORM_RIGHTS.items() if model is User}
    out.write(f'{{"model": {_dumps(model._meta.label_lower)}, "fields": {_dumps(names)}, "rows": [')
    count = 0
    for row in queryset.order_by("pk").values_list(*names).iterator(chunk_size=2000):
        values = [_encode(value) for value in row]
        for position, value in overrides.items():
            values[position] = value
        for position in file_positions:
            if values[position]:
                files.add(values[position])
        out.write(("\n" if count == 0 else ",\n") + _dumps(values))
        count += 1
    out.write("\n]}")
    return count


def export_congress(*, slug: str, output: Path) -> ExportSummary:
    """Write the congress `slug` to the zip `output` and record the export in its audit log."""
    from congress.audit import AuditAction, audit_record

    # Platform-admin code: the export reads every table for one congress by its id, and the
    # accounts and parent it names, which no congress scope covers.
    with scopes_disabled():
        congress = Congress._base_manager.filter(slug=slug).first()
        if congress is None:
            raise DomainError(_("There is no congress %(slug)s.") % {"slug": slug})
        output = Path(output)
        summary = ExportSummary(congress=congress, path=output)
        querysets = _tenant_querysets(congress)
        querysets[User] = _user_queryset(querysets)
        files: set[str] = set()
        # One snapshot of every table: rows written meanwhile cannot leave a reference dangling.
        # (SQLite's transaction is one snapshot already; inside an outer transaction the outer
        # one's isolation holds.)
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic(), zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with archive.open(DATA_NAME, "w") as raw, _text(raw) as out:
                parent = congress.parent.slug if congress.parent_id else None
                out.write(f'{{"format": {_dumps(FORMAT)}, "version": {VERSION},\n')
                out.write(f'"congress": {_dumps(slug)}, "parent": {_dumps(parent)},\n"models": [\n')
                for number, model in enumerate(_ordered(querysets)):
                    if number:
                        out.write(",\n")
                    count = _write_rows(out, model, querysets[model], files)
                    summary.rows[model._meta.label_lower] = count
                present = sorted(name for name in files if default_storage.exists(name))
                summary.missing_files = sorted(files - set(present))
                out.write(f'\n],\n"files": {_dumps(present)},\n')
                out.write(f'"missing_files": {_dumps(summary.missing_files)}\n}}\n')
            for name in present:
                with default_storage.open(name, "rb") as stored:
                    archive.writestr(FILES_FOLDER + name, stored.read())
            summary.files = len(present)
            archive.writestr(
                MANIFEST_NAME,
                _dumps(
                    {
                        "format": FORMAT,
                        "version": VERSION,
                        "congress": slug,
                        "exported_at": timezone.now().isoformat(),
                        "rows": summary.rows,
                        "files": summary.files,
                    }
                ),
            )
    audit_record(
        action=AuditAction.DATA_EXPORTED,
        congress=congress,
        summary=_("All of the congress's data, %(rows)s rows and %(files)s files, to %(name)s")
        % {"rows": sum(summary.rows.values()), "files": summary.files, "name": output.name},
        detail={"rows": summary.rows, "files": summary.files},
    )
    return summary


class _text:
    """A text writer over a binary zip entry, closed without closing the entry twice."""

    def __init__(self, raw: IO[bytes]):
        self.wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")

    def __enter__(self) -> IO[str]:
        return self.wrapper

    def __exit__(self, *exc) -> None:
        self.wrapper.flush()
        self.wrapper.detach()


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    congress: Congress
    rows: dict[str, int] = field(default_factory=dict)
    accounts_kept: int = 0
    files: int = 0


def _read(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        with archive.open(DATA_NAME) as raw:
            data = json.load(raw)
    except (KeyError, ValueError) as error:
        raise DomainError(_("This file is not a congress export.")) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(_("This file is not a congress export."))
    if data.get("version") != VERSION:
        raise DomainError(
            _("This export is of format version %(version)s, which this installation cannot read.")
            % {"version": data.get("version")}
        )
    return data


def _table(data: dict[str, Any]) -> Iterator[tuple[type[models.Model], list, list]]:
    """Each exported table as (model, columns in the export's order, rows)."""
    for table in data["models"]:
        try:
            model = apps.get_model(table["model"])
        except LookupError as error:
            raise DomainError(
                _("This installation has no table %(model)s: it is older than the export.")
                % {"model": table["model"]}
            ) from error
        by_name = {c.attname: c for c in _columns(model)}
        names, rows = table["fields"], table["rows"]
        if "id" in names and "id" not in by_name and _keyed_by_columns(model):
            # Exported when the table still had an id, since dropped for a key of its columns.
            at = names.index("id")
            names = names[:at] + names[at + 1 :]
            rows = [row[:at] + row[at + 1 :] for row in rows]
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise DomainError(
                _(
                    "This installation's %(model)s has no column %(column)s: it is older than the "
                    "export."
                )
                % {"model": table["model"], "column": unknown[0]}
            )
        yield model, [by_name[name] for name in names], rows


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _taken_ids(model: type[models.Model], ids: list) -> list:
    taken: list = []
    for chunk in _chunks(ids):
        taken += model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)
    return sorted(taken)


def _accounts_to_keep(columns: list, rows: list) -> set:
    """Ids of exported accounts that are already here (the same id and the same account name:
    a person in several congresses); any other clash is refused."""
    names = [c.attname for c in columns]
    id_at, name_at = names.index("id"), names.index("username")
    exported = {row[id_at]: row[name_at] for row in rows}
    here = {}
    for chunk in _chunks(list(exported)):
        here.update(User._base_manager.filter(pk__in=chunk).values_list("pk", "username"))
    for chunk in _chunks(list(exported.values())):
        for pk, username in User._base_manager.filter(username__in=chunk).values_list(
            "pk", "username"
        ):
            here.setdefault(pk, username)
    for pk, username in here.items():
        if exported.get(pk) != username:
            raise DomainError(
                _(
                    "The account %(username)s (id %(id)s) clashes with an account of this "
                    "installation; import into an installation without it."
                )
                % {"username": exported.get(pk) or username, "id": pk}
            )
    return set(here)


def _check_files(archive: zipfile.ZipFile, names: list[str]) -> list[str]:
    """The files to write: each must be in the zip under a safe name; one already stored with
    other content is refused, the same content is left as it is."""
    members = set(archive.namelist())
    to_write = []
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or FILES_FOLDER + name not in members:
            raise DomainError(
                _("The export's file %(name)s is missing or unsafe.") % {"name": name}
            )
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                if stored.read() != archive.read(FILES_FOLDER + name):
                    raise DomainError(
                        _("A different file is already stored as %(name)s.") % {"name": name}
                    )
            continue
        to_write.append(name)
    return to_write


def _insert(model: type[models.Model], columns: list, rows: list, skip: set) -> int:
    if skip:
        position = [c.attname for c in columns].index(model._meta.pk.attname)
        rows = [row for row in rows if row[position] not in skip]
    objects = [
        model(**{c.attname: _decode(c, value) for c, value in zip(columns, row, strict=True)})
        for row in rows
    ]
    fields = _columns(model)
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for start in range(0, len(objects), size):
        # A raw insert, as loaddata makes: the values as exported (no automatic timestamps), and
        # no signals, so nothing writes history, audit events or notifications about the load.
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)
    return len(objects)


def import_congress(*, source: Path) -> ImportSummary:
    """Load an export into this installation, where its congress must not exist yet."""
    # Platform-admin code: it writes every table of a congress that no scope can name yet.
    with scopes_disabled(), zipfile.ZipFile(source) as archive:
        data = _read(archive)
        slug = data["congress"]
        if Congress._base_manager.filter(slug=slug).exists():
            raise DomainError(
                _("The congress %(slug)s already exists in this installation.") % {"slug": slug}
            )
        tables = list(_table(data))
        keep: set = set()
        for model, columns, rows in tables:
            if model is User:
                keep = _accounts_to_keep(columns, rows)
                continue
            if _keyed_by_columns(model):
                # A key made of references (a ranking's category scores) is free when the rows
                # it names are: their ids are checked here; a clash left fails the insert below.
                continue
            pk_at = [c.attname for c in columns].index(model._meta.pk.attname)
            taken = _taken_ids(model, [row[pk_at] for row in rows])
            if taken:
                raise DomainError(
                    _(
                        "Ids of %(table)s are already taken in this installation (%(ids)s): "
                        "an export keeps its ids, so import it into an empty installation."
                    )
                    % {"table": model._meta.label_lower, "ids": ", ".join(map(str, taken[:5]))}
                )
            if model is Congress:
                name_at = [c.attname for c in columns].index("name")
                if Congress._base_manager.filter(name=rows[0][name_at]).exists():
                    raise DomainError(
                        _("A congress named %(name)s already exists.") % {"name": rows[0][name_at]}
                    )
        to_write = _check_files(archive, data["files"])
        parent = (
            Congress._base_manager.filter(slug=data["parent"]).first() if data["parent"] else None
        )

        summary = ImportSummary(congress=Congress(), accounts_kept=len(keep))
        written: list[str] = []
        try:
            with transaction.atomic():
                for model, columns, rows in tables:
                    if model is Congress:
                        # The parent is found again by its identifier: ids differ between
                        # installations; without it here the congress stands alone.
                        parent_at = [c.attname for c in columns].index("parent_id")
                        parent_id = parent.pk if parent else None
                        rows = [
                            [parent_id if i == parent_at else v for i, v in enumerate(row)]
                            for row in rows
                        ]
                    summary.rows[model._meta.label_lower] = _insert(
                        model, columns, rows, keep if model is User else set()
                    )
                models_loaded = [model for model, _columns_, _rows in tables]
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in models_loaded]
                )
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), models_loaded):
                        cursor.execute(statement)
                for name in to_write:
                    stored = default_storage.save(
                        name, ContentFile(archive.read(FILES_FOLDER + name))
                    )
                    written.append(stored)
                    if stored != name:
                        raise DomainError(
                            _("The file %(name)s could not be stored under its name.")
                            % {"name": name}
                        )
        except IntegrityError as error:
            _remove(written)
            raise DomainError(
                _("The export does not fit this installation: %(error)s") % {"error": error}
            ) from error
        except BaseException:
            _remove(written)
            raise
        summary.files = len(to_write)
        summary.congress = Congress._base_manager.get(slug=slug)
    return summary


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
