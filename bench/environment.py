"""The mode a benchmark runs in, set before Django reads its settings."""

from __future__ import annotations

import os


def environment(
    folder: str,
    server: bool,
    *,
    settings: str = "congress.settings",
    hosts: tuple[str, ...] = (),
    plain_static: bool = False,
) -> None:
    """The embedded mode with its files in `folder`, or (server) the PostgreSQL database and
    Redis named by DATABASE_URL and REDIS_URL. Jobs run in-process, so figures are the work a
    job runner does without queueing time. The test client's host and `hosts` are allowed
    besides whatever the environment allows; `plain_static` serves static files without the
    collected manifest (pages are rendered in-process, not served)."""
    names = ["SQLITE_PATH", "LVZHI_MEDIA_ROOT", "LVZHI_BROKER_DIR"]
    if not server:
        names += ["DATABASE_URL", "REDIS_URL"]
    for name in names:
        os.environ.pop(name, None)
    os.environ["LVZHI_VAR_DIR"] = folder
    os.environ["LVZHI_TASKS_EAGER"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    allowed = [host for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host]
    os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join(
        dict.fromkeys([*allowed, "testserver", "localhost", *hosts])
    )
    if plain_static:
        os.environ.setdefault("LVZHI_PLAIN_STATIC", "true")
