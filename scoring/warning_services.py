"""Writes for warnings: recording a warning talk (约谈) and tuning the warning rules."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.models import Congress, User

from .models import DutyWarning, TalkOutcome, WarningCondition, WarningRule, WarningTalk
from .services import warning_rules_install_defaults

MAX_HELD_BY = 100
MAX_NOTES = 2000

# Which parameter each condition reads; the others are kept but do nothing.
RULE_PARAMETERS = {
    WarningCondition.BOTTOM_QUARTER: ("share_percent",),
    WarningCondition.BOTTOM_QUARTERS_RUNNING: ("share_percent", "runs"),
    WarningCondition.BOTTOM_YEARS_RUNNING: ("share_percent", "runs"),
    WarningCondition.FEW_RECESS_ACTIVITIES: ("minimum",),
    WarningCondition.NO_SUGGESTION_IN_TERM: ("grace_months",),
}
LIMITS = {
    "share_percent": (1, 50),
    "runs": (1, 8),
    "minimum": (1, 50),
    "grace_months": (0, 60),
}


@transaction.atomic
def warning_talk_record(
    *,
    actor: User,
    warning: DutyWarning,
    held_on: date | None,
    held_by: str,
    notes: str,
    outcome: str,
) -> WarningTalk:
    """Record a warning talk held with the deputy and its outcome."""
    if held_on is None:
        raise DomainError(_("Enter the day the talk was held."), field="held_on")
    if held_on > timezone.localdate():
        raise DomainError(_("The talk cannot be in the future."), field="held_on")
    if held_on < warning.raised_at.date():
        raise DomainError(
            _("The talk cannot be before the warning was raised (%(day)s).")
            % {"day": warning.raised_at.date().isoformat()},
            field="held_on",
        )
    held_by = " ".join((held_by or "").split())
    if not held_by:
        raise DomainError(_("Say who held the talk."), field="held_by")
    if len(held_by) > MAX_HELD_BY:
        raise DomainError(
            _("Who held the talk can be at most %(count)s characters.") % {"count": MAX_HELD_BY},
            field="held_by",
        )
    notes = (notes or "").strip()
    if not notes:
        raise DomainError(_("Write down what was said."), field="notes")
    if len(notes) > MAX_NOTES:
        raise DomainError(
            _("The notes can be at most %(count)s characters.") % {"count": MAX_NOTES},
            field="notes",
        )
    if outcome not in TalkOutcome.values:
        raise DomainError(_("Choose the outcome of the talk."), field="outcome")
    talk = WarningTalk(
        congress=warning.congress,
        warning=warning,
        held_on=held_on,
        held_by=held_by,
        notes=notes,
        outcome=outcome,
        recorded_by=actor,
    )
    talk._history_user = actor
    talk.save()
    return talk


@transaction.atomic
def warning_rule_update(
    *,
    actor: User,
    rule: WarningRule,
    share_percent: int | None = None,
    runs: int | None = None,
    minimum: int | None = None,
    grace_months: int | None = None,
    is_active: bool | None = None,
) -> WarningRule:
    """Change a warning rule's parameters or switch it on or off; the next ranking applies it."""
    values = {
        "share_percent": share_percent,
        "runs": runs,
        "minimum": minimum,
        "grace_months": grace_months,
    }
    messages = {
        "share_percent": _("The bottom share is between %(low)s%% and %(high)s%%."),
        "runs": _("Running is between %(low)s and %(high)s."),
        "minimum": _("The minimum a year is between %(low)s and %(high)s."),
        "grace_months": _("The months into the term are between %(low)s and %(high)s."),
    }
    for name, value in values.items():
        if value is None:
            continue
        low, high = LIMITS[name]
        if not low <= int(value) <= high:
            raise DomainError(messages[name] % {"low": low, "high": high}, field=name)
        setattr(rule, name, int(value))
    if is_active is not None:
        rule.is_active = bool(is_active)
    rule._history_user = actor
    rule.save()
    return rule


@transaction.atomic
def warning_rules_install(*, actor: User, congress: Congress) -> int:
    """Install the starting rules (otherwise the first ranking does); returns how many."""
    return warning_rules_install_defaults(congress=congress)
