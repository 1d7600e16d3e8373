"""The one table of who may do what: rules predicates over the acting user's membership."""

from __future__ import annotations

import rules

from congress.models import Membership, Role

# Predicates take the membership of the acting user in the current congress (or None).
STAFF_ROLES = (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF)


def has_role(*roles: str) -> rules.Predicate:
    allowed = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(allowed))})")
    def predicate(membership: Membership | None) -> bool:
        return membership is not None and membership.is_active and membership.role in allowed

    return predicate


is_member = has_role(*Role.values)
is_committee_admin = has_role(Role.COMMITTEE_ADMIN)
is_committee_staff = has_role(*STAFF_ROLES)


@rules.predicate
def started_the_job(membership: Membership | None, job_run) -> bool:
    return (
        membership is not None
        and job_run is not None
        and job_run.created_by_id == membership.user_id
    )


congress_rules = rules.RuleSet()
# name: predicate. Views and API views name a rule; nothing checks a role directly.
PERMISSIONS: dict[str, rules.Predicate] = {
    "congress.view_home": is_member,
    "congress.view_members": is_committee_staff,
    "congress.manage_members": is_committee_admin,
    "congress.change_settings": is_committee_admin,
    "congress.view_audit_log": is_committee_staff,
    "congress.view_jobs": is_committee_staff,
    # Object rule: a member follows the jobs they started; staff follow every job.
    "congress.view_job_run": is_member & (is_committee_staff | started_the_job),
}
for _name, _predicate in PERMISSIONS.items():
    congress_rules.add_rule(_name, _predicate)


def membership_can(membership: Membership | None, permission: str, obj=None) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to PERMISSIONS")
    return congress_rules.test_rule(permission, membership, obj)
