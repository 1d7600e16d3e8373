"""Times the roster import (preview, then commit) of a generated file.

    python -m bench.roster_import --rows 10000
    DATABASE_URL=postgres://... python -m bench.roster_import --rows 10000 --server

A fresh SQLite database is made in a temporary folder and migrated (with --server: the empty,
disposable database named by DATABASE_URL); the jobs run eagerly, so the figures are the work
a job runner does, without queueing time. The same file is then imported a second time (every
row unchanged) and an edited copy a third time (every row updated). Each of the three is
repeated (`--runs`, each time in a new congress) and the median reported.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

from bench.environment import environment
from bench.results import Result, seconds

TARGET_SECONDS = 30.0

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "建国秀兰桂芳志强海燕文华明远丽娟春梅国庆玉兰德胜红霞晓东永红学军淑珍凤英立新卫东少华家豪"
    "思雨子涵浩然欣怡俊杰雅婷宇轩梓萱嘉懿晨阳若曦天佑"
)
UNITS = (
    "古城街道办事处",
    "尹集乡人民政府",
    "襄城区第一中学",
    "襄城区人民医院",
    "隆中村村民委员会",
    "襄阳汽车零部件有限公司",
    "卧龙镇农业服务中心",
    "檀溪社区居民委员会",
    "襄城经济开发区管委会",
    "襄城区市场监督管理局",
)
TITLES = ("主任", "副主任", "党支部书记", "校长", "院长", "总经理", "技术员", "教师", "科长")
LEVELS = ("县级代表",) * 6 + ("市级代表", "乡镇级代表", "乡镇级代表", "省级代表")
PARTIES = ("中共党员",) * 7 + ("群众", "群众", "民盟盟员", "九三学社社员", "无党派人士")
OCCUPATIONS = ("工人", "农民", "专业技术人员", "党政干部", "企业负责人", "其他")
REGIONAL_GROUPS = (
    "古城街道",
    "真武山街道",
    "庞公街道",
    "檀溪街道",
    "隆中街道",
    "余家湖街道",
    "卧龙镇",
    "尹集乡",
    "欧庙镇",
)
PROFESSIONAL_GROUPS = ("工业园区", "乡村振兴", "文化旅游", "教育卫生", "社会治理")


def group_names() -> list[str]:
    return [f"{name}代表小组" for name in REGIONAL_GROUPS] + [
        f"{name}专业小组" for name in PROFESSIONAL_GROUPS
    ]


def roster_rows(count: int, seed: int = 2026) -> list[list]:
    """`count` realistic, distinct deputies in the template's column order."""
    generator = random.Random(seed)  # noqa: S311 - made-up test data, not secrets
    groups = group_names()
    rows = []
    for number in range(count):
        name = generator.choice(SURNAMES) + "".join(
            generator.choice(GIVEN) for _ in range(generator.choice((1, 2, 2)))
        )
        birth = date(1955, 1, 1) + timedelta(days=generator.randrange(0, 365 * 45))
        member_of = [groups[number % len(REGIONAL_GROUPS)]]
        if number % 3 == 0:
            member_of.append(groups[len(REGIONAL_GROUPS) + number % len(PROFESSIONAL_GROUPS)])
        rows.append(
            [
                name,
                generator.choice(("男", "女")),
                "汉族" if number % 20 else "回族",
                birth.isoformat(),
                generator.choice(PARTIES),
                generator.choice(OCCUPATIONS),
                generator.choice(UNITS) + generator.choice(TITLES),
                f"139{number:08d}",
                generator.choice(LEVELS),
                17,
                f"第{number % 60 + 1}选区",
                "、".join(member_of),
            ]
        )
    return rows


def workbook_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    from deputies.importers import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代表名册")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def import_once(congress, actor, content: bytes, label: str) -> tuple[float, float, dict]:
    """Upload (the preview job runs) and confirm (the commit job runs); seconds of each."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scope

    from deputies.importers import XLSX_CONTENT_TYPE, roster_import_confirm, roster_import_start
    from deputies.models import RosterImport, RosterImportStatus

    with scope(congress=congress):
        upload = SimpleUploadedFile(f"{label}.xlsx", content, XLSX_CONTENT_TYPE)
        started = time.perf_counter()
        roster_import = roster_import_start(actor=actor, congress=congress, upload=upload)
        roster_import = RosterImport.objects.get(pk=roster_import.pk)
        preview_seconds = time.perf_counter() - started
        counts = roster_import.summary["counts"]
        if counts["error"] or roster_import.summary.get("file_error"):
            raise SystemExit(f"{label}: the preview found errors: {roster_import.errors[:3]}")
        started = time.perf_counter()
        roster_import_confirm(actor=actor, roster_import=roster_import)
        commit_seconds = time.perf_counter() - started
        roster_import.refresh_from_db()
        if roster_import.status != RosterImportStatus.COMMITTED:
            raise SystemExit(f"{label}: the commit did not finish: {roster_import.summary}")
    return preview_seconds, commit_seconds, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="deputies in the file")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (the median counts)")
    parser.add_argument("--server", action="store_true", help="use DATABASE_URL (PostgreSQL)")
    parser.add_argument("--json", help="write the figures to this file (for make bench)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lvzhi-bench-") as folder:
        environment(folder, args.server)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django_scopes import scope

        from congress.models import Congress, CongressLevel, Membership, Role, User
        from deputies.models import Deputy
        from liaison.models import DeputyGroup, GroupKind

        call_command("migrate", verbosity=0)
        actor = User.objects.create(username="bench-staff", full_name="代表工委")
        started = time.perf_counter()
        rows = roster_rows(args.rows)
        content = workbook_bytes(rows)
        print(
            f"{args.rows} rows, file {len(content) / 1024 / 1024:.1f} MB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        edited = [[*row[:6], row[6] + "（新任）", *row[7:]] for row in rows]
        runs = [
            ("first import", content, "create"),
            ("same file again", content, "unchanged"),
            ("edited file", workbook_bytes(edited), "update"),
        ]
        # Each repetition imports into a congress of its own, so every first import starts
        # from an empty roster.
        timings: dict[str, list[tuple[float, float]]] = {label: [] for label, _d, _e in runs}
        for repetition in range(1, args.runs + 1):
            congress = Congress.objects.create(
                name=f"襄阳市襄城区人大常委会（第{repetition}次）",
                slug=f"bench-{repetition}",
                level=CongressLevel.COUNTY,
            )
            with scope(congress=congress):
                Membership.objects.create(congress=congress, user=actor, role=Role.COMMITTEE_STAFF)
                for name in group_names():
                    kind = (
                        GroupKind.PROFESSIONAL if name.endswith("专业小组") else GroupKind.REGIONAL
                    )
                    DeputyGroup.objects.create(congress=congress, name=name, kind=kind)
            for label, data, expected in runs:
                preview, commit, counts = import_once(congress, actor, data, label)
                timings[label].append((preview, commit))
                print(
                    f"run {repetition}: {label:<16} preview {preview:6.1f} s   "
                    f"commit {commit:6.1f} s   total {preview + commit:6.1f} s   "
                    f"({counts[expected]} {expected})"
                )
            with scope(congress=congress):
                print(f"deputies on the roster: {Deputy.objects.count()}")
        vendor = connection.vendor

    results = [
        (
            label,
            statistics.median(preview for preview, _commit in found),
            statistics.median(commit for _preview, commit in found),
            statistics.median(preview + commit for preview, commit in found),
        )
        for label, found in timings.items()
    ]
    first_total = results[0][3]
    met = first_total <= TARGET_SECONDS
    print(
        f"target: preview + commit within {TARGET_SECONDS:.0f} s (median of {args.runs}): "
        f"{'met' if met else 'MISSED'} ({first_total:.1f} s)"
    )
    result = Result(
        name="roster_import",
        title="Roster import",
        command=f"python -m bench.roster_import --rows {args.rows} --runs {args.runs}"
        + (" --server" if args.server else ""),
        data=f"{vendor}: a generated roster of {args.rows} deputies, median of {args.runs} runs",
    )
    for label, preview, commit, total in results:
        result.add(
            f"Roster import of {args.rows} rows, {label}: preview + commit",
            f"{seconds(total)} ({seconds(preview)} + {seconds(commit)})",
            f"≤ {TARGET_SECONDS:.0f} s" if label == "first import" else None,
            met if label == "first import" else None,
        )
    result.write(args.json)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
