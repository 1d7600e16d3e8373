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
