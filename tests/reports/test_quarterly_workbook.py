"""The quarterly leadership workbook for the demo congress, checked sheet by sheet against the
database; and for a quarter with no activity, empty but well-formed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections import Counter
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django_scopes import scope
from openpyxl import load_workbook

from congress.models import Congress, Membership, Notification, Role
from reports.exporting import render_workbook
from reports.headlines import quarter_headlines
from reports.models import Export
from reports.quarterly import HEADLINE_ROWS, QuarterlyWorkbook, _headline
from reports.services import quarterly_workbook_on_schedule
from scoring.models import DutyWarning, Period, Ranking, RankingEntry, RankingRollup
from suggestions.models import HANDLING_STATUSES, Suggestion
from tests.conftest import DEMO_DAY

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHEETS = [
    "概览",
    "代表排名",
    "小组与站点",
    "预警与约谈",
    "建议办理",
    "逾期建议",
    "留言（按联络站）",
    "留言（按代表）",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def on_demo_day():
    with time_machine.travel(datetime.combine(DEMO_DAY, time(10), tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def demo(demo_output, db, on_demo_day):
    congress = Congress.objects.get(slug="xiangcheng")
    with scope(congress=congress):
        yield congress


def build(congress, quarter: str, year_to_date: bool = False):
    options = QuarterlyWorkbook.options_for(quarter, year_to_date=year_to_date)
    exporter = QuarterlyWorkbook(congress=congress, membership=None, options=options)
    output = io.BytesIO()
    render_workbook(exporter, output)
    return load_workbook(io.BytesIO(output.getvalue())), output.getvalue()


def table(sheet, header_row: int) -> list[list]:
    """The rows under the header, up to the first empty row."""
    rows = []
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None:
            break
        rows.append(list(row))
    return rows


def header_row(sheet) -> int:
    return 3 if sheet["A2"].value else 2


def test_every_sheet_of_the_demo_quarter_agrees_with_the_database(demo):
    workbook, _content = build(demo, "2026Q2")
    assert workbook.sheetnames == SHEETS
    ranking = Ranking.objects.get(year=2026, quarter=2)

    # Overview: every headline figure as reports.headlines computes it (the dashboard's).
    overview = workbook["概览"]
    assert overview["A1"].value == f"{demo.name} 2026年第二季度代表履职工作概览"
    now = quarter_headlines(congress=demo, year=2026, quarter=2)
    before = quarter_headlines(congress=demo, year=2026, quarter=1)
    lines = {row[0]: row for row in table(overview, 3)}
    assert len(lines) == len(HEADLINE_ROWS)
    for label, kind, name in HEADLINE_ROWS:
        assert lines[label][1] == _headline(now, name, kind), label
        assert lines[label][2] == _headline(before, name, kind), label
    assert lines["代表人数"][1] == ranking.deputy_count
    assert lines["发出履职预警"][1] == DutyWarning.objects.filter(raised_by=ranking).count() > 0
    assert len(overview._charts) == 1

    # Ranking: every deputy of the snapshot, in rank order, with the snapshot's points.
    sheet = workbook["代表排名"]
    header = [cell.value for cell in sheet[3]]
    assert header[:5] == ["名次", "姓名", "代表层级", "代表小组", "联络站"]
    assert header[-3:] == ["总分", "履职次数", "名次变化"]
    rows = table(sheet, 3)
    entries = list(
        RankingEntry.objects.filter(ranking=ranking, period=Period.QUARTER)
        .select_related("deputy")
        .order_by("rank", "deputy__name", "deputy_id")
    )
    assert len(rows) == len(entries) == ranking.deputy_count
    for row, entry in zip(rows, entries, strict=True):
        assert row[0] == entry.rank and row[1] == entry.deputy.name
        assert Decimal(str(row[-3])) == entry.points
        assert row[-2] == entry.record_count
        assert row[-1] == entry.rank_change
        # The categories add up to the total.
        assert sum(Decimal(str(value)) for value in row[5:-3]) == entry.points
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:{sheet.cell(3, len(header)).column_letter}{3 + len(rows)}"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9

    # Rollups: the snapshot's groups and stations, the red and black lists marked.
    rollups = table(workbook["小组与站点"], 2)
    stored = RankingRollup.objects.filter(ranking=ranking, period=Period.QUARTER)
    assert len(rollups) == stored.count() > 0
    by_name = {(row[0], row[2]): row for row in rollups}
    for rollup in stored:
        row = by_name[(rollup.get_kind_display(), rollup.name)]
        assert row[1] == rollup.rank and row[3] == rollup.deputy_count
        assert Decimal(str(row[5])) == rollup.points_average
    marks = Counter(row[6] for row in rollups)
    assert marks["红榜"] >= 1 and marks["黑榜"] >= 1

    # Warnings raised by the quarter's ranking, with their talks.
    warnings = table(workbook["预警与约谈"], 3)
    raised = DutyWarning.objects.filter(raised_by=ranking)
    assert len(warnings) == raised.count()
    assert Counter(row[3] for row in warnings) == Counter(
        warning.get_level_display() for warning in raised
    )
    talks = dict(raised.annotate(n=Count("talks")).values_list("deputy__name", "n"))
    for row in warnings:
        assert row[7] == talks[row[1]]

    # Suggestions by unit: the units add up to the totals row, which is the headline figure.
    units = workbook["建议办理"]
    unit_rows = table(units, 3)
    totals = unit_rows.pop()
    assert totals[0] == "合计"
    assert totals[1] == now.suggestions_received
    assert totals[3] == now.suggestions_on_time and totals[4] == now.suggestions_late
    assert sum(row[1] for row in unit_rows) <= totals[1]
    assert units.cell(4, 8).number_format == "0.0%"

    # The overdue list: every suggestion being handled past its due date, most overdue first.
    overdue = table(workbook["逾期建议"], 2)
    expected = list(
        Suggestion.objects.filter(status__in=HANDLING_STATUSES, due_on__lt=DEMO_DAY)
        .order_by("due_on", "pk")
        .values_list("title", "due_on")
    )
    assert overdue, "the demo has overdue suggestions on its day"
    assert [(row[1], row[4].date()) for row in overdue] == expected
    assert all(row[5] == (DEMO_DAY - row[4].date()).days > 0 for row in overdue)

    # Messages by station and by deputy: totals are the headline figures.
    for name in ("留言（按联络站）", "留言（按代表）"):
        message_rows = table(workbook[name], 3)
        totals = message_rows.pop()
        assert totals[:5] == [
            "合计",
            now.messages_received,
            now.messages_answered,
            now.messages_in_time,
            now.messages_late,
        ]
        assert sum(row[1] for row in message_rows) <= totals[1]
    station_rows = table(workbook["留言（按联络站）"], 3)[:-1]
    assert sum(row[1] for row in station_rows) > 0


def test_the_year_to_date_variant_reads_the_year_columns(demo):
    workbook, _content = build(demo, "2026Q2", year_to_date=True)
    ranking = Ranking.objects.get(year=2026, quarter=2)
    rows = table(workbook["代表排名"], 3)
    year_entries = list(
        RankingEntry.objects.filter(ranking=ranking, period=Period.YEAR)
        .order_by("rank", "deputy__name", "deputy_id")
        .values_list("rank", "deputy__name", "points")
    )
    assert len(rows) == len(year_entries)
    assert [(row[0], row[1], Decimal(str(row[-3]))) for row in rows] == year_entries
    overview = {row[0]: row for row in table(workbook["概览"], 3)}
    ytd = quarter_headlines(congress=demo, year=2026, quarter=2, year_to_date=True)
    assert overview["履职记录"][1] == ytd.duties
    assert workbook["概览"]["A1"].value.endswith("2026年1—6月代表履职工作概览")


def test_the_chart_and_the_print_setup_are_in_the_file(demo):
    _workbook, content = build(demo, "2026Q2")
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(content))
    charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 1
    chart = archive.read(charts[0]).decode()
    assert "lineChart" in chart and "近期季度趋势" in chart
    styles = archive.read("xl/styles.xml").decode()
    assert 'name val="宋体"' in styles


def test_the_schedule_builds_the_past_quarter_once_and_tells_the_leaders(demo):
    readers = set(
        Membership.objects.filter(
            is_active=True, role__in=[Role.LEADER, Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF]
        ).values_list("user_id", flat=True)
    )
    assert Membership.objects.filter(role=Role.LEADER, user_id__in=readers).exists()
    result = quarterly_workbook_on_schedule(congress=demo, today=DEMO_DAY)
    assert result["quarter"] == "2026Q2"
    export = Export.objects.get(pk=result["export_id"])
    assert export.created_by is None and export.is_available and export.row_count > 0
    assert export.file_name == f"{demo.name}2026年第二季度季度履职工作报表.xlsx"
    notices = Notification.objects.filter(kind="quarterly_workbook")
    assert set(notices.values_list("user_id", flat=True)) == readers
    assert notices.count() == len(readers)
    assert notices.first().url == f"/c/xiangcheng/exports/quarterly/{export.pk}/"
    again = quarterly_workbook_on_schedule(congress=demo, today=DEMO_DAY)
    assert again == {"quarter": "2026Q2", "already": True}
    assert Export.objects.filter(exporter="quarterly").count() == 1


def test_the_command_writes_the_workbook(demo, tmp_path):
    target = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command(
        "export_quarterly",
        congress="xiangcheng",
        quarter="2026Q2",
        output=str(target),
        stdout=out,
    )
    assert "2026年第二季度季度履职工作报表" in out.getvalue()
    assert load_workbook(target).sheetnames == SHEETS


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_the_workbook_renders_in_libreoffice(demo, tmp_path):
    program = soffice()
    if program is None:
        if os.environ.get("LVZHI_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is not installed, and LVZHI_REQUIRE_LIBREOFFICE=1")
        pytest.skip("LibreOffice is not installed")
    _workbook, content = build(demo, "2026Q2")
    source = tmp_path / "quarterly.xlsx"
    source.write_bytes(content)
    subprocess.run(  # noqa: S603 - a fixed program on a file this test wrote
        [
            program,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    pdf = (tmp_path / "quarterly.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    # Eight sheets with the ranking of every demo deputy: many pages, not an empty document.
    assert len(pdf) > 50_000
