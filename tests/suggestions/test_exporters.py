"""The staff's suggestion list exported to Excel: the rows the filtered list shows, for the
roles with the right only, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from congress.models import Role
from reports.models import Export
from tests.factories import (
    DeputyFactory,
    SuggestionAssignmentFactory,
    SuggestionCategoryFactory,
    SuggestionFactory,
)
from tests.reports.exports import count_export_queries, export_url, start_export, table


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def list_url(tenant, query: str = "") -> str:
    return f"/c/{tenant.congress.slug}/suggestions/" + (f"?{query}" if query else "")


@pytest.fixture
def suggestions(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        roads = SuggestionCategoryFactory(congress=congress, name="道路交通专项")
        schools = SuggestionCategoryFactory(congress=congress, name="学位教育专项")
        zhang = DeputyFactory(congress=congress, name="张桂芳")
        handled = SuggestionFactory(
            congress=congress,
            title="关于修缮檀溪路的建议",
            category=roads,
            lead_deputy=zhang,
            status="assigned",
            number=12,
            is_key=True,
            assigned_on=date(2026, 3, 2),
            due_on=date(2026, 6, 2),
        )
        assignment = SuggestionAssignmentFactory(
            congress=congress, suggestion=handled, unit__name="市交通运输局"
        )
        SuggestionFactory(
            congress=congress, title="关于增加学位的建议", category=schools, lead_deputy=zhang
        )
    return {"roads": roads, "schools": schools, "unit": assignment.unit, "handled": handled}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", {"关于修缮檀溪路的建议", "关于增加学位的建议"}),
        ("status=assigned", {"关于修缮檀溪路的建议"}),
        ("q=学位", {"关于增加学位的建议"}),
        ("key=on", {"关于修缮檀溪路的建议"}),
        ("category={schools}", {"关于增加学位的建议"}),
        ("unit={unit}", {"关于修缮檀溪路的建议"}),
    ],
)
def test_the_export_holds_what_the_filtered_list_shows(
    query, titles, tenant_a, client_as, suggestions, django_capture_on_commit_callbacks
):
    query = query.format(schools=suggestions["schools"].pk, unit=suggestions["unit"].pk)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(list_url(tenant_a, query))
    assert {item.title for item in page.context["page"].object_list} == titles
    assert f'id="export-excel" href="{export_url(tenant_a, "suggestions")}' in page.content.decode()

    # The link's query string, as the page carries it to the export page.
    export = start_export(
        client,
        tenant_a,
        "suggestions",
        django_capture_on_commit_callbacks,
        page.context["export_query"],
    )

    header, rows = table(client, tenant_a, export)
    assert header[:4] == ["编号", "类型", "标题", "领衔代表"]
    assert {row[2] for row in rows} == titles
    for row in rows:
        if row[2] == "关于修缮檀溪路的建议":
            assert row[3:9] == ["张桂芳", row[4], "道路交通专项", row[6], "市交通运输局", "是"]
            assert "12" in row[0]
            assert row[11].date() == date(2026, 6, 2)


def test_a_leader_exports_too(tenant_a, client_as, suggestions, django_capture_on_commit_callbacks):
    client = client_as(tenant_a.user(Role.LEADER))
    assert 'id="export-excel"' in client.get(list_url(tenant_a)).content.decode()
    export = start_export(client, tenant_a, "suggestions", django_capture_on_commit_callbacks)
    assert len(table(client, tenant_a, export)[1]) == 2


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON])
def test_roles_without_the_right_are_refused(role, tenant_a, client_as, suggestions):
    client = client_as(tenant_a.user(role))
    assert client.get(export_url(tenant_a, "suggestions")).status_code == 403
    assert client.post(export_url(tenant_a, "suggestions")).status_code == 403


def test_outsiders_and_another_congresss_category(tenant_a, tenant_b, client_as, suggestions):
    outsider = client_as(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert outsider.get(export_url(tenant_a, "suggestions")).status_code == 404
    with scopes_disabled():  # test setup
        theirs = SuggestionCategoryFactory(congress=tenant_b.congress)
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    query = f"category={theirs.pk}"
    assert staff.get(export_url(tenant_a, "suggestions", query)).context["exporter"] is None
    staff.post(export_url(tenant_a, "suggestions", query))
    with tenant_a.scope():
        assert not Export.objects.exists()


def test_the_export_runs_a_fixed_number_of_queries(
    tenant_a, client_as, suggestions, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    few = count_export_queries(client, tenant_a, "suggestions", django_capture_on_commit_callbacks)
    with scopes_disabled():  # test setup
        for _index in range(15):
            SuggestionAssignmentFactory(
                congress=tenant_a.congress,
                suggestion__status="assigned",
                suggestion__due_on=date(2026, 6, 2),
            )
    many = count_export_queries(client, tenant_a, "suggestions", django_capture_on_commit_callbacks)
    assert many == few
    assert many <= 40
