"""Separation of duties (三员分立): system administrator, security administrator and auditor."""

from __future__ import annotations

import pytest
from django.test import override_settings

from congress.audit import AuditAction
from congress.models import AuditEvent, Membership, Role
from congress.permissions import PERMISSIONS, membership_can

# The rights that make up each duty. A role may hold rights of one duty at most.
DUTIES = {
    "system administrator": {"congress.manage_members", "congress.change_settings"},
    "security administrator": {
        "congress.manage_roles",
        "congress.unlock_accounts",
        "congress.manage_password_policy",
    },
    "auditor": {"congress.view_audit_log", "congress.export_audit_log"},
}
# What every member may do whatever their role: their home page and their own notices and jobs.
EVERY_MEMBER = {"congress.view_home", "congress.view_notifications"}


def rights_of(membership: Membership) -> set[str]:
    # Object rules (a job someone started) are asked without an object: False for them.
    return {name for name in PERMISSIONS if membership_can(membership, name)}


def test_every_duty_names_real_permissions():
    for rights in DUTIES.values():
        assert rights <= set(PERMISSIONS)


@pytest.mark.parametrize("role", Role.values)
def test_no_role_holds_rights_of_two_duties(role, tenant_a):
    rights = rights_of(tenant_a.members[role])
    held = [duty for duty, duty_rights in DUTIES.items() if rights & duty_rights]
    assert len(held) <= 1, (role, held)


def test_each_duty_belongs_to_its_own_role(tenant_a):
    owners = {
        duty: {role for role in Role.values if rights <= rights_of(tenant_a.members[role])}
        for duty, rights in DUTIES.items()
    }
    assert owners == {
        "system administrator": {Role.COMMITTEE_ADMIN},
        "security administrator": {Role.SECURITY_ADMIN},
        "auditor": {Role.AUDITOR},
    }


def test_the_auditor_holds_only_audit_rights(tenant_a):
    assert rights_of(tenant_a.members[Role.AUDITOR]) == DUTIES["auditor"] | EVERY_MEMBER


def test_only_the_auditor_reads_the_audit_log(tenant_a):
    for role in Role.values:
        allowed = membership_can(tenant_a.members[role], "congress.view_audit_log")
        assert allowed == (role == Role.AUDITOR), role


def test_the_auditor_sees_no_roster_or_members(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.AUDITOR))
    slug = tenant_a.congress.slug
    for path in ("members/", "deputies/", "audit/", "settings/", "security/", "suggestions/"):
        assert client.get(f"/c/{slug}/{path}").status_code == 403, path
    assert client.get(f"/api/v1/c/{slug}/members/").status_code == 403
    assert client.get(f"/c/{slug}/audit/events/").status_code == 200


def test_home_pages_and_navigation_of_the_new_roles(tenant_a, client_as):
    slug = tenant_a.congress.slug
    auditor = client_as(tenant_a.user(Role.AUDITOR)).get(f"/c/{slug}/")
    assert auditor.status_code == 200
    assert auditor.templates[0].name == "congress/home_auditor.html"
    assert [item["url"] for item in auditor.context["navigation"]] == [
        f"/c/{slug}/",
        f"/c/{slug}/audit/events/",
    ]
    security = client_as(tenant_a.user(Role.SECURITY_ADMIN)).get(f"/c/{slug}/")
    assert security.status_code == 200
    assert security.templates[0].name == "congress/home_security.html"
    assert [item["url"] for item in security.context["navigation"]] == [
        f"/c/{slug}/",
        f"/c/{slug}/members/",
        f"/c/{slug}/security/",
    ]


# --- Roles: only the security administrator grants and changes them --------------------------


def member_url(tenant, membership) -> str:
    return f"/c/{tenant.congress.slug}/members/{membership.pk}/"


def test_the_system_administrator_can_no_longer_change_roles(tenant_a, client_as):
    target = tenant_a.members[Role.DEPUTY]
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    response = client.post(member_url(tenant_a, target), {"role": Role.AUDITOR, "is_active": "on"})
    assert response.status_code == 403
    with tenant_a.scope():
        target.refresh_from_db()
    assert target.role == Role.DEPUTY
    # And the member list offers adding people but no role changes.
    page = client.get(f"/c/{tenant_a.congress.slug}/members/")
    assert page.context["can_add"] is True
    assert page.context["can_change"] is False


def test_the_security_administrator_changes_a_role_and_it_is_audited(tenant_a, client_as):
    target = tenant_a.members[Role.DEPUTY]
    actor = tenant_a.user(Role.SECURITY_ADMIN)
    client = client_as(actor)
    page = client.get(f"/c/{tenant_a.congress.slug}/members/")
    assert page.context["can_add"] is False
    assert page.context["can_change"] is True
    response = client.post(
        member_url(tenant_a, target),
        {"role": Role.AUDITOR, "is_active": "on"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302
    with tenant_a.scope():
        target.refresh_from_db()
        event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert target.role == Role.AUDITOR
    assert event.user == actor
    assert event.username == actor.username
    assert event.ip_address == "10.9.8.7"
    assert event.success is True
    assert event.target_type == "congress.membership"
    assert event.target_id == str(target.pk)
    assert event.detail["role"] == [Role.DEPUTY, Role.AUDITOR]
    assert event.congress_id == tenant_a.congress.pk


def test_deactivating_is_a_recorded_member_change(tenant_a, client_as):
    target = tenant_a.members[Role.LEADER]
    client = client_as(tenant_a.user(Role.SECURITY_ADMIN))
    response = client.post(member_url(tenant_a, target), {"role": Role.LEADER})
    assert response.status_code == 302
    with tenant_a.scope():
        event = AuditEvent.objects.get(action=AuditAction.MEMBER_CHANGED)
    assert event.detail["is_active"] == [True, False]


def test_an_administrative_role_added_by_the_system_administrator_starts_inactive(
    tenant_a, client_as
):
    client = client_as(tenant_a.user(Role.COMMITTEE_ADMIN))
    data = {"username": "auditor2", "full_name": "审计员二", "password": "Xiangcheng-2026!"}
    response = client.post(
        f"/c/{tenant_a.congress.slug}/members/new/", {**data, "role": Role.AUDITOR}
    )
    assert response.status_code == 302
    with tenant_a.scope():
        added = Membership.objects.get(user__username="auditor2")
        event = AuditEvent.objects.get(action=AuditAction.MEMBER_CREATED)
    assert added.role == Role.AUDITOR
    assert added.is_active is False
    assert not membership_can(added, "congress.view_audit_log")
    assert event.detail == {
        "member": "auditor2",
        "role": Role.AUDITOR,
        "is_active": False,
        "new_account": True,
    }
    # A working role is active at once.
    response = client.post(
        f"/c/{tenant_a.congress.slug}/members/new/",
        {**data, "username": "staff2", "role": Role.COMMITTEE_STAFF},
    )
    with tenant_a.scope():
        assert Membership.objects.get(user__username="staff2").is_active is True
    # The security administrator activates the auditor.
    security = client_as(tenant_a.user(Role.SECURITY_ADMIN))
    security.post(member_url(tenant_a, added), {"role": Role.AUDITOR, "is_active": "on"})
    with tenant_a.scope():
        added.refresh_from_db()
    assert added.is_active is True


# --- Lockouts ---------------------------------------------------------------------------------


def failed_sign_ins(client, username: str, times: int) -> None:
    for _n in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password-1"})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_security_administrator_sees_and_unlocks_a_locked_member(tenant_a, tenant_b, client_as):
    from django.test import Client

    locked = tenant_a.members[Role.DEPUTY]
    # Locked under the mobile number the deputy signs in with.
    failed_sign_ins(Client(), locked.user.phone, 3)
    # A member of the other congress locked too: not shown here.
    failed_sign_ins(Client(), tenant_b.user(Role.DEPUTY).username, 3)
    security = client_as(tenant_a.user(Role.SECURITY_ADMIN))
    page = security.get(f"/c/{tenant_a.congress.slug}/security/")
    assert page.status_code == 200
    assert [item.membership for item in page.context["locked"]] == [locked]
    assert page.context["locked"][0].failures >= 3
    with tenant_a.scope():
        assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, user=locked.user).exists()
    response = security.post(f"/c/{tenant_a.congress.slug}/members/{locked.pk}/unlock/")
    assert response.status_code == 302
    assert security.get(f"/c/{tenant_a.congress.slug}/security/").context["locked"] == []
    with tenant_a.scope():
        event = AuditEvent.objects.get(action=AuditAction.UNLOCKED)
    assert event.user == tenant_a.user(Role.SECURITY_ADMIN)
    assert event.target_id == str(locked.pk)
    assert event.detail["cleared"] >= 1


def test_the_security_page_shows_the_password_policy(tenant_a, client_as):
    page = client_as(tenant_a.user(Role.SECURITY_ADMIN)).get(
        f"/c/{tenant_a.congress.slug}/security/"
    )
    policy = page.context["policy"]
    assert policy["rules"]
    assert policy["failure_limit"] >= 1
    assert policy["retention_days"] >= 183


def test_unlocking_another_congress_member_is_404(tenant_a, tenant_b, client_as):
    foreign = tenant_b.members[Role.DEPUTY]
    security = client_as(tenant_a.user(Role.SECURITY_ADMIN))
    response = security.post(f"/c/{tenant_a.congress.slug}/members/{foreign.pk}/unlock/")
    assert response.status_code == 404
