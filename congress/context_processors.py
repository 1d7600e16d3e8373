"""The navigation of the current member, built from the permission table."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from congress.models import Membership
from congress.notifications import unread_count
from congress.permissions import membership_can

# (permission, url name, label): a link shows only when the member's role has the permission.
NAVIGATION = [
    ("congress.view_home", "congress:home", _("Home")),
    ("reports.view_dashboard", "dashboard:index", _("Leadership dashboard")),
    ("suggestions.view_own_suggestions", "my_suggestions:list", _("My suggestions")),
    ("suggestions.browse_suggestions", "suggestions:list", _("Deputy suggestions")),
    ("suggestions.handle_suggestions", "unit_work:list", _("Suggestions to answer")),
    ("suggestions.handle_suggestions", "unit_work:follow_up", _("Follow-up list")),
    ("suggestions.view_statistics", "suggestion_stats:dashboard", _("Suggestion statistics")),
    ("scoring.view_own_points", "my_duties:home", _("My duty points")),
    ("scoring.review_records", "duty_review:queue", _("Duty audit")),
    ("scoring.view_rankings", "duty_rankings:board", _("Duty rankings")),
    ("scoring.view_warnings", "duty_warnings:list", _("Duty warnings")),
    ("liaison.view_messages", "messages:list", _("Voter messages")),
    ("liaison.view_receptions", "receptions:list", _("Reception days")),
    ("liaison.view_projects", "projects:list", _("Group projects")),
    ("deputies.view_roster", "deputies:list", _("Roster")),
    ("liaison.view_groups", "liaison:group_list", _("Deputy groups")),
    ("liaison.view_stations", "liaison:station_list", _("Liaison stations")),
    ("suggestions.view_units", "units:list", _("Handling units")),
    ("suggestions.manage_sessions", "suggestion_setup:index", _("Sessions and categories")),
    ("scoring.view_rules", "duty_rules:index", _("Duty point rules")),
    ("congress.view_members", "congress:member_list", _("Members")),
    ("congress.view_change_history", "congress:audit_log", _("Audit log")),
    ("congress.view_audit_log", "congress:audit_events", _("Security audit log")),
    ("congress.unlock_accounts", "congress:security", _("Account security")),
    ("congress.view_jobs", "congress:job_list", _("Background jobs")),
    ("congress.manage_calendar", "calendar:index", _("Working-day calendar")),
    ("congress.change_settings", "congress:settings", _("Settings")),
]


def congress_navigation(request) -> dict:
    congress = getattr(request, "congress", None)
    membership = getattr(request, "membership", None)
    if congress is None or membership is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    links = _links(membership.role, congress.slug, get_script_prefix(), get_urlconf())
    items = [
        {"url": url, "label": label, "active": url_name == current}
        for url, url_name, label in links
    ]
    # A single link (a deputy's home) is not worth a row of a phone screen.
    navigation = items if len(items) > 1 else []
    return {
        "congress": congress,
        "membership": membership,
        "navigation": navigation,
        # Lazy: one COUNT when the bell is drawn, nothing for a page that draws no bell.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user=request.user)),
        "calendar_warning_years": SimpleLazyObject(lambda: _calendar_warning_years(membership)),
    }


@functools.lru_cache(maxsize=512)
def _links(role: str, slug: str, prefix: str, urlconf) -> tuple[tuple[str, str, str], ...]:
    """The links a role sees in a congress, worked out once per process: every permission in
    NAVIGATION is decided by the role alone (tests/congress/test_pages.py holds this to the
    permission table), and the addresses change only with the URL configuration."""
    member = Membership(role=role, is_active=True)
    return tuple(
        (reverse(url_name, kwargs={"congress_slug": slug}), url_name, label)
        for permission, url_name, label in NAVIGATION
        if membership_can(member, permission)
    )


def _calendar_warning_years(membership) -> str:
    """The years ("2027", or "2026、2027") staff must still enter holidays for; empty if none."""
    from congress.calendar import unannounced_years

    if not membership_can(membership, "congress.manage_calendar"):
        return ""
    return "、".join(str(year) for year in unannounced_years(timezone.localdate()))
