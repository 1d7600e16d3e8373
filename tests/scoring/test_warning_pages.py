"""The warning pages: the colour-coded list and its filters, a warning with its talks (约谈),
and the warning rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from scoring.models import WarningRule, WarningTalk
from tests.factories import (
    DeputyFactory,
    DutyWarningFactory,
    RankingFactory,
    RuleSetFactory,
    WarningRuleFactory,
)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/duties/warnings/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def setup(tenant_a):
    """Two rankings and three warnings: a red and a yellow in force, an orange cleared."""
    congress = tenant_a.congress
    with scopes_disabled():  # test setup
        rule_set = RuleSetFactory(congress=congress)
        q1 = RankingFactory(congress=congress, rule_set=rule_set, year=2026, quarter=1)
        q2 = RankingFactory(congress=congress, rule_set=rule_set, year=2026, quarter=2)
        rules = {
            level: WarningRuleFactory(congress=congress, condition=condition, level=level)
            for level, condition in (
                ("yellow", "bottom_quarter"),
                ("orange", "bottom_quarters_running"),
                ("red", "no_suggestion_in_term"),
            )
        }
        li = DeputyFactory(congress=congress, name="李春梅")
        wang = DeputyFactory(congress=congress, name="王建设")
        red = DutyWarningFactory(
            congress=congress,
            deputy=li,
            rule=rules["red"],
            level="red",
            raised_by=q1,
            reason="自本届任期开始（2025-01-08）以来未领衔提出建议。",
        )
        yellow = DutyWarningFactory(
            congress=congress, deputy=wang, rule=rules["yellow"], level="yellow", raised_by=q2
        )
        orange = DutyWarningFactory(
            congress=congress,
            deputy=wang,
            rule=rules["orange"],
            level="orange",
            raised_by=q1,
            status="cleared",
            cleared_by=q2,
            cleared_at=timezone.now(),
        )
    return {"red": red, "yellow": yellow, "orange": orange, "rules": rules}


def test_the_list_shows_colour_coded_warnings(tenant_a, staff, setup):
    response = staff.get(url(tenant_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "履职预警" in body and "李春梅" in body and "王建设" in body
    assert "warning-row-red" in body and "warning-row-orange" in body
    assert response.context["counts"] == {"yellow": 1, "orange": 0, "red": 1}
    with scopes_disabled():  # test setup: a second red one raised at another time
        DutyWarningFactory(
            congress=tenant_a.congress,
            rule=setup["rules"]["red"],
            level="red",
            raised_by=setup["yellow"].raised_by,
        )
    assert staff.get(url(tenant_a)).context["counts"]["red"] == 2
    assert "2026Q2" in body  # where the orange one cleared


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=red", {"red"}),
        ("status=active", {"red", "yellow"}),
        ("status=cleared", {"orange"}),
        ("quarter=2026Q1", {"red", "orange"}),
        ("quarter=2026Q2&level=yellow", {"yellow"}),
        ("q=李春", {"red"}),
        ("level=purple&quarter=nonsense", {"red", "yellow", "orange"}),
    ],
)
def test_the_list_filters(tenant_a, staff, setup, query, expected):
    response = staff.get(url(tenant_a, f"?{query}"))
    assert response.status_code == 200
    shown = {warning.pk for warning in response.context["page"].object_list}
    assert shown == {setup[level].pk for level in expected}


def test_the_filters_answer_htmx_with_the_table_only(tenant_a, staff, setup):
    response = staff.get(
        url(tenant_a, "?level=red"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="warning-table"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="warning-table">') and "李春梅" in body


def test_the_list_takes_the_same_queries_for_few_and_many(tenant_a, staff, setup):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(tenant_a)).status_code == 200
        return len(queries)

    count()
    few = count()
    with scopes_disabled():  # test setup
        for _ in range(15):
            DutyWarningFactory(
                congress=tenant_a.congress,
                rule=setup["rules"]["yellow"],
                raised_by=setup["red"].raised_by,
                status="cleared",
            )
    assert count() == few


def test_a_warning_shows_its_deputy_reason_and_rankings(tenant_a, staff, setup):
    response = staff.get(url(tenant_a, f"{setup['orange'].pk}/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建设" in body and "2026Q1" in body and "2026Q2" in body
    assert "talk-form" in body
    # The deputy's other warning is listed with a link.
    assert f"/duties/warnings/{setup['yellow'].pk}/" in body


def test_a_leader_reads_warnings_but_records_no_talk(tenant_a, client_as, setup):
    leader = client_as(tenant_a.user(Role.LEADER))
    response = leader.get(url(tenant_a, f"{setup['red'].pk}/"))
    assert response.status_code == 200 and "talk-form" not in response.content.decode()
    talk = {"held_on": "2026-05-06", "held_by": "张伟", "notes": "谈话", "outcome": "improving"}
    assert leader.post(url(tenant_a, f"{setup['red'].pk}/talks/"), talk).status_code == 403
    station = client_as(tenant_a.user(Role.STATION_STAFF))
    assert station.get(url(tenant_a)).status_code == 403


def talk_data(**overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "held_by": "代表工委主任 张伟",
        "notes": "了解到该代表近期外出务工，承诺下季度按时参加活动。",
        "outcome": "improving",
    }
    data.update(overrides)
    return data


def test_staff_record_a_talk(tenant_a, staff, setup):
    warning = setup["red"]
    response = staff.post(url(tenant_a, f"{warning.pk}/talks/"), talk_data())
    assert response.status_code == 302
    with tenant_a.scope():
        talk = WarningTalk.objects.get(warning=warning)
        assert talk.recorded_by == tenant_a.user(Role.COMMITTEE_STAFF)
        assert talk.history.get().history_user == tenant_a.user(Role.COMMITTEE_STAFF)
    page = staff.get(url(tenant_a, f"{warning.pk}/")).content.decode()
    assert "外出务工" in page and "表示将改进" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": ""}, "请填写约谈日期"),
        ({"held_on": "2026-13-40"}, "请输入日期"),
        ({"held_by": "  "}, "请填写约谈人"),
        ({"notes": ""}, "请记录约谈内容"),
        ({"outcome": "fired"}, "请选择约谈结果"),
    ],
)
def test_a_bad_talk_keeps_what_was_typed(tenant_a, staff, setup, overrides, message):
    data = talk_data(**overrides)
    response = staff.post(url(tenant_a, f"{setup['red'].pk}/talks/"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if data["notes"]:
        assert data["notes"] in body
    with tenant_a.scope():
        assert not WarningTalk.objects.exists()


def test_a_talk_cannot_be_in_the_future_or_before_the_warning(tenant_a, staff, setup):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = staff.post(url(tenant_a, f"{setup['red'].pk}/talks/"), talk_data(held_on=tomorrow))
    assert response.status_code == 400 and "约谈日期不能晚于今天" in response.content.decode()
    before = talk_data(held_on=date(2020, 1, 1).isoformat())
    response = staff.post(url(tenant_a, f"{setup['red'].pk}/talks/"), before)
    assert response.status_code == 400 and "早于预警" in response.content.decode()


def test_talks_on_another_congress_warning_are_404(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        other = DutyWarningFactory(congress=tenant_b.congress, rule__congress=tenant_b.congress)
    assert staff.get(url(tenant_a, f"{other.pk}/")).status_code == 404
    assert staff.post(url(tenant_a, f"{other.pk}/talks/"), talk_data()).status_code == 404


# Warning rules -------------------------------------------------------------------------------


def test_the_rules_page_lists_the_rules(tenant_a, staff, setup):
    response = staff.get(url(tenant_a, "rules/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "预警规则" in body and "季度积分处于末位" in body
    counts = {rule.level: rule.active_count for rule in response.context["rules"]}
    assert counts == {"yellow": 1, "orange": 0, "red": 1}


def test_staff_install_the_starting_rules(tenant_a, staff):
    assert "现在安装" in staff.get(url(tenant_a, "rules/")).content.decode()
    assert staff.post(url(tenant_a, "rules/install/")).status_code == 302
    with tenant_a.scope():
        assert WarningRule.objects.count() == 5
    assert staff.post(url(tenant_a, "rules/install/")).status_code == 302
    with tenant_a.scope():
        assert WarningRule.objects.count() == 5


def test_staff_edit_a_rule(tenant_a, staff, setup):
    rule = setup["rules"]["orange"]
    page = staff.get(url(tenant_a, f"rules/{rule.pk}/"))
    assert page.status_code == 200
    # Only the parameters this condition reads are offered.
    assert set(page.context["form"].fields) == {"share_percent", "runs", "is_active"}
    response = staff.post(url(tenant_a, f"rules/{rule.pk}/"), {"share_percent": "15", "runs": "3"})
    assert response.status_code == 302
    with tenant_a.scope():
        rule.refresh_from_db()
        assert (rule.share_percent, rule.runs, rule.is_active) == (15, 3, False)
        assert rule.history.first().history_user == tenant_a.user(Role.COMMITTEE_STAFF)


@pytest.mark.parametrize("value", ["0", "51", "ten", ""])
def test_a_bad_rule_value_is_refused_and_kept(tenant_a, staff, setup, value):
    rule = setup["rules"]["yellow"]
    response = staff.post(
        url(tenant_a, f"rules/{rule.pk}/"), {"share_percent": value, "is_active": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请输入1到50之间的整数" in body
    assert f'value="{value}"' in body or value == ""
    with tenant_a.scope():
        rule.refresh_from_db()
        assert rule.share_percent == 10


def test_a_leader_cannot_edit_rules(tenant_a, client_as, setup):
    leader = client_as(tenant_a.user(Role.LEADER))
    rule = setup["rules"]["yellow"]
    assert leader.get(url(tenant_a, "rules/")).status_code == 200
    assert leader.post(url(tenant_a, f"rules/{rule.pk}/"), {"share_percent": 20}).status_code == 403
    assert leader.post(url(tenant_a, "rules/install/")).status_code == 403
