"""Every benchmark on PostgreSQL, each in a fresh database; the figures go to bench/RESULTS.md.

    make bench                               # starts PostgreSQL and Redis as CI does, then this
    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.run [--only pages ...]

DATABASE_URL names any database on the server: each benchmark gets a database of its own
beside it (`<name>_bench_<benchmark>`, made empty before and dropped after), so nothing on the
server is touched. Each benchmark runs as its own process (`python -m bench.<benchmark>
--server --json ...`), prints as it goes, and hands its figures over as JSON (bench/results.py).

The results: the machine and the software, a summary table of every figure against its
target, then each benchmark's own table, and bench/FIXES.md (what the benchmarks found and what
changed, before and after). The run fails (exit status 1) when a benchmark fails outright or
reports a failure, such as a page whose number of queries grows with the data; a target that
is missed is shown as missed, and the run goes on.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.results import read

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
FIXES = HERE / "FIXES.md"

# name, arguments, Redis database number (each its own, so caches do not meet).
BENCHES = [
    ("duty_rankings", ["--server"], 11),
    ("quarterly_workbook", ["--server"], 12),
    ("roster_import", ["--server", "--rows", "10000"], 13),
    ("suggestion_lists", ["--server"], 14),
    ("pages", ["--server"], 15),
]


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_url(base: str | None, number: int) -> str | None:
    if not base:
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{number}"))


def recreate(base: str, name: str, *, drop_only: bool = False) -> None:
    """An empty database `name` on the server of `base` (or none, with drop_only).

    A plain DROP, tried again for a while: it stops an autovacuum worker still busy with the
    benchmark's tables by itself, where `WITH (FORCE)` would need a superuser to do so.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(base, autocommit=True) as connection:
        for attempt in range(30):
            try:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                )
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 29:
                    raise
                time.sleep(1)
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def machine(base: str) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    import psycopg

    memory = _first("/proc/meminfo", "MemTotal")
    if memory.endswith("kB"):
        memory = f"{int(memory.split()[0]) / 2**20:.1f} GB"
    with psycopg.connect(base) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        }

    def version_of(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        ("Processor", _first("/proc/cpuinfo", "model name")),
        ("Cores", str(os.cpu_count())),
        ("Memory", memory),
        (
            "System",
            f"{_first('/etc/os-release', 'PRETTY_NAME=').strip(chr(34))}, "
            f"Linux {platform.release()}",
        ),
        ("Python", platform.python_version()),
        ("PostgreSQL", f"{version} ({', '.join(f'{k} {v}' for k, v in settings.items())})"),
        (
            "Packages",
            ", ".join(
                f"{package} {version_of(package)}"
                for package in ("Django", "psycopg", "openpyxl", "gunicorn", "celery")
            ),
        ),
    ]


def run_one(name: str, arguments: list[str], redis: int, base: str, folder: str):
    """Runs one benchmark in a fresh database; returns (Result or None, exit status, seconds)."""
    database = f"{urlsplit(base).path.lstrip('/') or 'lvzhi'}_bench_{name}"
    recreate(base, database)
    output = Path(folder) / f"{name}.json"
    environment = {**os.environ, "DATABASE_URL": database_url(base, database)}
    # The server mode wants a secret key; the benchmarks' throwaway databases need no fixed one.
    environment.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    environment.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    found_redis = redis_url(os.environ.get("REDIS_URL"), redis)
    if found_redis:
        environment["REDIS_URL"] = found_redis
    command = [sys.executable, "-m", f"bench.{name}", *arguments, "--json", str(output)]
    print(f"\n=== bench.{name} {' '.join(arguments)}", flush=True)
    began = time.perf_counter()
    status = subprocess.run(command, env=environment, check=False).returncode  # noqa: S603
    took = time.perf_counter() - began
    recreate(base, database, drop_only=True)
    result = read(output) if output.exists() else None
    return result, status, took


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|")


def render(results, when: datetime, took: float, described) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {when:%Y-%m-%d %H:%M} in {took / 60:.0f} minutes. Every "
        "figure is the median of several runs; each benchmark's docstring in `bench/` says "
        "exactly what it times. Do not edit by hand: run `make bench` again.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {label} | {_cell(value)} |" for label, value in described],
        "",
        "## Summary",
        "",
        "| Measure | Value | Target | |",
        "|---|---|---|---|",
    ]
    for name, result, status, _took in results:
        if result is None:
            lines.append(f"| bench.{name} | failed (exit status {status}), no figures | | ✗ |")
            continue
        for figure in result.figures:
            mark = {True: "met", False: "**missed**", None: ""}[figure.met]
            lines.append(
                f"| {_cell(figure.measure)} | {_cell(figure.value)} | "
                f"{_cell(figure.target)} | {mark} |"
            )
    for name, result, status, seconds in results:
        lines += ["", f"## {result.title if result else 'bench.' + name}", ""]
        if result is None:
            lines.append(f"Failed with exit status {status}; see its output.")
            continue
        lines.append(f"`{result.command}` ({seconds:.0f} s with its data). {result.data}")
        if result.table:
            lines += ["", result.table.rstrip()]
        for failure in result.failures:
            lines += ["", f"**Failure:** {failure}"]
    if FIXES.exists():
        lines += ["", FIXES.read_text().rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=[name for name, _a, _r in BENCHES])
    parser.add_argument("--output", default=str(RESULTS), help="where to write the results")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database (make bench sets it).")
        return 2
    chosen = [bench for bench in BENCHES if not args.only or bench[0] in args.only]
    began, when = time.perf_counter(), datetime.now().astimezone()
    results = []
    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        for name, arguments, redis in chosen:
            result, status, took = run_one(name, arguments, redis, base, folder)
            results.append((name, result, status, took))
    described = machine(base)
    Path(args.output).write_text(render(results, when, time.perf_counter() - began, described))
    print(f"\nResults written to {Path(args.output).name}.")

    broken = [name for name, result, _status, _took in results if result is None]
    failures = [
        failure
        for _name, result, _status, _took in results
        if result
        for failure in result.failures
    ]
    missed = [
        figure.measure
        for _name, result, _status, _took in results
        if result
        for figure in result.figures
        if figure.met is False
    ]
    for name in broken:
        print(f"FAILED: bench.{name} ended without figures.")
    for failure in failures:
        print(f"FAILED: {failure}")
    for measure in missed:
        print(f"target missed: {measure}")
    return 1 if broken or failures else 0


if __name__ == "__main__":
    sys.exit(main())
