"""Every congress page and endpoint declares a permission; each role gets exactly what it allows."""

from __future__ import annotations

import pytest
from django.urls import resolve

from congress.models import Role
from congress.permissions import PERMISSIONS, membership_can
from tests.congress.test_crawler import PATTERNS, fill, object_ids


def declared_permission(url: str, method: str = "GET") -> str:
    match = resolve(url)
    view = match.func
    if hasattr(view, "permission"):
        return view.permission
    if hasattr(view, "permission_for"):
        # A view serving several kinds of object (an export of each list) names its rule per URL.
        return view.permission_for(**match.kwargs)
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if view_class is not None and hasattr(view_class, "get_required_permission"):
        return view_class().get_required_permission(method)
    pytest.fail(f"{url} declares no permission: use permission_required or CongressAPIView")


@pytest.mark.parametrize("route", [p[0] for p in PATTERNS])
def test_every_route_declares_a_known_permission(route, tenant_a):
    url = fill(route, tenant_a.congress.slug, object_ids(tenant_a))
    assert declared_permission(url) in PERMISSIONS


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("route", [p[0] for p in PATTERNS])
def test_each_role_gets_what_the_table_allows(route, role, tenant_a, client_as):
    membership = tenant_a.members[role]
    # Objects are the member's own where ownership matters (a job they started).
    ids = object_ids(tenant_a, owner=membership.user)
    url = fill(route, tenant_a.congress.slug, ids)
    allowed = membership_can(membership, declared_permission(url))
    client = client_as(membership.user)
    response = client.get(url)
    if response.status_code == 405:
        # A POST-only action: the permission is checked before the method, so try it for real.
        response = client.post(url, {})
        if allowed:
            assert response.status_code in (200, 302, 400), (url, role, response.status_code)
        else:
            assert response.status_code == 403, (url, role, response.status_code)
        return
    if allowed:
        assert response.status_code == 200, (url, role, response.status_code)
    else:
        assert response.status_code == 403, (url, role, response.status_code)


def test_the_table_gives_staff_more_than_deputies(tenant_a):
    admin = tenant_a.members[Role.COMMITTEE_ADMIN]
    staff = tenant_a.members[Role.COMMITTEE_STAFF]
    deputy = tenant_a.members[Role.DEPUTY]
    assert membership_can(admin, "congress.manage_members")
    assert not membership_can(staff, "congress.manage_members")
    assert membership_can(staff, "congress.view_change_history")
    assert not membership_can(deputy, "congress.view_change_history")
    assert membership_can(deputy, "congress.view_home")


def test_an_inactive_membership_has_no_rights(tenant_a, client_as):
    from django_scopes import scopes_disabled

    membership = tenant_a.members[Role.COMMITTEE_ADMIN]
    with scopes_disabled():
        membership.is_active = False
        membership.save()
    assert not membership_can(membership, "congress.view_home")
    response = client_as(membership.user).get(f"/c/{tenant_a.congress.slug}/")
    assert response.status_code == 404


def test_an_unknown_permission_name_is_a_programming_error(tenant_a):
    with pytest.raises(KeyError):
        membership_can(tenant_a.members[Role.COMMITTEE_ADMIN], "congress.no_such_thing")


@pytest.mark.parametrize("role", Role.values)
def test_a_job_is_followed_by_who_started_it_and_by_staff(role, tenant_a, client_as):
    started_by_someone_else = object_ids(tenant_a, owner=tenant_a.user(Role.LEADER))
    url = f"/api/v1/c/{tenant_a.congress.slug}/jobs/{started_by_someone_else['job_run_id']}/"
    response = client_as(tenant_a.user(role)).get(url)
    if role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF, Role.LEADER):
        assert response.status_code == 200
        assert response.json()["label"] == "清理过期任务记录"
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "您只能查看自己发起的任务。"
