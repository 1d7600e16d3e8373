"""The two modes: embedded by default, server with PostgreSQL and Redis, and its deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_ENV = {
    "DATABASE_URL": "postgres://lvzhi:secret@127.0.0.1:5432/lvzhi",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_SECRET_KEY": "a-long-random-value-for-the-deploy-check-" + "k3Yq9" * 10,
    "DJANGO_ALLOWED_HOSTS": "renda.example.cn",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {*SERVER_ENV, "DJANGO_DEBUG"}}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(name: str, env: dict[str, str]) -> str:
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_deploy_check_is_clean_in_the_server_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=SERVER_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_server_mode_uses_postgresql_redis_and_secure_cookies():
    assert settings_value("DATABASES['default']['ENGINE']", SERVER_ENV) == (
        "django.db.backends.postgresql"
    )
    assert settings_value("CACHES['default']['BACKEND']", SERVER_ENV).endswith("RedisCache")
    assert settings_value("CELERY_BROKER_URL", SERVER_ENV) == SERVER_ENV["REDIS_URL"]
    assert settings_value("SESSION_COOKIE_SECURE", SERVER_ENV) == "True"
    assert settings_value("DEBUG", SERVER_ENV) == "False"


def test_postgresql_connections_run_without_just_in_time_compilation(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (the server mode)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_server_mode_refuses_to_start_without_a_secret_key():
    env = {**SERVER_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_embedded_mode_needs_no_configuration(tmp_path):
    env = {"LVZHI_VAR_DIR": str(tmp_path)}
    assert settings_value("DATABASES['default']['ENGINE']", env) == "django.db.backends.sqlite3"
    assert settings_value("CELERY_BROKER_URL", env).startswith("filesystem://")
    assert settings_value("CACHES['default']['BACKEND']", env).endswith("DatabaseCache")
    assert (tmp_path / "broker" / "out").is_dir()


def test_sqlite_runs_in_wal_mode(db):
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the server mode runs on PostgreSQL")
    assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("name", "value"), [("DJANGO_DEBUG", "maybe"), ("LVZHI_SESSION_IDLE_MINUTES", "half")]
)
def test_bad_environment_values_are_named(name, value, tmp_path):
    result = manage("check", env={"LVZHI_VAR_DIR": str(tmp_path), name: value})
    assert result.returncode != 0
    assert name in result.stderr
