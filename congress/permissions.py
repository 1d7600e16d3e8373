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
is_station_staff = has_role(Role.STATION_STAFF)
is_leader = has_role(Role.LEADER)
is_deputy = has_role(Role.DEPUTY)
# Separation of duties (三员分立): three roles, three duties, and one role per person in a
# congress, so nobody holds two. The committee administrator is the system administrator
# (creates accounts, changes the congress's settings); the security administrator alone grants
# and changes roles (including the three administrative ones), activates and deactivates
# accounts and unlocks locked ones; the auditor reads and exports the audit log and nothing else.
# tests/congress/test_roles.py checks this table against those duties.
is_security_admin = has_role(Role.SECURITY_ADMIN)
is_auditor = has_role(Role.AUDITOR)
# Who reads the roster and stations (station staff: their own stations' only).
reads_roster = has_role(*STAFF_ROLES, Role.LEADER, Role.STATION_STAFF)
# Groups span stations, so station staff (who see only their stations' deputies) do not read them.
reads_groups = has_role(*STAFF_ROLES, Role.LEADER)


@rules.predicate
def started_the_job(membership: Membership | None, job_run) -> bool:
    return (
        membership is not None
        and job_run is not None
        and job_run.created_by_id == membership.user_id
    )


@rules.predicate
def works_at_station(membership: Membership | None, station) -> bool:
    from liaison.selectors import station_ids_for_staff

    return (
        membership is not None
        and station is not None
        and station.pk in station_ids_for_staff(user=membership.user)
    )


@rules.predicate
def receives_at_my_station(membership: Membership | None, deputy) -> bool:
    from liaison.selectors import station_ids_for_staff

    if membership is None or deputy is None:
        return False
    stations = station_ids_for_staff(user=membership.user)
    return deputy.station_links.filter(station_id__in=stations).exists()


def _reaches(selector_name: str, module: str = "liaison.selectors"):
    """An object rule that asks the same selector the list pages use, so they never disagree."""

    @rules.predicate(name=f"reaches({selector_name})")
    def predicate(membership: Membership | None, obj) -> bool:
        from importlib import import_module

        if membership is None or obj is None:
            return False
        visible = getattr(import_module(module), selector_name)(membership=membership)
        return visible.filter(pk=obj.pk).exists()

    return predicate


reaches_message = _reaches("message_visible")
reaches_reception = _reaches("reception_visible")
reaches_project = _reaches("project_visible")
reaches_suggestion = _reaches("suggestion_visible", "suggestions.selectors")
is_unit_liaison = has_role(Role.UNIT_LIAISON)


@rules.predicate
def leads_the_suggestion(membership: Membership | None, suggestion) -> bool:
    from liaison.selectors import deputy_ids_for_user

    if membership is None or suggestion is None:
        return False
    return suggestion.lead_deputy_id in deputy_ids_for_user(user=membership.user)


@rules.predicate
def cosigns_the_suggestion(membership: Membership | None, suggestion) -> bool:
    """Invited to co-sign and not declined: the deputy may confirm, decline, and later rate."""
    from liaison.selectors import deputy_ids_for_user

    if membership is None or suggestion is None:
        return False
    deputies = deputy_ids_for_user(user=membership.user)
    return suggestion.cosigners.filter(deputy_id__in=deputies).exclude(status="declined").exists()


@rules.predicate
def handles_the_suggestion(membership: Membership | None, suggestion) -> bool:
    """The liaison's unit holds an active assignment (lead or co-handling) on the suggestion."""
    from liaison.selectors import unit_ids_for_user

    if membership is None or suggestion is None:
        return False
    units = unit_ids_for_user(user=membership.user)
    return suggestion.assignments.filter(unit_id__in=units, status="active").exists()


@rules.predicate
def leads_the_group(membership: Membership | None, obj) -> bool:
    """The deputy leads the group (a group, or a project's group)."""
    from liaison.selectors import deputy_ids_for_user

    if membership is None or obj is None:
        return False
    group = getattr(obj, "group", obj)
    return group.leader_id is not None and group.leader_id in deputy_ids_for_user(
        user=membership.user
    )


@rules.predicate
def works_at_the_day_station(membership: Membership | None, day) -> bool:
    from liaison.selectors import station_ids_for_staff

    return (
        membership is not None
        and day is not None
        and day.station_id in station_ids_for_staff(user=membership.user)
    )


@rules.predicate
def reviews_the_record(membership: Membership | None, record) -> bool:
    """Committee staff review every record; station staff those of their stations' deputies."""
    from scoring.selectors import duty_record_reviewable

    if membership is None or record is None:
        return False
    return duty_record_reviewable(membership=membership).filter(pk=record.pk).exists()


@rules.predicate
def owns_the_record(membership: Membership | None, record) -> bool:
    from liaison.selectors import deputy_ids_for_user

    if membership is None or record is None:
        return False
    return record.deputy_id in deputy_ids_for_user(user=membership.user)


congress_rules = rules.RuleSet()
# name: predicate. Views and API views name a rule; nothing checks a role directly.
PERMISSIONS: dict[str, rules.Predicate] = {
    "congress.view_home": is_member,
    # The security administrator reads the member list to find whose role to change.
    "congress.view_members": is_committee_staff | is_security_admin,
    # Creating accounts (with a working role only: see congress.services.membership_create).
    "congress.manage_members": is_committee_admin,
    "congress.change_settings": is_committee_admin,
    "congress.manage_roles": is_security_admin,
    "congress.unlock_accounts": is_security_admin,
    "congress.manage_password_policy": is_security_admin,
    # The change history of the congress's records is working information for its staff; the
    # audit log of sign-ins, permission changes and exports is the auditor's alone.
    "congress.view_change_history": is_committee_staff,
    "congress.view_audit_log": is_auditor,
    "congress.export_audit_log": is_auditor,
    "congress.view_jobs": is_committee_staff,
    # Object rule: a member follows the jobs they started; staff follow every job.
    "congress.view_job_run": is_member & (is_committee_staff | started_the_job),
    # The roster (deputies app).
    "deputies.view_roster": reads_roster,
    "deputies.view_deputy": reads_roster & (~is_station_staff | receives_at_my_station),
    "deputies.manage_roster": is_committee_staff,
    "deputies.export_roster": is_committee_staff | is_leader,
    "deputies.view_own_profile": is_deputy,
    # Groups and stations (liaison app).
    "liaison.view_groups": reads_groups,
    "liaison.manage_groups": is_committee_staff,
    "liaison.view_stations": reads_roster,
    "liaison.view_station": reads_roster & (~is_station_staff | works_at_station),
    "liaison.manage_stations": is_committee_staff,
    "liaison.check_station": is_committee_staff | (is_station_staff & works_at_station),
    "liaison.manage_station_standards": is_committee_admin,
    # Voter messages.
    "liaison.view_messages": has_role(
        *STAFF_ROLES, Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON
    ),
    "liaison.view_message": reaches_message,
    "liaison.register_visits": is_committee_staff | is_station_staff,
    "liaison.handle_messages": is_committee_staff | is_station_staff,
    "liaison.handle_message": (is_committee_staff | is_station_staff) & reaches_message,
    "liaison.answer_message": reaches_message,
    # Erasing a voter's personal data on request: those who handle the message.
    "liaison.erase_message_data": (is_committee_staff | is_station_staff) & reaches_message,
    # Reception days.
    "liaison.view_receptions": has_role(*STAFF_ROLES, Role.LEADER, Role.STATION_STAFF, Role.DEPUTY),
    "liaison.view_reception": reaches_reception,
    "liaison.plan_receptions": is_committee_staff | is_station_staff,
    "liaison.manage_reception": is_committee_staff | (is_station_staff & works_at_the_day_station),
    # Group projects (为民办实事).
    "liaison.view_projects": has_role(*STAFF_ROLES, Role.LEADER, Role.DEPUTY),
    "liaison.view_project": reaches_project,
    "liaison.claim_projects": is_committee_staff | is_deputy,
    "liaison.manage_project": is_committee_staff | (is_deputy & leads_the_group),
    # Notifications, the working-day calendar, handling units.
    "congress.view_notifications": is_member,
    "congress.manage_calendar": is_committee_staff,
    "suggestions.view_units": is_committee_staff,
    "suggestions.manage_units": is_committee_staff,
    # Suggestions and motions: view-level rules first, then the object rules views check.
    "suggestions.view_suggestions": has_role(
        *STAFF_ROLES, Role.LEADER, Role.DEPUTY, Role.UNIT_LIAISON
    ),
    "suggestions.browse_suggestions": is_committee_staff | is_leader,
    "suggestions.view_own_suggestions": is_deputy,
    "suggestions.write_suggestions": is_committee_staff | is_deputy,
    "suggestions.process_suggestions": is_committee_staff,
    "suggestions.handle_suggestions": is_unit_liaison,
    "suggestions.view_statistics": is_committee_staff | is_leader,
    "suggestions.manage_sessions": is_committee_staff,
    "suggestions.view_suggestion": reaches_suggestion,
    # The leading deputy edits and submits; staff edit what they entered from paper.
    "suggestions.edit_suggestion": (is_committee_staff & reaches_suggestion)
    | (is_deputy & leads_the_suggestion),
    "suggestions.cosign_suggestion": is_deputy & cosigns_the_suggestion,
    # Staff may enter a reply or a rating from the paper forms on the unit's or deputy's behalf.
    "suggestions.handle_suggestion": is_committee_staff
    | (is_unit_liaison & handles_the_suggestion),
    "suggestions.rate_suggestion": is_committee_staff
    | (is_deputy & (leads_the_suggestion | cosigns_the_suggestion)),
    # Duty points (scoring app).
    "scoring.view_own_points": is_deputy,
    "scoring.report_duties": is_deputy,
    "scoring.view_own_record": is_deputy & owns_the_record,
    "scoring.review_records": is_committee_staff | is_station_staff,
    # Photos are served to the record's deputy and to those who audit it (object rules).
    "scoring.view_record_photos": is_deputy | is_committee_staff | is_station_staff,
    "scoring.review_record": (is_committee_staff | is_station_staff) & reviews_the_record,
    "scoring.enter_records": is_committee_staff | is_station_staff,
    "scoring.view_rules": is_committee_staff | is_leader,
    "scoring.manage_rules": is_committee_staff,
    "scoring.close_quarters": is_committee_staff,
    "scoring.view_rankings": is_committee_staff | is_leader,
    "scoring.compute_rankings": is_committee_staff,
    "scoring.view_portraits": is_committee_staff | is_leader,
    "scoring.view_warnings": is_committee_staff | is_leader,
    "scoring.manage_warnings": is_committee_staff,
    # Exports of the staff lists (reports app machinery) and the leadership reports.
    "suggestions.export_suggestions": is_committee_staff | is_leader,
    "liaison.export_messages": is_committee_staff,
    "scoring.export_records": is_committee_staff,
    "scoring.export_rankings": is_committee_staff | is_leader,
    "reports.view_dashboard": is_committee_staff | is_leader,
    "reports.export_quarterly": is_committee_staff | is_leader,
}
for _name, _predicate in PERMISSIONS.items():
    congress_rules.add_rule(_name, _predicate)


def membership_can(membership: Membership | None, permission: str, obj=None) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to PERMISSIONS")
    return congress_rules.test_rule(permission, membership, obj)
