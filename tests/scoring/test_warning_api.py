"""The warnings API (list, one warning, recording a talk) and the rule sets for clients."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from scoring.models import DutyQuarter, WarningTalk
from scoring.services import rule_set_create_from_preset
from tests.factories import DeputyFactory, DutyWarningFactory, RankingFactory, WarningRuleFactory


def api(tenant, suffix):
    return f"/api/v1/c/{tenant.congress.slug}/duties/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def warnings(tenant_a):
    congress = tenant_a.congress
    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=congress, year=2026, quarter=1)
        red_rule = WarningRuleFactory(
            congress=congress, condition="few_recess_activities", level="red"
        )
        yellow_rule = WarningRuleFactory(congress=congress)
        red = DutyWarningFactory(
            congress=congress,
            deputy=DeputyFactory(congress=congress, name="赵红"),
            rule=red_rule,
            level="red",
            raised_by=ranking,
        )
        yellow = DutyWarningFactory(congress=congress, rule=yellow_rule, raised_by=ranking)
    return {"red": red, "yellow": yellow}


def test_the_list_and_its_filters(tenant_a, staff, warnings):
    response = staff.get(api(tenant_a, "warnings/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    row = next(item for item in body["results"] if item["id"] == warnings["red"].pk)
    assert row["deputy"]["name"] == "赵红" and row["level"] == "red"
    assert row["raised_by"]["label"] == "2026Q1" and row["cleared_by"] is None
    assert row["rule"]["condition"] == "few_recess_activities" and row["talk_count"] == 0
    only_red = staff.get(api(tenant_a, "warnings/?level=red")).json()
    assert [item["id"] for item in only_red["results"]] == [warnings["red"].pk]
    assert staff.get(api(tenant_a, "warnings/?status=cleared")).json()["count"] == 0
    assert staff.get(api(tenant_a, "warnings/?quarter=2025Q4")).json()["count"] == 0
    # A value that does not fit is ignored, never an error.
    assert staff.get(api(tenant_a, "warnings/?level=x&quarter=soon")).json()["count"] == 2


def test_one_warning_with_its_talks(tenant_a, staff, warnings):
    with scopes_disabled():  # test setup
        WarningTalk.objects.create(
            congress=tenant_a.congress,
            warning=warnings["red"],
            held_on=timezone.localdate(),
            held_by="张伟",
            notes="已约谈",
            outcome="explained",
        )
    response = staff.get(api(tenant_a, f"warnings/{warnings['red'].pk}/"))
    assert response.status_code == 200
    body = response.json()
    assert body["talk_count"] == 1 and body["talks"][0]["held_by"] == "张伟"
    assert body["talks"][0]["outcome"] == "explained"


def test_staff_record_a_talk(tenant_a, staff, warnings):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "held_by": "代表工委主任 张伟",
        "notes": "承诺改进",
        "outcome": "improving",
    }
    response = staff.post(
        api(tenant_a, f"warnings/{warnings['red'].pk}/talks/"),
        data,
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "improving"
    with tenant_a.scope():
        talk = WarningTalk.objects.get()
        assert talk.recorded_by == tenant_a.user(Role.COMMITTEE_STAFF)


def test_a_bad_talk_is_a_clear_400(tenant_a, staff, warnings):
    target = api(tenant_a, f"warnings/{warnings['red'].pk}/talks/")
    response = staff.post(target, {"held_on": "2026-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert {"held_by", "notes", "outcome"} <= set(response.json())
    data = {"held_on": "2020-01-01", "held_by": "张伟", "notes": "谈话", "outcome": "other"}
    response = staff.post(target, data, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "held_on" and "早于预警" in response.json()["detail"]
    with tenant_a.scope():
        assert not WarningTalk.objects.exists()


def test_roles(tenant_a, client_as, warnings):
    leader = client_as(tenant_a.user(Role.LEADER))
    assert leader.get(api(tenant_a, "warnings/")).status_code == 200
    target = api(tenant_a, f"warnings/{warnings['red'].pk}/talks/")
    assert leader.post(target, {}, content_type="application/json").status_code == 403
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert deputy.get(api(tenant_a, "warnings/")).status_code == 403
    assert deputy.get(api(tenant_a, "rules/")).status_code == 403


def test_another_congress_warning_is_404(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        other = DutyWarningFactory(congress=tenant_b.congress, rule__congress=tenant_b.congress)
    assert staff.get(api(tenant_a, f"warnings/{other.pk}/")).status_code == 404
    target = api(tenant_a, f"warnings/{other.pk}/talks/")
    assert staff.post(target, {}, content_type="application/json").status_code == 404


def test_the_rule_sets_with_items_and_quarters(tenant_a, staff):
    with tenant_a.scope():  # test setup: Q1 closed with version 1, then version 2
        first = rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="six"
        )
        DutyQuarter.objects.create(
            congress=tenant_a.congress, year=2026, quarter=1, status="closed", rule_set=first
        )
        second = rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="twelve"
        )
    body = staff.get(api(tenant_a, "rules/")).json()
    assert [item["version"] for item in body["results"]] == [2, 1]
    old = body["results"][1]
    assert old["closed_quarters"] == ["2026Q1"] and old["is_current"] is False
    assert len(old["items"]) == 8 and old["items"][0]["code"] == "congress_meeting"
    assert body["results"][0]["is_current"] is True
    detail = staff.get(api(tenant_a, f"rules/{second.pk}/")).json()
    assert detail["preset"] == "twelve" and len(detail["items"]) == 14
    assert staff.get(api(tenant_a, "rules/?year=2025")).json()["count"] == 0
