"""The rule set pages: the years and versions, a version's items, starting from a preset, and
editing into the next version while a closed quarter keeps the version it closed with."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import Role
from scoring.models import DutyQuarter, RuleItem, RuleSet
from scoring.services import rule_set_create_from_preset


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/duties/rules/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def six(tenant_a):
    with tenant_a.scope():  # test setup
        return rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="six"
        )


def edit_data(rule_set, tenant, **overrides) -> dict:
    """The edit form as the page fills it, with the items of `rule_set`."""
    with tenant.scope():
        items = list(rule_set.items.order_by("position", "pk"))
    data = {
        "name": rule_set.name,
        "close_after_days": str(rule_set.close_after_days),
        "note": "提高视察调研分值",
        "items-TOTAL_FORMS": str(len(items) + 2),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
    }
    for index, item in enumerate(items):
        prefix = f"items-{index}-"
        data.update(
            {
                prefix + "code": item.code,
                prefix + "name": item.name,
                prefix + "kind": item.kind,
                prefix + "points": str(item.points),
                prefix + "cap_points": "" if item.cap_points is None else str(item.cap_points),
                prefix + "cap_period": item.cap_period,
            }
        )
        for flag in ("evidence_required", "recess_only", "self_reported"):
            if getattr(item, flag):
                data[prefix + flag] = "on"
        if item.auto_sources:
            data[prefix + "auto_sources"] = list(item.auto_sources)
    for index in (len(items), len(items) + 1):
        data[f"items-{index}-kind"] = "duty"
    data.update(overrides)
    return data


def test_the_index_lists_years_versions_and_quarters(tenant_a, staff, six):
    with tenant_a.scope():  # test setup: Q1 closed with version 1, then the rules changed
        DutyQuarter.objects.create(
            congress=tenant_a.congress, year=2026, quarter=1, status="closed", rule_set=six
        )
        rule_set_create_from_preset(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            year=2026,
            preset="twelve",
        )
    response = staff.get(url(tenant_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026年积分规则" in body and "v1" in body and "v2" in body
    year = response.context["years"][0]
    assert [version.version for version in year.versions] == [2, 1]
    assert [quarter.label for quarter in year.versions[1].closed_quarters] == ["2026Q1"]
    assert year.open_quarters == [2, 3, 4]
    assert "已结算的季度保留结算时的版本" in body
    assert "从预置方案开始" in body


def test_the_index_takes_the_same_queries_for_few_and_many(tenant_a, staff, six):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(tenant_a)).status_code == 200
        return len(queries)

    count()
    few = count()
    with tenant_a.scope():  # test setup
        for year in (2024, 2025):
            for preset in ("six", "twelve"):
                rule_set_create_from_preset(
                    actor=None, congress=tenant_a.congress, year=year, preset=preset
                )
    assert count() == few


def test_a_leader_reads_but_cannot_change_the_rules(tenant_a, client_as, six):
    leader = client_as(tenant_a.user(Role.LEADER))
    response = leader.get(url(tenant_a, f"{six.pk}/"))
    assert response.status_code == 200
    assert "参加人代会" in response.content.decode()
    assert not response.context["can_manage"]
    assert leader.get(url(tenant_a, f"{six.pk}/edit/")).status_code == 403
    assert leader.post(url(tenant_a, "new/"), {"year": 2027, "preset": "six"}).status_code == 403
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert deputy.get(url(tenant_a)).status_code == 403


def test_a_version_shows_its_items(tenant_a, staff, six):
    response = staff.get(url(tenant_a, f"{six.pk}/"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "无故缺席人代会" in body and "-1" in body
    assert "每年" in body  # the commendation's yearly cap
    items = {item.code: item for item in response.context["items"]}
    assert items["contact_voters"].recess_only
    assert len(items["contact_voters"].source_labels) == 3


def test_staff_start_a_year_from_a_preset(tenant_a, staff):
    response = staff.post(url(tenant_a, "new/"), {"year": "2027", "preset": "twelve"})
    assert response.status_code == 302
    with tenant_a.scope():
        rule_set = RuleSet.objects.get(year=2027)
        assert rule_set.preset == "twelve" and rule_set.version == 1
        assert rule_set.items.count() == 14
        assert rule_set.created_by == tenant_a.user(Role.COMMITTEE_STAFF)
    assert response["Location"].endswith(f"/duties/rules/{rule_set.pk}/")


def test_a_bad_preset_or_year_keeps_the_form(tenant_a, staff):
    response = staff.post(url(tenant_a, "new/"), {"year": "1999", "preset": "nine"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "2000 至 2100" in body and "请选择一个预置方案" in body
    assert 'value="1999"' in body
    with tenant_a.scope():
        assert not RuleSet.objects.exists()


def test_editing_writes_the_next_version_and_leaves_the_closed_quarter(tenant_a, staff, six):
    with tenant_a.scope():  # test setup
        DutyQuarter.objects.create(
            congress=tenant_a.congress, year=2026, quarter=1, status="closed", rule_set=six
        )
    page = staff.get(url(tenant_a, f"{six.pk}/edit/"))
    assert page.status_code == 200
    assert "2026Q1" in page.content.decode()
    data = edit_data(six, tenant_a)
    # Change one item's points, remove another, add a new one.
    data["items-2-points"] = "15"
    data["items-5-DELETE"] = "on"
    data.update(
        {
            "items-8-code": "appraisal",
            "items-8-name": "参加评议询问",
            "items-8-kind": "duty",
            "items-8-points": "3",
            "items-8-self_reported": "on",
        }
    )
    response = staff.post(url(tenant_a, f"{six.pk}/edit/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_a.scope():
        revised = RuleSet.objects.get(year=2026, version=2)
        codes = list(revised.items.order_by("position").values_list("code", flat=True))
        assert "report_to_voters" not in codes and codes[-1] == "appraisal"
        assert revised.items.get(code="inspection").points == Decimal("15")
        assert revised.note == "提高视察调研分值"
        assert revised.created_by == tenant_a.user(Role.COMMITTEE_STAFF)
        # The old version and the closed quarter are as they were.
        assert RuleItem.objects.get(rule_set=six, code="inspection").points == Decimal("10")
        assert six.items.count() == 8
        assert DutyQuarter.objects.get(year=2026, quarter=1).rule_set_id == six.pk
    old = staff.get(url(tenant_a, f"{six.pk}/"))
    assert "older-version" in old.content.decode()
    assert [quarter.label for quarter in old.context["closed_quarters"]] == ["2026Q1"]


def test_an_older_version_cannot_be_edited(tenant_a, staff, six):
    with tenant_a.scope():  # test setup
        rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=2026, preset="twelve"
        )
    response = staff.get(url(tenant_a, f"{six.pk}/edit/"))
    assert response.status_code == 200
    assert "formset" not in response.context
    assert "只能修改现行规则" in response.content.decode()
    response = staff.post(url(tenant_a, f"{six.pk}/edit/"), edit_data(six, tenant_a))
    assert response.status_code == 200
    with tenant_a.scope():
        assert RuleSet.objects.count() == 2


def test_a_refused_edit_keeps_everything_typed(tenant_a, staff, six):
    data = edit_data(six, tenant_a)
    data["items-6-points"] = "2"  # a deduction must be negative
    data["items-2-name"] = "视察调研（修改中）"
    response = staff.post(url(tenant_a, f"{six.pk}/edit/"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "扣分" in response.context["items_error"]
    assert "视察调研（修改中）" in body and "提高视察调研分值" in body
    with tenant_a.scope():
        assert RuleSet.objects.count() == 1


def test_field_errors_show_on_their_rows(tenant_a, staff, six):
    data = edit_data(six, tenant_a, note="")
    data["items-0-points"] = "many"
    data["items-1-code"] = "bad code!"
    response = staff.post(url(tenant_a, f"{six.pk}/edit/"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "请说明改了什么" in body
    assert "many" in body and "bad code!" in body
    formset = response.context["formset"]
    assert "points" in formset.forms[0].errors and "code" in formset.forms[1].errors


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(tenant_a, staff, six):
    data = edit_data(six, tenant_a, add_row="1")
    data["items-0-name"] = "参加人代会（新）"
    response = staff.post(url(tenant_a, f"{six.pk}/edit/"), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 11
    assert "参加人代会（新）" in response.content.decode()
    with tenant_a.scope():
        assert RuleSet.objects.count() == 1


def test_another_congress_rule_set_is_404(tenant_a, tenant_b, staff):
    with tenant_b.scope():  # test setup
        other = rule_set_create_from_preset(
            actor=None, congress=tenant_b.congress, year=2026, preset="six"
        )
    assert staff.get(url(tenant_a, f"{other.pk}/")).status_code == 404
    assert staff.post(url(tenant_a, f"{other.pk}/edit/"), {}).status_code == 404
    with scopes_disabled():
        assert RuleSet.objects.filter(congress=tenant_a.congress).count() == 0
