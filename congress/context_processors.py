"""The navigation of the current member, built from the permission table."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.permissions import membership_can

# (permission, url name, label): a link shows only when the member's role has the permission.
NAVIGATION = [
    ("congress.view_home", "congress:home", _("Home")),
    ("deputies.view_roster", "deputies:list", _("Roster")),
    ("liaison.view_groups", "liaison:group_list", _("Deputy groups")),
    ("liaison.view_stations", "liaison:station_list", _("Liaison stations")),
    ("congress.view_members", "congress:member_list", _("Members")),
    ("congress.view_audit_log", "congress:audit_log", _("Audit log")),
    ("congress.view_jobs", "congress:job_list", _("Background jobs")),
    ("congress.change_settings", "congress:settings", _("Settings")),
]


def congress_navigation(request) -> dict:
    congress = getattr(request, "congress", None)
    membership = getattr(request, "membership", None)
    if congress is None or membership is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "url": reverse(url_name, kwargs={"congress_slug": congress.slug}),
            "label": label,
            "active": url_name == current,
        }
        for permission, url_name, label in NAVIGATION
        if membership_can(membership, permission)
    ]
    # A single link (a deputy's home) is not worth a row of a phone screen.
    navigation = items if len(items) > 1 else []
    return {"congress": congress, "membership": membership, "navigation": navigation}
