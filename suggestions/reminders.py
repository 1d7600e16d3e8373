"""The daily reminders (催办) to handling units: a reply falling due, a reply overdue, and a
co-handling unit's opinion overdue.

Runs every morning for each congress (congress.schedules). Every notice carries a dedupe key
naming the suggestion, its round, its due date and the reminder point, so a second run on the
same day, or a retry after a failure, tells nobody anything twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from congress.jobs import JobContext, congress_task
from congress.models import Congress
from suggestions import lifecycle
from suggestions.models import (
    HANDLING_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Suggestion,
    SuggestionAssignment,
    UnitLiaison,
)

KIND_DUE_SOON = "suggestion-due-soon"
KIND_OVERDUE = "suggestion-overdue"
KIND_OPINION_OVERDUE = "suggestion-opinion-overdue"
# Overdue reminders repeat on the first overdue day and then once a week.
OVERDUE_REPEAT_DAYS = 7


def overdue_reminder_due(days_overdue: int) -> bool:
    return days_overdue >= 1 and (days_overdue - 1) % OVERDUE_REPEAT_DAYS == 0


@dataclass
class Plan:
    """What one suggestion is reminded of today, and whom each notice goes to."""

    suggestion: Suggestion
    # (kind, title, dedupe key, unit ids)
    notices: list[tuple[str, str, str, set[int]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan_reminders(*, congress: Congress, today: date) -> list[Plan]:
    """The reminders due today, chosen with three queries whatever the number of suggestions."""
    points = sorted({int(day) for day in congress.suggestion_reminder_days if int(day) > 0})
    handling = Suggestion.objects.filter(
        status__in=HANDLING_STATUSES, merged_into__isnull=True, due_on__isnull=False
    ).select_related("congress")
    # One query: those at a reminder point today, and every overdue one (the weekly repeat
    # is a matter of arithmetic on the date, kept in Python).
    point_dates = [today + timedelta(days=days) for days in points]
    candidates = {
        suggestion.pk: suggestion
        for suggestion in handling.filter(Q(due_on__in=point_dates) | Q(due_on__lt=today))
    }
    chosen = {
        pk: suggestion
        for pk, suggestion in candidates.items()
        if suggestion.due_on >= today or overdue_reminder_due((today - suggestion.due_on).days)
    }
    # Co-handling units whose opinion is overdue, on the same weekly rhythm.
    late_opinions = [
        assignment
        for assignment in SuggestionAssignment.objects.filter(
            role=AssignmentRole.CO,
            status=AssignmentStatus.ACTIVE,
            opinion_at__isnull=True,
            opinion_due_on__lt=today,
            suggestion__status__in=HANDLING_STATUSES,
            suggestion__merged_into__isnull=True,
        ).select_related("suggestion__congress")
        if overdue_reminder_due((today - assignment.opinion_due_on).days)
    ]
    for assignment in late_opinions:
        chosen.setdefault(assignment.suggestion_id, assignment.suggestion)
    if not chosen:
        return []
    units_of: dict[int, set[int]] = defaultdict(set)
    for suggestion_id, unit_id in SuggestionAssignment.objects.filter(
        suggestion_id__in=list(chosen), status=AssignmentStatus.ACTIVE
    ).values_list("suggestion_id", "unit_id"):
        units_of[suggestion_id].add(unit_id)

    plans: dict[int, Plan] = {}
    for pk, suggestion in sorted(chosen.items(), key=lambda item: (item[1].due_on, item[0])):
        plan = plans[pk] = Plan(suggestion=suggestion)
        label = suggestion.number_display or _("an unnumbered suggestion")
        due = date_format(suggestion.due_on, "SHORT_DATE_FORMAT")
        key = f"{pk}:{suggestion.round}:{suggestion.due_on.isoformat()}"
        days_left = (suggestion.due_on - today).days
        if days_left in points:
            title = ngettext(
                "%(number)s: the reply is due in %(days)d day (%(date)s)",
                "%(number)s: the reply is due in %(days)d days (%(date)s)",
                days_left,
            ) % {"number": label, "days": days_left, "date": due}
            plan.notices.append(
                (KIND_DUE_SOON, title, f"{KIND_DUE_SOON}:{key}:{days_left}", units_of[pk])
            )
            plan.notes.append(
                ngettext("%(days)d day left.", "%(days)d days left.", days_left)
                % {"days": days_left}
            )
        elif days_left < 0 and overdue_reminder_due(-days_left):
            title = ngettext(
                "%(number)s: the reply is %(days)d day overdue (was due %(date)s)",
                "%(number)s: the reply is %(days)d days overdue (was due %(date)s)",
                -days_left,
            ) % {"number": label, "days": -days_left, "date": due}
            plan.notices.append(
                (KIND_OVERDUE, title, f"{KIND_OVERDUE}:{key}:{-days_left}", units_of[pk])
            )
            plan.notes.append(
                ngettext("%(days)d day overdue.", "%(days)d days overdue.", -days_left)
                % {"days": -days_left}
            )
    for assignment in late_opinions:
        plan = plans[assignment.suggestion_id]
        suggestion = plan.suggestion
        late = (today - assignment.opinion_due_on).days
        title = _(
            "%(number)s: your unit's co-handling opinion was due %(date)s; send it to the lead unit"
        ) % {
            "number": suggestion.number_display or _("an unnumbered suggestion"),
            "date": date_format(assignment.opinion_due_on, "SHORT_DATE_FORMAT"),
        }
        key = (
            f"{KIND_OPINION_OVERDUE}:{assignment.pk}:{assignment.opinion_due_on.isoformat()}:{late}"
        )
        plan.notices.append((KIND_OPINION_OVERDUE, title, key, {assignment.unit_id}))
        plan.notes.append(_("A co-handling opinion is overdue."))
    return [plan for plan in plans.values() if plan.notices]


def send_suggestion_reminders(*, congress: Congress, today: date, job: JobContext | None = None):
    """Send today's reminders for one congress; returns how many suggestions were reminded and
    how many notices went out (none the second time on the same day)."""
    with translation.override(settings.LANGUAGE_CODE):
        plans = plan_reminders(congress=congress, today=today)
        unit_ids = {
            unit_id for plan in plans for *_rest, units in plan.notices for unit_id in units
        }
        liaisons_of: dict[int, list] = defaultdict(list)
        for link in UnitLiaison.objects.filter(unit_id__in=unit_ids).select_related("user"):
            liaisons_of[link.unit_id].append(link.user)
        reminded = notices = 0
        counts = defaultdict(int)
        for index, plan in enumerate(plans, 1):
            told_here = 0
            for kind, title, key, units in plan.notices:
                users = [user for unit_id in sorted(units) for user in liaisons_of[unit_id]]
                told = lifecycle.tell(
                    plan.suggestion,
                    users,
                    audience="unit",
                    kind=kind,
                    title=title,
                    dedupe=key,
                )
                counts[kind] += told
                told_here += told
            if told_here:
                reminded += 1
                notices += told_here
                lifecycle.record(
                    plan.suggestion, action="reminder", actor=None, note=" ".join(plan.notes)
                )
            if job is not None and index % 50 == 0:
                job.progress(index * 100 // len(plans))
    return {
        "suggestions_reminded": reminded,
        "notices": notices,
        "due_soon": counts[KIND_DUE_SOON],
        "overdue": counts[KIND_OVERDUE],
        "opinion_overdue": counts[KIND_OPINION_OVERDUE],
    }


@congress_task(label=gettext_lazy("Suggestion reminders"))
def suggestion_reminders(job: JobContext) -> dict:
    return send_suggestion_reminders(congress=job.congress, today=timezone.localdate(), job=job)
