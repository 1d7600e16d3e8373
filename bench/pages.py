"""Times the main pages on gunicorn under 20 concurrent clients against a bare Django view, and
counts each page's SQL queries at two sizes of congress.

    DATABASE_URL=postgres://.../empty_database python -m bench.pages --server [--json out.json]
    python -m bench.pages                    # SQLite smoke run: 20 and 200 deputies, 1 year

Two congresses are generated with `congress.loadgen` in the database, which must be empty and
disposable (without --server, a fresh SQLite database in a temporary folder): one of `--small`
deputies (100) and one of `--deputies` (10,000), each with `--years` (5) of data. The
generator's committee staff member and its deputy of average activity are given a password; a
voter needs none. The main pages:

- the staff suggestion list, in supervision order (committee staff);
- the ranking board of the latest ranked quarter (committee staff);
- the deputy's phone home, and the duty points page it leads to (the deputy);
- the duty-record form post: a valid report of a duty, answered with a redirect to the new
  record (the deputy); every post makes a record;
- the public page a voter reaches from the deputy's QR code (no sign-in).

Pages keep the parts they read from the data in the cache, keyed by the versions of the tables
they read (congress.data_versions); nothing changes those tables while a page is measured, so
under load the page is served from its cached parts, as a page that many read and few change is.
The query counts and the in-process times below are taken with the cache emptied first: the
page's whole work.

1. Query counts: in-process, through Django's test client, each page once unmeasured and then
   once inside `CaptureQueriesContext`, in each congress, the cache emptied before each. A
   page whose count differs between the two sizes is named and the command exits 1 (a failure
   for `make bench`).
2. Load: gunicorn (WORKERS says which workers and why) serves the larger congress with
   `bench.settings`, the project's settings plus /bench/bare/, a constant small page through the
   same middleware, asked for by signed-in staff so that it pays for the session and the user
   as the pages do. The bare view and then each page get 20 client threads, each with its own
   session, signed in through the login form (the post also sends the CSRF token of its form
   page), sending requests back to back: `--warmup` seconds (3) unmeasured, then `--seconds`
   (15) measured. Every answer is checked (the status, and a text only that page has); a wrong
   one fails the run. Printed per page: p50 and p95 latency, requests per second, the ratios
   p50 / bare p50 and bare rps / rps, and the cores busy in the measured window: the client
   (to show it is not the bottleneck), gunicorn's workers, PostgreSQL's backends of this
   database, and other work on the machine (figures taken beside other work are disturbed).

Targets: the same query count at both sizes for every page; at the larger size, every page
within 5 times the bare view in p50 and in throughput. A Markdown table is printed; `--json`
writes the figures for `make bench` (bench/results.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.environment import environment

TARGET_RATIO = 5.0
# Requests per page and congress timed one at a time in-process (the median is shown).
ALONE_REPEAT = 7
# Cores used by other work on the machine above which a measurement is called disturbed.
BUSY_CORES = 0.25
CLIENTS = 20
PASSWORD = "bench-Password-2026"  # noqa: S105 - made-up benchmark accounts, not secrets
HOST = "127.0.0.1"
# Sync workers, 2 x cores + 1 (gunicorn's advice): the kernel hands each new connection to a
# free worker, so the load spreads evenly and no request waits behind another in the same
# process. Measured on the 2-core machine: gthread workers (3 x 4 threads, 5 x 2) keep each
# client's keep-alive connection on the worker that accepted it, so one process's GIL served
# most clients while the other cores idled (p95 three to four times p50, lower throughput).
# Sync workers close the connection after each answer: every client request is a new
# loopback connection, whose cost the client's CPU figure includes.
WORKER_CLASS = "sync"
WORKERS = 2 * (os.cpu_count() or 2) + 1
THREADS = 1


# --- The congresses and who signs in -------------------------------------------------------


@dataclass
class Cast:
    """One generated congress and the people and objects its pages are fetched with."""

    congress: object
    staff: object
    deputy_user: object
    deputy: object
    report: dict  # a valid duty report of the deputy (form fields)
    size: int


def build(*, slug: str, deputies: int, years: int) -> Cast:
    """Generate a congress and choose its members; see `choose`."""
    from congress.loadgen import generate
    from congress.models import Congress

    generate(slug=slug, deputies=deputies, years=years)
    return choose(Congress.objects.get(slug=slug), size=deputies)


def choose(congress, *, size: int) -> Cast:
    """The generator's committee staff member and its deputy of average activity (at the
    first station), given a password to sign in with, and a duty that deputy can report."""
    from django.contrib.auth.hashers import make_password
    from django_scopes import scope

    from congress.models import User
    from deputies.models import Deputy
    from scoring.selectors import reportable_items

    with scope(congress=congress):
        staff = User.objects.get(username=f"{congress.slug}-staff")
        deputy_user = User.objects.get(username=f"{congress.slug}-deputy")
        deputy = Deputy.objects.get(user=deputy_user)
        password = make_password(PASSWORD)
        for user in (staff, deputy_user):
            user.password = password
            user.save(update_fields=["password"])
        day = _report_day()
        items = [
            item
            for item in reportable_items(day=day)
            if not item.evidence_required and not item.recess_only
        ]
        if not items:
            raise SystemExit(f"{congress.slug}: no duty a deputy can report on {day}")
        report = {
            "category": items[0].code,
            "occurred_on": day.isoformat(),
            "description": "到联络站接待选民，收集意见 3 条",
        }
    return Cast(congress, staff, deputy_user, deputy, report, size)


def _report_day() -> date:
    from django.utils import timezone

    return timezone.localdate()


# --- The pages ------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    who: str | None  # "staff", "deputy" or None (a voter, not signed in)
    path: Callable[[Cast], str]
    marker: Callable[[Cast], str]  # a text only this page has (checked in every answer)
    form: Callable[[Cast], str] | None = None  # a post: the form page it is sent from
    data: Callable[[Cast], dict] | None = None


def _url(name: str, cast: Cast, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"congress_slug": cast.congress.slug, **kwargs})


PAGES = [
    Page(
        "suggestion_list",
        "staff suggestion list",
        "staff",
        lambda cast: _url("suggestions:list", cast),
        lambda cast: 'id="suggestion-table"',
    ),
    Page(
        "ranking_board",
        "ranking board",
        "staff",
        lambda cast: _url("duty_rankings:board", cast),
        lambda cast: 'id="ranking-table"',
    ),
    Page(
        "deputy_home",
        "deputy's phone home",
        "deputy",
        lambda cast: _url("congress:home", cast),
        lambda cast: cast.deputy.public_token,
    ),
    Page(
        "deputy_points",
        "deputy's duty points",
        "deputy",
        lambda cast: _url("my_duties:home", cast),
        lambda cast: 'id="quarter-scores"',
    ),
    Page(
        "duty_report_post",
        "duty-record form post",
        "deputy",
        lambda cast: _url("my_duties:report", cast),
        lambda cast: _url("my_duties:records", cast),  # the redirect goes to the new record
        form=lambda cast: _url("my_duties:report", cast),
        data=lambda cast: cast.report,
    ),
    Page(
        "public_deputy",
        "public QR page of a deputy",
        None,
        lambda cast: reverse_public(cast),
        lambda cast: cast.deputy.name,
    ),
]
# Asked for by signed-in staff, as the pages are: the floor includes the session and the user.
BARE = Page(
    "bare", "bare Django view", "staff", lambda cast: "/bench/bare/", lambda cast: "bench bare"
)


def reverse_public(cast: Cast) -> str:
    return _url("public:deputy", cast, deputy_token=cast.deputy.public_token)


def _person(cast: Cast, who: str | None):
    return {"staff": cast.staff, "deputy": cast.deputy_user, None: None}[who]


def count_queries(casts: list[Cast], pages: list[Page] = PAGES) -> dict[str, list[int]]:
    """Each page's query count in each congress (fetched once unmeasured first); a page that
    does not answer as expected raises SystemExit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, list[int]] = {page.key: [] for page in pages}
    for cast in casts:
        clients = {}
        for who in ("staff", "deputy", None):
            clients[who] = Client()
            if who:
                clients[who].force_login(_person(cast, who))
        for page in pages:
            client = clients[page.who]
            for attempt in ("warm-up", "counted"):
                # Counted without the cached page parts (congress.data_versions): the queries
                # of the page's whole work, which is what must not grow with the data.
                cache.clear()
                with CaptureQueriesContext(connection) as captured:
                    if page.data:
                        response = client.post(page.path(cast), page.data(cast), secure=True)
                    else:
                        response = client.get(page.path(cast), secure=True)
                problem = _check(page, cast, response.status_code, response, response.content)
                if problem:
                    raise SystemExit(f"{page.label} ({cast.size} deputies, {attempt}): {problem}")
            counts[page.key].append(len(captured.captured_queries))
    return counts


def time_alone(casts: list[Cast], pages: list[Page], repeat: int) -> dict[str, list[float]]:
    """Each page's median time in ms over `repeat` requests in each congress, one request at a
    time in-process, each without the cached page parts: how the page's own work grows with the
    data, without the load."""
    from django.core.cache import cache
    from django.test import Client

    timings: dict[str, list[float]] = {page.key: [] for page in pages}
    for cast in casts:
        for page in pages:
            client = Client()
            if page.who:
                client.force_login(_person(cast, page.who))
            spent = []
            for _ in range(repeat):
                cache.clear()
                started = time.perf_counter()
                if page.data:
                    client.post(page.path(cast), page.data(cast), secure=True)
                else:
                    client.get(page.path(cast), secure=True)
                spent.append(time.perf_counter() - started)
            timings[page.key].append(statistics.median(spent) * 1000)
    return timings


def _check(page: Page, cast: Cast, status: int, response, body: bytes) -> str:
    """What is wrong with an answer, or ''."""
    marker = page.marker(cast)
    if page.data:
        location = response.headers.get("Location", "") if response is not None else ""
        if status != 302:
            return f"answered {status}, not a redirect"
        if not urlsplit(location).path.startswith(marker):
            return f"redirected to {location!r}, not to a new record"
        return ""
    if status != 200:
        return f"answered {status}"
    if marker.encode() not in body:
        return f"answered without {marker!r}"
    return ""


# --- Load -----------------------------------------------------------------------------------


class Browser:
    """One client: a keep-alive connection and its own cookies, as a browser would hold."""

    def __init__(self, port: int, https: bool):
        self.port = port
        self.scheme = "https" if https else "http"
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0
        self.headers = {
            "Host": f"{HOST}:{port}",
            "User-Agent": "Mozilla/5.0 (bench)",
            "Accept": "text/html",
            "Accept-Language": "zh-CN,zh;q=0.9",
        }
        if https:
            # As the TLS-terminating proxy in front of the server mode says.
            self.headers["X-Forwarded-Proto"] = "https"

    def request(self, method: str, path: str, data: dict | None = None):
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"{self.scheme}://{HOST}:{self.port}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open a new one.
                self.connection.close()
                self.connection = None
                self.reconnects += 1
                if attempt:
                    raise
                continue
            break
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(morsel.key, None)
                    else:
                        self.cookies[morsel.key] = morsel.value
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, response, content

    def sign_in(self, username: str) -> None:
        status, _response, content = self.request("GET", "/accounts/login/")
        token = _csrf_token(content)
        status, _response, _content = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"signing in as {username} answered {status}")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _csrf_token(content: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if found is None:
        raise SystemExit("no CSRF token on the form page")
    return found.group(1).decode()


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


def hammer(
    page: Page, cast: Cast, browsers: list[Browser], *, warmup: float, seconds: float
) -> dict:
    """All browsers on one page: `warmup` seconds unmeasured, then `seconds` measured."""
    path = page.path(cast)
    tokens = []
    if page.data:
        # Each browser takes its CSRF token from the form page, as a person's would.
        for browser in browsers:
            _status, _response, content = browser.request("GET", page.form(cast))
            tokens.append(_csrf_token(content))
    outcomes = [Outcome() for _ in browsers]
    ready = threading.Barrier(len(browsers) + 1)
    clock: dict[str, float] = {}

    def run(index: int) -> None:
        browser, outcome = browsers[index], outcomes[index]
        data = {**page.data(cast), "csrfmiddlewaretoken": tokens[index]} if page.data else None
        ready.wait()
        start, end = clock["start"], clock["end"]
        while True:
            began = time.perf_counter()
            if began >= end:
                return
            try:
                status, response, content = browser.request("POST" if data else "GET", path, data)
                problem = _check(page, cast, status, response, content)
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
            finished = time.perf_counter()
            if began >= start:
                outcome.requests += 1
                outcome.latencies.append(finished - began)
                if problem:
                    outcome.errors.append(problem)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    clock["start"] = now + warmup
    clock["end"] = now + warmup + seconds
    ready.wait()
    time.sleep(max(0.0, clock["start"] - time.perf_counter()))
    before = cpu_snapshot()
    time.sleep(max(0.0, clock["end"] - time.perf_counter()))
    after = cpu_snapshot()
    for thread in threads:
        thread.join()
    latencies = sorted(x for outcome in outcomes for x in outcome.latencies)
    errors = [error for outcome in outcomes for error in outcome.errors]
    done = sum(outcome.requests for outcome in outcomes)
    result = {
        "requests": done,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p95_ms": _percentile(latencies, 95) * 1000,
        "rps": done / seconds,
        # Cores busy over the measured window: this client, gunicorn's workers, PostgreSQL's
        # processes on this machine (None where they cannot be seen), and everything else.
        **{f"{name}_cores": _cores(before, after, name, seconds) for name in before},
    }
    # SQLite works inside the server's processes: no database processes to count.
    parts = [result[f"{name}_cores"] for name in ("machine", "client", "server")]
    parts.append(result["database_cores"] if DATABASE_NAME else 0.0)
    result["other_cores"] = None if None in parts else parts[0] - sum(parts[1:])
    return result


def _percentile(values: list[float], percent: float) -> float:
    if not values:
        return float("nan")
    rank = max(0, min(len(values) - 1, round(percent / 100 * len(values) + 0.5) - 1))
    return values[rank]


SERVER_PIDS: list[int] = []
# The PostgreSQL database served from (its backends' CPU is the database's share); "" for SQLite.
DATABASE_NAME = ""


def _serves(pid: int, database: str) -> bool:
    """Whether a PostgreSQL backend serves `database` (its title: "postgres: user db host ...")."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        return False
    parts = title.split()
    return len(parts) >= 3 and parts[0] == "postgres:" and parts[2] == database


def cpu_snapshot() -> dict:
    """CPU ticks used so far: by this process, by each of gunicorn's workers and of the local
    PostgreSQL backends of our database, and by the whole machine (Linux /proc; None where it
    cannot be read)."""
    snapshot: dict = {"client": time.process_time()}
    workers = set(_children(SERVER_PIDS[0])) if SERVER_PIDS else set()
    server: dict[int, int] = {}
    database: dict[int, int] = {}
    for pid, name, used in _processes():
        if pid in workers:
            server[pid] = used
        elif DATABASE_NAME and name == "postgres" and _serves(pid, DATABASE_NAME):
            database[pid] = used
    snapshot["server"] = server if workers else None
    snapshot["database"] = database if DATABASE_NAME and Path("/proc").is_dir() else None
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        values = [int(value) for value in fields[:8]]
        # Busy: all but idle and waiting for the disk.
        snapshot["machine"] = sum(values) - values[3] - values[4]
    except (OSError, ValueError, IndexError):
        snapshot["machine"] = None
    return snapshot


def _cores(before: dict, after: dict, name: str, seconds: float) -> float | None:
    """Cores busy between two snapshots. Per process: one that ended in between (a database
    connection past its age) drops out instead of counting negative, one that began counts whole.
    """
    first, last = before.get(name), after.get(name)
    if first is None or last is None:
        return None
    if name == "client":
        return (last - first) / seconds
    ticks = os.sysconf("SC_CLK_TCK")
    if isinstance(last, dict):
        used = sum(value - first.get(pid, 0) for pid, value in last.items())
    else:
        used = last - first
    return used / ticks / seconds


def _processes() -> Iterator[tuple[int, str, int]]:
    """(pid, name, user + system ticks) of every process this machine shows."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        yield int(entry.name), name, int(fields[11]) + int(fields[12])


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def serve(*, workers: int, threads: int, worker_class: str) -> Iterator[int]:
    """gunicorn on a free local port with the benchmark's settings; yields the port."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "congress.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    # The workers' heartbeat files in memory, as the container image runs them.
    shared_memory = "/dev/shm"  # noqa: S108 - gunicorn's own advice, not a temporary file
    if Path(shared_memory).is_dir():
        command += ["--worker-tmp-dir", shared_memory]
    process = subprocess.Popen(command, env=dict(os.environ))  # noqa: S603 - our own command
    SERVER_PIDS[:] = [process.pid]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=5)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        # Every worker up (the health check may have reached only the first).
        while len(_children(process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield port
    finally:
        SERVER_PIDS.clear()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load(
    cast: Cast, pages: list[Page], *, port: int, https: bool, warmup: float, seconds: float
) -> dict[str, dict]:
    """The bare view and each page under CLIENTS browsers; returns each one's figures."""
    signed_in: dict[str | None, list[Browser]] = {}
    for who in (None, "staff", "deputy"):
        signed_in[who] = [Browser(port, https) for _ in range(CLIENTS)]
        if who:
            person = _person(cast, who)
            # Each browser signs in through the login form, as a person would (in parallel:
            # the password hash takes a while).
            threads = [
                threading.Thread(target=browser.sign_in, args=(person.username,))
                for browser in signed_in[who]
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if not all("sessionid" in browser.cookies for browser in signed_in[who]):
                raise SystemExit(f"not every {who} browser could sign in")
    results = {}
    for page in [BARE, *pages]:
        # Fresh browsers for the public page: a voter has no session at all.
        browsers = (
            signed_in[page.who] if page.who else [Browser(port, https) for _ in range(CLIENTS)]
        )
        results[page.key] = hammer(page, cast, browsers, warmup=warmup, seconds=seconds)
        figures = results[page.key]
        cores = "  ".join(
            f"{name} {_figure(figures[f'{name}_cores'])}"
            for name in ("client", "server", "database", "other")
        )
        print(
            f"  {page.label:<28} {figures['requests']:6d} requests  p50 {figures['p50_ms']:7.1f} ms"
            f"  p95 {figures['p95_ms']:7.1f} ms  {figures['rps']:7.1f}/s  errors "
            f"{figures['errors']}  cores: {cores}",
            flush=True,
        )
    for browsers in signed_in.values():
        for browser in browsers:
            browser.close()
    return results


def _figure(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


# --- Report ---------------------------------------------------------------------------------


def ratios(results: dict) -> None:
    """Each page's p50 and throughput against the bare view's, kept in its figures."""
    bare = results["bare"]
    for figures in results.values():
        figures["p50_ratio"] = figures["p50_ms"] / bare["p50_ms"]
        figures["rps_ratio"] = bare["rps"] / figures["rps"] if figures["rps"] else float("inf")


def table(pages: list[Page], counts: dict, alone: dict, sizes: tuple[int, int], results: dict):
    lines = [
        f"| page | queries at {sizes[0]:,} / {sizes[1]:,} deputies | alone, uncached, ms at "
        f"{sizes[0]:,} / {sizes[1]:,} | p50 ms | p95 ms | requests/s | p50 / bare | "
        "bare rps / rps | CPU ms a request: server + database | cores: client, server, "
        "database, other |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in [BARE, *pages]:
        found = counts.get(page.key)
        row = f"| {page.label} | "
        if found:
            row += f"{found[0]} / {found[1]}" + ("" if found[0] == found[1] else " ✗")
            row += " | " + " / ".join(f"{ms:.0f}" for ms in alone[page.key])
        else:
            row += "— | —"
        figures = results.get(page.key)
        if figures:
            cores = ", ".join(
                _figure(figures[f"{name}_cores"])
                for name in ("client", "server", "database", "other")
            )
            cpu = "?"
            if figures["server_cores"] is not None and figures["rps"]:
                spent = [figures["server_cores"]]
                if figures["database_cores"] is not None:
                    spent.append(figures["database_cores"])
                cpu = " + ".join(f"{1000 * share / figures['rps']:.1f}" for share in spent)
            row += (
                f" | {figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | {figures['rps']:.0f} | "
                f"{figures['p50_ratio']:.1f} | {figures['rps_ratio']:.1f} | {cpu} | {cores} |"
            )
        else:
            row += " | | | | | | | |"
        lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    parser.add_argument("--deputies", type=int, help="the larger congress (10,000; smoke 200)")
    parser.add_argument("--small", type=int, help="the smaller congress (100; smoke 20)")
    parser.add_argument("--years", type=int, help="years of data (5; smoke 1)")
    parser.add_argument("--seconds", type=float, help="measured seconds per page (15; smoke 3)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds first (3; smoke 1)")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--worker-class", default=WORKER_CLASS, choices=["gthread", "sync"])
    parser.add_argument("--no-load", action="store_true", help="count queries only")
    parser.add_argument("--pages", help="only these pages under load (keys, comma-separated)")
    parser.add_argument("--json", help="write the figures to this file (for make bench)")
    args = parser.parse_args(argv)
    server = args.server
    deputies = args.deputies or (10_000 if server else 200)
    small = args.small or (100 if server else 20)
    years = args.years or (5 if server else 1)
    seconds = args.seconds or (15.0 if server else 3.0)
    warmup = args.warmup if args.warmup is not None else (3.0 if server else 1.0)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, server, settings="bench.settings", hosts=(HOST,))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        vendor = connection.vendor
        if vendor == "postgresql":
            global DATABASE_NAME  # read by the CPU accounting of the load
            DATABASE_NAME = connection.settings_dict["NAME"]
        casts = []
        for slug, size in (("bench-small", small), ("bench-large", deputies)):
            started = time.perf_counter()
            casts.append(build(slug=slug, deputies=size, years=years))
            print(
                f"{vendor}: {size:,} deputies, {_years(years)} generated in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        if vendor == "postgresql":
            # Statistics for the rows just loaded, as autovacuum keeps them on a live database.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = count_queries(casts)
        growing = [page for page in PAGES if len(set(counts[page.key])) > 1]
        alone = time_alone(casts, PAGES, repeat=ALONE_REPEAT)
        results: dict[str, dict] = {}
        if not args.no_load:
            from django.conf import settings

            https = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
            # The server must not share the benchmark process's open connection.
            connection.close()
            print(
                f"load: {CLIENTS} clients on gunicorn ({args.worker_class}, {args.workers} "
                f"workers x {args.threads} threads), {warmup:.0f} s warm-up, {seconds:.0f} s "
                f"measured, {deputies:,} deputies",
                flush=True,
            )
            with serve(
                workers=args.workers, threads=args.threads, worker_class=args.worker_class
            ) as port:
                chosen = [p for p in PAGES if not args.pages or p.key in args.pages.split(",")]
                results = load(
                    casts[1], chosen, port=port, https=https, warmup=warmup, seconds=seconds
                )

    if results:
        ratios(results)
    shown = [page for page in PAGES if page.key in results] if results else PAGES
    print()
    print(table(shown, counts, alone, (small, deputies), results))
    print()
    failures = [
        f"{page.label}: {counts[page.key][0]} queries at {small:,} deputies, "
        f"{counts[page.key][1]} at {deputies:,}"
        for page in growing
    ]
    failures += [
        f"{figures['errors']} of {figures['requests']} answers of {key} were wrong "
        f"(first: {figures['first_error']})"
        for key, figures in results.items()
        if figures["errors"]
    ]
    slow = [
        page.label
        for page in PAGES
        if page.key in results
        and max(results[page.key]["p50_ratio"], results[page.key]["rps_ratio"]) > TARGET_RATIO
    ]
    for failure in failures:
        print(f"FAILED: {failure}")
    if results:
        print(
            f"target: every page within {TARGET_RATIO:.0f}x the bare view (p50 and throughput): "
            + ("met" if not slow else "MISSED by " + ", ".join(slow))
        )
        busy = max((figures["other_cores"] or 0) for figures in results.values())
        if busy > BUSY_CORES:
            print(
                f"note: other work on the machine used up to {busy:.2f} cores during a "
                "measurement; the figures are disturbed"
            )
    print(
        f"target: the same query count at {small:,} and {deputies:,} deputies: "
        + ("met" if not growing else "MISSED")
    )
    if args.json:
        report(
            args,
            vendor=vendor,
            sizes=(small, deputies),
            years=years,
            counts=counts,
            alone=alone,
            results=results,
            failures=failures,
            timing=(warmup, seconds),
        ).write(str(args.json))
    return 1 if failures or slow else 0


def _years(years: int) -> str:
    return f"{years} year" + ("" if years == 1 else "s")


def report(args, *, vendor, sizes, years, counts, alone, results, failures, timing):
    """The figures in the form `make bench` collects (bench/results.py)."""
    from bench.results import Result

    small, large = sizes
    command = "python -m bench.pages" + (" --server" if args.server else "")
    if (small, large, years) != ((100, 10_000, 5) if args.server else (20, 200, 1)):
        command += f" --small {small} --deputies {large} --years {years}"
    result = Result(
        name="pages",
        title="Main pages under load, and their queries",
        command=command,
        data=(
            f"{vendor}: generated congresses of {small:,} and {large:,} deputies with "
            f"{_years(years)} of data; {CLIENTS} clients against gunicorn "
            f"({args.worker_class} workers: {args.workers} x {args.threads} threads) "
            f"serving the larger, {timing[0]:.0f} s "
            f"warm-up and {timing[1]:.0f} s measured per page; the bare view is a constant page "
            "through the same middleware, asked for by signed-in staff. Under load the pages are "
            "served from their cached parts (nothing changes the tables they read); the queries "
            "and the times alone are taken with the cache emptied before each request"
        ),
        failures=failures,
    )
    bare = results.get("bare")
    if bare:
        result.add(
            f"{BARE.label}, {CLIENTS} clients: p50 / p95, throughput",
            f"{bare['p50_ms']:.0f} / {bare['p95_ms']:.0f} ms, {bare['rps']:.0f}/s",
        )
    for page in PAGES:
        figures = results.get(page.key)
        if figures:
            worst = max(figures["p50_ratio"], figures["rps_ratio"])
            result.add(
                f"{page.label} at {large:,} deputies, {CLIENTS} clients: p50 / p95, throughput "
                "(against the bare view)",
                f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f} ms, {figures['rps']:.0f}/s "
                f"({figures['p50_ratio']:.1f}x / {figures['rps_ratio']:.1f}x)",
                f"≤ {TARGET_RATIO:.0f}x the bare view",
                worst <= TARGET_RATIO,
            )
    for page in PAGES:
        first, second = counts[page.key]
        result.add(
            f"Queries of {page.label} at {small:,} / {large:,} deputies",
            f"{first} / {second}",
            "the same",
            first == second,
        )
    result.table = table(
        [page for page in PAGES if page.key in results] or PAGES, counts, alone, sizes, results
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
