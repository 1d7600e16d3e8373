"""Ids from the browser that no database column can hold get a form error, never a 500."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from congress.models import Role
from tests.factories import DeputyFactory, DeputyGroupFactory

HUGE = "99999999999999999999"


@pytest.mark.parametrize("parameter", ["group", "station"])
def test_a_huge_filter_id_is_ignored_on_the_roster(parameter, tenant_a, client_as):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="张桂芳")
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.get(f"/c/{tenant_a.congress.slug}/deputies/", {parameter: HUGE})
    assert response.status_code == 200
    assert [d.name for d in response.context["page"].object_list] == ["张桂芳"]


@pytest.mark.parametrize("parameter", ["group", "station"])
def test_a_huge_filter_id_is_a_400_in_the_api(parameter, tenant_a):
    token, _created = Token.objects.get_or_create(user=tenant_a.user(Role.COMMITTEE_STAFF))
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(
        f"/api/v1/c/{tenant_a.congress.slug}/deputies/", {parameter: HUGE}
    )
    assert response.status_code == 400
    assert parameter in response.json()


def test_a_huge_id_in_the_member_picker_is_a_form_error(tenant_a, client_as):
    with scopes_disabled():  # test setup
        group = DeputyGroupFactory(congress=tenant_a.congress)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(
        f"/c/{tenant_a.congress.slug}/groups/{group.pk}/members/", {"deputies": [HUGE, "-3"]}
    )
    assert response.status_code == 400
    with tenant_a.scope():
        assert not group.memberships.exists()


def test_a_huge_leader_id_is_a_form_error(tenant_a, client_as):
    with scopes_disabled():  # test setup
        group = DeputyGroupFactory(congress=tenant_a.congress)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(
        f"/c/{tenant_a.congress.slug}/groups/{group.pk}/leader/", {"leader": HUGE}
    )
    assert response.status_code == 302  # back to the group, with the error as a message
    with tenant_a.scope():
        group.refresh_from_db()
    assert group.leader is None
