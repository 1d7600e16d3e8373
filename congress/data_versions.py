"""The version of each congress's tables, and pages' parts cached under it.

A page part that many people read and few change (a ranking board's rows, a list's page) is
cached under a key that carries the versions of the tables it was read from; any change to one
of those tables moves its version, so a cached part is never served after the data under it
changed, and no writer has to know which parts it touches.

How a change is seen: every statement that changes data (INSERT, UPDATE, DELETE and the like)
sent through Django's connections, by a page, a job or a command, is noticed by a wrapper every
connection carries, and put on its table in the congress in scope (django-scopes), or in the
whole platform when no congress is in scope (scopes disabled, a command) or the table belongs to
no congress (accounts, the congresses themselves). A statement whose
table cannot be told (a WITH that writes) counts for every table. The versions move when the
change is committed; until then the connection that made it reads the parts that depend on it
afresh, so a page that changes data and then shows it shows the change. Writes that bypass the
wrapper must say so (`written`), as the load generator's COPY does.

What a part reads is declared with it (`reads=`, models), and checked each time it is built (the
tables its statements name as Django writes them, quoted, after FROM and JOIN):
a table read and not declared is an error in tests (LVZHI_CHECK_CACHED_READS), and elsewhere is
logged and leaves the part uncached, so a forgotten table cannot serve old data.

Not counted as changes: writes to the cache's own table and to the sessions (both written by
reads). Running the migrations (as every deploy does) moves every version, so nothing cached by
the code before is read by the code after. A version is a random token, not a counter, so a
version that was evicted from the cache, or a test database reused, can never bring an old part
back.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from celery.signals import task_postrun
from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.db import connection as default_connection
from django.db import connections, models, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django_scopes import get_scope

T = TypeVar("T")
logger = logging.getLogger(__name__)
_MISSING = object()

PLATFORM = 0  # the congress key of changes made outside any congress
EVERY_TABLE = "*"  # the table of a change whose table is not known
TIMEOUT = 10 * 60  # seconds a cached part is kept (a newer version makes it unreachable sooner)

_KEY = "data-version:{}:{}"
_STARTS = re.compile(r"\s*(\w+)")
# Schema changes (CREATE, ALTER, DROP) are not counted: they come with a migration and a restart.
_WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY"}
_WRITE_IN_WITH = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_TARGET = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+"?(\w+)"?\s*(?:[(\s;,]|$)',
    re.IGNORECASE,
)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def _ignored_tables() -> frozenset[str]:
    tables = {"django_session"}
    for alias in settings.CACHES.values():
        if alias["BACKEND"].endswith("DatabaseCache"):
            tables.add(alias["LOCATION"])
    return frozenset(tables)


def changed_table(sql: str) -> str | None:
    """The table a statement changes, EVERY_TABLE when it changes one it does not name plainly,
    None when it changes nothing that counts."""
    start = _STARTS.match(sql)
    if start is None:
        return None
    word = start.group(1).upper()
    if word == "WITH":
        return EVERY_TABLE if _WRITE_IN_WITH.search(sql) else None
    if word not in _WRITES:
        return None
    target = _TARGET.match(sql)
    if target is None:
        return EVERY_TABLE
    table = target.group(1)
    if table.upper() in ("ONLY", "TABLE"):  # written in an unusual form: count every table
        return EVERY_TABLE
    return None if table in _ignored_tables() else table


def _scope_key() -> int:
    """The congress the current code works in, or PLATFORM."""
    scope = get_scope()
    if not scope.get("_enabled", False):
        return PLATFORM
    congress = scope.get("congress")
    if congress is None:
        return PLATFORM
    if isinstance(congress, int):
        return congress
    return getattr(congress, "pk", None) or PLATFORM


class _Pending:
    """A connection's changes whose versions have not moved yet, as (congress key, table).

    In a transaction, they move when it commits. Outside one, they move at once, unless the
    cache lives in the database (the embedded mode): its statements must not run from inside
    another statement (before that one's rows are fetched, or while a transaction is begun), so
    they move before the next read of a version, or at the end of the request, job or command.
    """

    def __init__(self, connection) -> None:
        self.connection = connection
        self.changes: set[tuple[int, str]] = set()
        self.unsent: set[tuple[int, str]] = set()
        self.callback = self.commit  # one bound method, to be found again among the callbacks

    def live(self) -> bool:
        # A rolled-back transaction drops its commit callbacks, and with them this one: its
        # changes were never made for anyone else.
        return self.connection.in_atomic_block and any(
            callback is self.callback for _, callback, _ in self.connection.run_on_commit
        )

    def add(self, change: tuple[int, str]) -> None:
        if not self.connection.in_atomic_block:
            if isinstance(caches["default"], DatabaseCache):
                self.unsent.add(change)
            else:
                _move([change])
            return
        if not self.live():
            self.changes = set()
            transaction.on_commit(self.callback, using=self.connection.alias)
        self.changes.add(change)

    def holds(self, keys: list[tuple[int, str]]) -> bool:
        """Whether a change not committed yet touches one of `keys` (which name EVERY_TABLE)."""
        return bool(self.changes) and self.live() and not self.changes.isdisjoint(keys)

    def commit(self) -> None:
        changes, self.changes = self.changes, set()
        _move(changes)

    def send(self) -> None:
        changes, self.unsent = self.unsent, set()
        _move(changes)


def _pending(connection) -> _Pending:
    pending = getattr(connection, "_data_versions_pending", None)
    if pending is None:
        pending = _Pending(connection)
        connection._data_versions_pending = pending
    return pending


def _notice_changes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        table = changed_table(sql)
        if table is not None:
            written(table, connection=context["connection"])
    return result


def written(table: str, *, connection=default_connection) -> None:
    """`table` was changed through `connection`, in the congress in scope (or, for a table no
    congress owns, such as the accounts, in the platform): its version moves now, or when the
    transaction commits. Called by the wrapper; called directly by writes that bypass it (COPY).
    """
    congress = _scope_key() if table in _tenant_tables() else PLATFORM
    _pending(connection).add((congress, table))


@functools.cache
def _tenant_tables() -> frozenset[str]:
    """The tables whose rows belong to one congress (a `congress` column); a change to any other
    table (accounts, the congresses themselves) is a change for every congress."""
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if any(field.name == "congress" for field in model._meta.concrete_fields)
    )


def send_unsent(**kwargs) -> None:
    """Move the versions of changes made outside a transaction and not sent yet (see
    `_Pending`): at the end of a request, a job and a command."""
    for connection in connections.all(initialized_only=True):
        pending = getattr(connection, "_data_versions_pending", None)
        if pending is not None and pending.unsent:
            pending.send()


@receiver(connection_created, dispatch_uid="congress.data_versions")
def _watch(sender, connection, **kwargs) -> None:
    if _notice_changes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _notice_changes)


def _after_migrate(**kwargs) -> None:
    # A deploy runs the migrations: what the cache holds may no longer fit the code (a model or
    # a cached value changed shape), so every part is read afresh after it.
    _move([(PLATFORM, EVERY_TABLE)])


request_finished.connect(send_unsent, dispatch_uid="congress.data_versions")
post_migrate.connect(_after_migrate, dispatch_uid="congress.data_versions")
task_postrun.connect(send_unsent, dispatch_uid="congress.data_versions", weak=False)
atexit.register(send_unsent)

_failed_once = False


def _move(changes: Iterable[tuple[int, str]]) -> None:
    """Give each changed table a new version.

    Called once the change is committed, so a cache that cannot be written (not set up yet,
    while the first migration runs; unreachable) is logged, once a process, and does not undo
    the change: what was cached under the old version lives out its TIMEOUT.
    """
    global _failed_once
    tokens = {_KEY.format(congress, table): secrets.token_hex(8) for congress, table in changes}
    if not tokens:
        return
    try:
        cache.set_many(tokens, timeout=None)
    except Exception as error:
        if not _failed_once:
            _failed_once = True
            logger.warning("Data versions were not moved: %s", error)


def version(congress_id: int, tables: Iterable[str]) -> str | None:
    """The current version of `tables` in a congress (with the platform's and the unknown
    table's), or None while this connection holds changes to them that are not committed yet
    (read afresh then)."""
    return _read(congress_id, tables)[0]


def _read(congress_id: int, tables: Iterable[str], entry: str | None = None):
    """`version(congress_id, tables)`, and the cache's `entry` read with it (one round trip)."""
    keys = [
        (congress, table)
        for congress in (PLATFORM, congress_id)
        for table in (EVERY_TABLE, *sorted(set(tables)))
    ]
    pending = _pending(default_connection)
    if pending.holds(keys):
        return None, _MISSING
    if pending.unsent:
        pending.send()
    names = [_KEY.format(*key) for key in keys]
    try:
        found = cache.get_many([*names, entry] if entry else names)
    except Exception:
        if not entry:
            raise
        # An entry that no longer unpickles (written by other code) is read afresh.
        logger.warning("The cached part %s could not be read; it is read afresh.", entry)
        found = cache.get_many(names)
    missing = {name: secrets.token_hex(8) for name in names if name not in found}
    if missing:
        # First read since the cache was emptied: whoever adds first sets the version.
        for name, token in missing.items():
            cache.add(name, token, timeout=None)
        found.update(cache.get_many(list(missing)))
    current = ".".join(found.get(name, "-") for name in names)
    return current, found.get(entry, _MISSING) if entry else _MISSING


def cached(
    name: str,
    *,
    reads: Iterable[type[models.Model]],
    parts: tuple,
    build: Callable[[], T],
    congress_id: int | None = None,
) -> T:
    """`build()`'s value for a part of a page, cached under the current versions of the tables
    of the models it `reads` in the congress in scope. `parts` names everything else the value
    depends on (the request's filters, the language, the reader and their rights, the day); the
    value must pickle.

    Only a part read inside its congress's scope is cached: read with scopes disabled it would
    hold other congresses' rows, whose changes do not move this congress's versions. The entry
    keeps the versions it was built under, and is read with the current ones in one round trip.
    """
    tables = {model._meta.db_table for model in reads}
    scoped = _scope_key()
    if congress_id is None:
        congress_id = scoped
    if scoped == PLATFORM or scoped != congress_id:
        return _built(name, tables, build)[0]
    digest = hashlib.blake2b(repr((sorted(tables), parts)).encode(), digest_size=16).hexdigest()
    key = f"page:{name}:{congress_id}:{digest}"
    current, entry = _read(congress_id, tables, key)
    if current is None:
        return _built(name, tables, build)[0]
    if entry is not _MISSING and entry[0] == current:
        return entry[1]
    value, complete = _built(name, tables, build)
    if complete:
        cache.set(key, (current, value), TIMEOUT)
    return value


def _built(name: str, tables: set[str], build: Callable[[], T]) -> tuple[T, bool]:
    """`build()`'s value, and whether it read only the declared tables."""
    read: set[str] = set()

    def watch(execute, sql, params, many, context):
        if isinstance(sql, str):
            read.update(_READ.findall(sql))
        return execute(sql, params, many, context)

    with default_connection.execute_wrapper(watch):
        value = build()
    undeclared = read - tables - _ignored_tables()
    if not undeclared:
        return value, True
    message = f"The cached part {name!r} read tables it does not declare: {sorted(undeclared)}"
    if getattr(settings, "LVZHI_CHECK_CACHED_READS", False):
        raise ImproperlyConfigured(message)
    logger.error("%s; it is not cached.", message)
    return value, False
