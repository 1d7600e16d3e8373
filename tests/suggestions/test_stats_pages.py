"""The statistics dashboard and its API: who may see them, what they show, fixed queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress.models import Role
from tests.factories import (
    CongressSessionFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)


def _url(tenant) -> str:
    return f"/c/{tenant.congress.slug}/suggestions/statistics/"


def _api(tenant) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/suggestion-statistics/"


def _some(tenant, count: int, *, unit=None, session=None) -> None:
    """`count` suggestions: on time, closed late and open overdue in turn."""
    today = timezone.localdate()
    with tenant.scope():  # test setup
        unit = unit or HandlingUnitFactory(congress=tenant.congress, name="区住建局")
        for index in range(count):
            fields = [
                {"status": "closed", "first_due_on": today, "first_replied_on": today,
                 "reply_class": "A", "first_rating": "satisfied", "final_rating": "satisfied"},
                {"status": "closed", "first_due_on": today - timedelta(days=9),
                 "first_replied_on": today, "reply_class": "B",
                 "first_rating": "unsatisfied", "final_rating": "satisfied", "round": 2},
                {"status": "assigned", "due_on": today - timedelta(days=1)},
            ][index % 3]  # fmt: skip
            suggestion = SuggestionFactory(
                congress=tenant.congress,
                session=session,
                number=index + 1,
                series=f"t-{unit.pk}-{session.pk if session else 0}",
                assigned_on=date(2026, 1, 5),
                **fields,
            )
            SuggestionAssignmentFactory(congress=tenant.congress, suggestion=suggestion, unit=unit)


@pytest.mark.parametrize("role", [Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF, Role.LEADER])
def test_staff_and_leaders_see_the_dashboard(role, tenant_a, client_as):
    _some(tenant_a, 3)
    response = client_as(tenant_a.user(role)).get(_url(tenant_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "区住建局" in page
    assert "<svg" in page
    # One on time, one closed late, one open overdue: 33%, never 100%.
    assert "33%" in page
    assert 'style="' not in page


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_LIAISON, Role.STATION_STAFF])
def test_deputies_units_and_stations_are_refused(role, tenant_a, client_as):
    client = client_as(tenant_a.user(role))
    assert client.get(_url(tenant_a)).status_code == 403
    assert client.get(_api(tenant_a)).status_code == 403


def test_an_outsider_gets_404(tenant_a, outsider, client_as):
    assert client_as(outsider).get(_url(tenant_a)).status_code == 404
    assert client_as(outsider).get(_api(tenant_a)).status_code == 404


def test_nothing_due_shows_a_dash_not_100(tenant_a, client_as):
    with tenant_a.scope():  # test setup
        SuggestionFactory(congress=tenant_a.congress)
    page = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(_url(tenant_a)).content.decode()
    assert "100%" not in page
    assert "—" in page


def test_filters_narrow_the_figures_and_bad_values_are_ignored(tenant_a, client_as):
    with tenant_a.scope():  # test setup
        session = CongressSessionFactory(congress=tenant_a.congress, name="十七届人大四次会议")
        other = HandlingUnitFactory(congress=tenant_a.congress)
    _some(tenant_a, 3, session=session)
    _some(tenant_a, 6, unit=other)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.get(_url(tenant_a), {"session": session.pk})
    assert response.context["total"].received == 3
    response = client.get(_url(tenant_a), {"session": "recess"})
    assert response.context["total"].received == 6
    response = client.get(_url(tenant_a), {"session": "999999", "kind": "nonsense"})
    assert response.status_code == 200
    assert response.context["total"].received == 9
    assert response.context["form"].errors
    # One bad value does not drop the good ones: the session still narrows the figures.
    response = client.get(_url(tenant_a), {"session": session.pk, "kind": "nonsense"})
    assert response.context["form"].errors
    assert response.context["total"].received == 3


def test_the_api_gives_the_same_figures(tenant_a, client_as):
    _some(tenant_a, 3)
    client = client_as(tenant_a.user(Role.LEADER))
    body = client.get(_api(tenant_a)).json()
    assert body["total"]["received"] == 3
    assert body["total"]["late"] == 2
    assert body["total"]["on_time_rate"] == pytest.approx(1 / 3)
    assert body["total"]["key_supervised"] == 0
    assert body["by_unit"][0]["label"] == "区住建局"
    assert body["by_session"][0]["key"] == "recess"
    assert body["by_status"] == {"closed": 2, "assigned": 1}
    assert client.get(_api(tenant_a), {"session": "recess"}).json()["total"]["received"] == 3


def test_the_api_refuses_bad_filters_with_a_clear_message(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.get(_api(tenant_a), {"year": "twenty"})
    assert response.status_code == 400
    assert response.json()["field"] == "year"
    assert client.get(_api(tenant_a), {"kind": "poem"}).status_code == 400
    assert client.get(_api(tenant_a), {"session": "x"}).status_code == 400


def test_the_dashboard_runs_a_fixed_number_of_queries(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    _some(tenant_a, 3)
    client.get(_url(tenant_a))  # the first request also loads the session and the member
    with CaptureQueriesContext(connection) as small:
        client.get(_url(tenant_a))
    for _index in range(4):
        with tenant_a.scope():  # test setup
            unit = HandlingUnitFactory(congress=tenant_a.congress)
            session = CongressSessionFactory(congress=tenant_a.congress)
        _some(tenant_a, 6, unit=unit, session=session)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_url(tenant_a))
    assert len(response.context["unit_rows"]) == 5
    assert len(large) == len(small)
