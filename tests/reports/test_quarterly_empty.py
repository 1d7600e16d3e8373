"""The quarterly workbook of a congress with no activity: empty but well-formed; quarters that
have not ended are refused. (Apart from the demo module: these need a congress of their own.)"""

from __future__ import annotations

from datetime import datetime, time

import pytest
import time_machine

from congress.errors import DomainError
from reports.quarterly import QuarterlyWorkbook
from tests.conftest import DEMO_DAY
from tests.reports.test_quarterly_workbook import SHANGHAI, SHEETS, build, table


@pytest.fixture
def on_demo_day():
    with time_machine.travel(datetime.combine(DEMO_DAY, time(10), tzinfo=SHANGHAI), tick=False):
        yield


def test_a_quarter_without_activity_is_empty_but_well_formed(tenant_a, on_demo_day):
    with tenant_a.scope():
        workbook, _content = build(tenant_a.congress, "2025Q1")
    assert workbook.sheetnames == SHEETS
    overview = {row[0]: row for row in table(workbook["概览"], 3)}
    assert overview["履职记录"][1] == 0
    assert overview["建议按时答复率"][1] is None
    assert overview["留言按期回复率"][1] is None
    assert table(workbook["代表排名"], 3) == []
    assert workbook["代表排名"]["A2"].value == "本期尚未生成排名快照"
    assert table(workbook["预警与约谈"], 3) == []
    assert table(workbook["建议办理"], 3) == [["合计", 0, 0, 0, 0, 0, 0, None, None]]
    assert table(workbook["留言（按联络站）"], 3)[-1][:2] == ["合计", 0]


def test_a_quarter_not_ended_is_refused(tenant_a, on_demo_day):
    with pytest.raises(DomainError, match="尚未结束"):
        QuarterlyWorkbook.options_for("2026Q3")
    with pytest.raises(DomainError):
        QuarterlyWorkbook.options_for("2026-3")
    assert QuarterlyWorkbook.options_for("") == {"year": 2026, "quarter": 2, "year_to_date": False}


def test_leaders_export_the_workbook_from_the_page_and_deputies_may_not(
    tenant_a,
    tenant_b,
    client_as,
    on_demo_day,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    from congress.models import Role
    from reports.models import Export

    settings.MEDIA_ROOT = tmp_path / "media"
    page = f"/c/{tenant_a.congress.slug}/exports/quarterly/?quarter=2026Q2"
    leader = client_as(tenant_a.user(Role.LEADER))
    shown = leader.get(page)
    assert shown.status_code == 200
    assert "2026年第二季度" in shown.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = leader.post(page)
    assert started.status_code == 302
    with tenant_a.scope():
        export = Export.objects.get()
    assert export.options == {"year": 2026, "quarter": 2, "year_to_date": False}
    assert export.job_run.status == "succeeded" and export.is_available
    download = leader.get(f"/c/{tenant_a.congress.slug}/exports/quarterly/{export.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"

    assert client_as(tenant_a.user(Role.DEPUTY)).get(page).status_code == 403
    assert client_as(tenant_b.user(Role.LEADER)).get(page).status_code == 404
    not_ended = leader.get(f"/c/{tenant_a.congress.slug}/exports/quarterly/?quarter=2026Q3")
    assert "尚未结束" in not_ended.content.decode()
