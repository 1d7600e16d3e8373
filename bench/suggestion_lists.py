"""Times the suggestion pages of a large committee: 10,000 deputies and 10,000 suggestions.

    python -m bench.suggestion_lists --suggestions 10000

A fresh SQLite database is made in a temporary folder (or, with --server, the PostgreSQL
database named by DATABASE_URL, which must be empty and disposable) and filled in bulk with
suggestions in every state. Each page is then fetched through Django's test client (no
network), several times; the script prints the median time and the number of SQL queries, and
checks that a page's query count does not depend on which page of the list is shown.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

TARGET_MEDIAN_SECONDS = 0.5
REPEAT = 7
STATES = (
    ["assigned"] * 30
    + ["replied"] * 10
    + ["closed"] * 40
    + ["rehandling"] * 3
    + ["accepted"] * 5
    + ["submitted"] * 7
    + ["returned", "letter", "draft", "withdrawn", "assigned"]
)


def environment(folder: str, server: bool) -> None:
    """The embedded mode in `folder` (set before Django reads its settings)."""
    names = ["SQLITE_PATH", "LVZHI_MEDIA_ROOT", "LVZHI_BROKER_DIR"]
    if not server:
        names += ["DATABASE_URL", "REDIS_URL"]
    for name in names:
        os.environ.pop(name, None)
    os.environ["LVZHI_VAR_DIR"] = folder
    os.environ["LVZHI_TASKS_EAGER"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = "congress.settings"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")


def fill(count: int, deputies: int):
    """A congress with `deputies` deputies, 12 units and `count` suggestions; returns the people
    whose pages are timed."""
    from django_scopes import scope

    from congress.models import Congress, CongressLevel, Membership, Role, User
    from deputies.models import Deputy
    from suggestions.models import (
        CongressSession,
        HandlingUnit,
        Suggestion,
        SuggestionAssignment,
        SuggestionCategory,
        UnitLiaison,
    )

    generator = random.Random(2026)  # noqa: S311 - made-up benchmark data, not secrets
    congress = Congress.objects.create(
        name="襄阳市襄城区人大常委会", slug="bench", level=CongressLevel.COUNTY
    )
    staff = User.objects.create(username="bench-staff", full_name="代表工委")
    liaison = User.objects.create(username="bench-unit", full_name="住建局联络员")
    deputy_user = User.objects.create(username="bench-deputy", full_name="王建国")
    with scope(congress=congress):
        Membership.objects.create(congress=congress, user=staff, role=Role.COMMITTEE_STAFF)
        Membership.objects.create(congress=congress, user=liaison, role=Role.UNIT_LIAISON)
        Membership.objects.create(congress=congress, user=deputy_user, role=Role.DEPUTY)
        roster = Deputy.objects.bulk_create(
            [
                Deputy(
                    congress=congress,
                    name=f"代表{number:05d}",
                    gender="male" if number % 2 else "female",
                    phone=f"139{number:08d}",
                    term=17,
                    level="county",
                    name_pinyin=f"daibiao{number:05d}",
                    name_initials="db",
                    user=deputy_user if number == 0 else None,
                )
                for number in range(deputies)
            ],
            batch_size=2000,
        )
        session = CongressSession.objects.create(
            congress=congress,
            name="十七届人大四次会议",
            starts_on=date(2026, 1, 10),
            ends_on=date(2026, 1, 13),
        )
        categories = list(SuggestionCategory.objects.all())
        units = HandlingUnit.objects.bulk_create(
            [
                HandlingUnit(congress=congress, name=f"区第{number}局", kind="department")
                for number in range(12)
            ]
        )
        UnitLiaison.objects.create(congress=congress, unit=units[0], user=liaison)
        today = date.today()
        rows = []
        for number in range(count):
            status = STATES[number % len(STATES)]
            handled = status in ("assigned", "replied", "closed", "rehandling")
            assigned_on = today - timedelta(days=generator.randrange(10, 200))
            due_on = assigned_on + timedelta(days=91)
            replied_on = (
                assigned_on + timedelta(days=generator.randrange(20, 110))
                if status in ("replied", "closed")
                else None
            )
            numbered = status not in ("draft", "submitted", "returned", "withdrawn", "letter")
            rows.append(
                Suggestion(
                    congress=congress,
                    session=session if number % 3 else None,
                    title=f"关于第{number}项民生问题的建议",
                    content="建议内容。" * 20,
                    category=categories[number % len(categories)],
                    lead_deputy=roster[number % len(roster)],
                    status=status,
                    series=(f"s{session.pk}-suggestion" if number % 3 else "r2026-suggestion")
                    if numbered
                    else "",
                    number=number + 1 if numbered else None,
                    assigned_on=assigned_on if handled else None,
                    due_on=due_on if handled else None,
                    first_due_on=due_on if replied_on else None,
                    first_replied_on=replied_on,
                    replied_on=replied_on,
                    reply_class=("A", "A", "B", "C")[number % 4] if replied_on else "",
                    final_rating="satisfied" if status == "closed" else "",
                    first_rating="satisfied" if status == "closed" else "",
                    round=2 if status == "rehandling" else 1,
                    is_key=number % 97 == 0,
                )
            )
        from django.utils import timezone

        now = timezone.now()
        for row in rows:
            if row.status != "draft":
                row.submitted_at = now - timedelta(days=200)
        suggestions = Suggestion.objects.bulk_create(rows, batch_size=2000)
        SuggestionAssignment.objects.bulk_create(
            [
                SuggestionAssignment(
                    congress=congress,
                    suggestion=suggestion,
                    unit=units[index % len(units)],
                    role="lead",
                    assigned_on=suggestion.assigned_on,
                    return_by=suggestion.assigned_on + timedelta(days=9),
                )
                for index, suggestion in enumerate(suggestions)
                if suggestion.assigned_on
            ],
            batch_size=2000,
        )
    return congress, {"staff": staff, "unit": liaison, "deputy": deputy_user}


def measure(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(timings), queries, len(response.content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=10_000)
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, args.server)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        congress, people = fill(args.suggestions, args.deputies)
        print(
            f"{args.deputies} deputies, {args.suggestions} suggestions "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )

        def url(name: str, query: str = "") -> str:
            return reverse(name, kwargs={"congress_slug": congress.slug}) + query

        pages = [
            ("staff", "staff list, supervision order", url("suggestions:list")),
            ("staff", "staff list, page 50", url("suggestions:list", "?page=50")),
            ("staff", "staff list, overdue only", url("suggestions:list", "?overdue=1")),
            ("staff", "staff list, search", url("suggestions:list", "?q=民生问题")),
            ("unit", "unit's work list", url("unit_work:list")),
            ("deputy", "deputy's own list", url("my_suggestions:list")),
            ("staff", "statistics dashboard", url("suggestion_stats:dashboard")),
        ]
        clients = {}
        worst = 0.0
        counts = {}
        for who, label, address in pages:
            if who not in clients:
                clients[who] = Client()
                clients[who].force_login(people[who])
            median, queries, size = measure(clients[who], address)
            counts[label] = queries
            worst = max(worst, median)
            print(f"{label:<32} median {median * 1000:7.1f} ms  {queries:3d} queries  {size:>8} B")

    same = counts["staff list, supervision order"] == counts["staff list, page 50"]
    met = worst <= TARGET_MEDIAN_SECONDS and same
    print(
        f"target: every page's median within {TARGET_MEDIAN_SECONDS * 1000:.0f} ms and the same "
        f"query count on page 1 and page 50: {'met' if met else 'MISSED'} "
        f"(slowest {worst * 1000:.0f} ms)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
