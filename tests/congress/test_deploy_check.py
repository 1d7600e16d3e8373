"""`manage.py check --deploy` in the server mode: clean with a proper environment, loud without.

The check reads settings only, so it runs in every test run against addresses where nothing
listens; when the run itself has a PostgreSQL server, the database checks run against it too.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens on port 1: the check must not need a live database or cache.
UNREACHABLE = {
    "DATABASE_URL": "postgres://lvzhi:secret@127.0.0.1:1/lvzhi",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}
SERVER_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "LVZHI_PLAIN_STATIC",
}


def server_environment(**overrides: str) -> dict[str, str]:
    return {
        **UNREACHABLE,
        # What an operator is told to make: 50 random characters.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(38)[:50],
        "DJANGO_ALLOWED_HOSTS": "example.org",
        **overrides,
    }


def deploy_check(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_without_a_live_database():
    result = deploy_check(server_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the two documented silences: axes.W006 (lock the account, not the address) and
    # security.W021 (HSTS preload is the domain owner's decision).
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_the_deploy_check_is_clean_against_the_configured_postgresql():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the run has no PostgreSQL server for the database checks")
    result = deploy_check(server_environment(DATABASE_URL=url), "--database", "default")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "check_id"),
    [
        ({"DJANGO_SECRET_KEY": "short-and-guessable"}, "security.W009"),
        ({"DJANGO_DEBUG": "true"}, "security.W018"),
        ({"DJANGO_SECURE_COOKIES": "false"}, "security.W012"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ],
)
def test_the_deploy_check_still_catches_an_unsafe_setting(override, check_id):
    # A clean result means something only if the check would have complained.
    result = deploy_check(server_environment(**override))
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr
