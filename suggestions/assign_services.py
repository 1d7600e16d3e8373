"""Writes for assignment (交办): assign to a lead unit and co-handling units, reassign, extend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.calendar import add_working_days
from congress.errors import DomainError
from congress.models import Congress, User
from congress.permissions import membership_can
from congress.selectors import membership_for
from suggestions import lifecycle
from suggestions.models import (
    HANDLING_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionExtension,
    SuggestionStatus,
)

MAX_REASON = 500
MAX_APPROVER = 100
KIND_ASSIGNED = "suggestion_assigned"
KIND_DEADLINE = "suggestion_deadline"


@dataclass(frozen=True)
class Deadlines:
    """The dates an assignment made on `assigned_on` brings with it."""

    assigned_on: date
    due_on: date
    return_by: date
    opinion_due_on: date


def deadlines_for(congress: Congress, assigned_on: date, *, months: int | None = None) -> Deadlines:
    """The reply due date (moved off holidays), the last day a unit may return the item, and
    the day co-handling units owe the lead unit their opinion."""
    return Deadlines(
        assigned_on=assigned_on,
        due_on=lifecycle.deadline_after_months(
            assigned_on, months if months is not None else congress.reply_deadline_months
        ),
        return_by=add_working_days(assigned_on, congress.unit_return_working_days),
        opinion_due_on=lifecycle.deadline_after_months(
            assigned_on, congress.co_handling_opinion_months
        ),
    )


def extension_limit(suggestion: Suggestion) -> date | None:
    """The latest due date an extension may give: the longest reply period from assignment."""
    if suggestion.assigned_on is None:
        return None
    return lifecycle.deadline_after_months(
        suggestion.assigned_on, suggestion.congress.reply_deadline_max_months
    )


# --- Checks ---------------------------------------------------------------------------------


def _require_staff(actor: User, congress: Congress) -> None:
    membership = membership_for(user=actor, congress=congress)
    if not membership_can(membership, "suggestions.process_suggestions"):
        raise DomainError(_("Only committee staff assign suggestions."), code="forbidden")


def _refuse_follower(suggestion: Suggestion) -> None:
    if suggestion.merged_into_id:
        main = suggestion.merged_into
        raise DomainError(
            _(
                "This suggestion is handled together with %(main)s: assign, reassign or extend "
                "that one, and this one follows it."
            )
            % {"main": main.number_display or main.title},
            code="status",
        )


def _require_handling(suggestion: Suggestion, action: str) -> None:
    if suggestion.status not in HANDLING_STATUSES:
        raise DomainError(
            _("This suggestion is “%(status)s”: you cannot %(action)s now.")
            % {"status": suggestion.get_status_display(), "action": action},
            code="status",
        )


def _check_unit(unit: HandlingUnit, congress: Congress, field: str) -> None:
    if unit.congress_id != congress.pk:
        raise DomainError(_("No such handling unit."), field=field)
    if not unit.is_active:
        raise DomainError(
            _("%(unit)s is no longer an active handling unit.") % {"unit": unit.name},
            field=field,
        )


def _distinct(units: Iterable[HandlingUnit]) -> list[HandlingUnit]:
    seen, result = set(), []
    for unit in units:
        if unit.pk not in seen:
            seen.add(unit.pk)
            result.append(unit)
    return result


def _unit_names(units: Iterable[HandlingUnit]) -> str:
    return "、".join(unit.name for unit in units)


# --- Assignment rows ------------------------------------------------------------------------


def _add_assignment(
    suggestion: Suggestion,
    unit: HandlingUnit,
    *,
    role: str,
    deadlines: Deadlines,
    actor: User,
) -> SuggestionAssignment:
    assignment = SuggestionAssignment(
        congress=suggestion.congress,
        suggestion=suggestion,
        unit=unit,
        role=role,
        assigned_on=deadlines.assigned_on,
        return_by=deadlines.return_by,
        opinion_due_on=deadlines.opinion_due_on if role == AssignmentRole.CO else None,
        assigned_by=actor,
    )
    assignment._history_user = actor
    assignment.save()
    return assignment


def _withdraw(assignment: SuggestionAssignment, actor: User) -> None:
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment._history_user = actor
    assignment.save(update_fields=["status"])


def _followers(suggestion: Suggestion, statuses) -> list[Suggestion]:
    """The suggestions merged into this one (并案) that are at the given statuses, locked."""
    ids = list(
        Suggestion.objects.filter(merged_into=suggestion, status__in=list(statuses))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [lifecycle.locked(pk) for pk in ids]


def _tell_units(
    suggestion: Suggestion, units: Iterable[HandlingUnit], *, title: str, actor: User, dedupe: str
) -> int:
    units = list(units)
    if not units:
        return 0
    return lifecycle.tell(
        suggestion,
        lifecycle.unit_liaison_users([unit.pk for unit in units]),
        audience="unit",
        kind=KIND_ASSIGNED,
        title=title,
        actor=actor,
        dedupe=dedupe,
    )


# --- Assign ---------------------------------------------------------------------------------


@transaction.atomic
def suggestion_assign(
    *,
    actor: User,
    suggestion: Suggestion,
    lead_unit: HandlingUnit,
    co_units: Iterable[HandlingUnit] = (),
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Assign an accepted suggestion (交办): one lead unit and any co-handling units.

    The due date is stored (the reply period from today, moved off holidays); suggestions
    merged into this one are assigned the same way; the units' liaisons are told.
    """
    suggestion = lifecycle.locked(suggestion)
    congress = suggestion.congress
    _require_staff(actor, congress)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_follower(suggestion)
    if suggestion.status != SuggestionStatus.ACCEPTED:
        raise lifecycle.refusal(suggestion, "assign")
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=lifecycle.MAX_NOTE, required=False
    )
    co_units = _distinct(co_units)
    _check_unit(lead_unit, congress, "lead_unit")
    for unit in co_units:
        _check_unit(unit, congress, "co_units")
        if unit.pk == lead_unit.pk:
            raise DomainError(
                _("%(unit)s is the lead unit: it cannot also be a co-handling unit.")
                % {"unit": unit.name},
                field="co_units",
            )

    deadlines = deadlines_for(congress, timezone.localdate())
    summary = _("Lead unit: %(lead)s.") % {"lead": lead_unit.name}
    if co_units:
        summary += " " + _("Co-handling: %(units)s.") % {"units": _unit_names(co_units)}
    for target in [suggestion, *_followers(suggestion, [SuggestionStatus.ACCEPTED])]:
        lifecycle.apply(
            target,
            "assign",
            actor=actor,
            note=" ".join(part for part in (summary, note) if part),
            assigned_on=deadlines.assigned_on,
            due_on=deadlines.due_on,
        )
        _add_assignment(
            target, lead_unit, role=AssignmentRole.LEAD, deadlines=deadlines, actor=actor
        )
        for unit in co_units:
            _add_assignment(target, unit, role=AssignmentRole.CO, deadlines=deadlines, actor=actor)

    _tell_units(
        suggestion,
        [lead_unit, *co_units],
        title=_("A suggestion was assigned to your unit, reply due %(date)s")
        % {"date": date_format(deadlines.due_on, "SHORT_DATE_FORMAT")},
        actor=actor,
        dedupe=f"suggestion-assigned:{suggestion.pk}:{deadlines.assigned_on.isoformat()}",
    )
    return suggestion


# --- Reassign -------------------------------------------------------------------------------


def _reassign_one(
    suggestion: Suggestion,
    *,
    actor: User,
    lead_unit: HandlingUnit | None,
    add_co_units: list[HandlingUnit],
    withdraw_co_units: list[HandlingUnit],
    deadlines: Deadlines,
    restart_deadline: bool,
    note: str,
) -> None:
    active = list(suggestion.assignments.filter(status=AssignmentStatus.ACTIVE))
    by_unit = {assignment.unit_id: assignment for assignment in active}
    if lead_unit is not None:
        for assignment in active:
            # The old lead steps back; a co unit promoted to lead keeps one active row only.
            if assignment.role == AssignmentRole.LEAD or assignment.unit_id == lead_unit.pk:
                _withdraw(assignment, actor)
                by_unit.pop(assignment.unit_id, None)
        _add_assignment(
            suggestion, lead_unit, role=AssignmentRole.LEAD, deadlines=deadlines, actor=actor
        )
    for unit in withdraw_co_units:
        assignment = by_unit.pop(unit.pk, None)
        if assignment is not None:
            _withdraw(assignment, actor)
    for unit in add_co_units:
        if unit.pk not in by_unit:
            _add_assignment(
                suggestion, unit, role=AssignmentRole.CO, deadlines=deadlines, actor=actor
            )
    if restart_deadline:
        suggestion.assigned_on = deadlines.assigned_on
        suggestion.due_on = deadlines.due_on
    lifecycle.save(suggestion, actor)
    lifecycle.record(suggestion, action="reassign", actor=actor, note=note)


@transaction.atomic
def suggestion_reassign(
    *,
    actor: User,
    suggestion: Suggestion,
    reason: str,
    lead_unit: HandlingUnit | None = None,
    add_co_units: Iterable[HandlingUnit] = (),
    withdraw_co_units: Iterable[HandlingUnit] = (),
    restart_deadline: bool = False,
    expected_version: int | None = None,
) -> Suggestion:
    """Change who handles a suggestion: a new lead unit (after the old one returned it, or by
    staff decision, which withdraws the old one) and co-handling units added or withdrawn.

    The due date stays unless staff restart it (then it runs from today). Carried to the
    suggestions merged into this one; recorded with who and why.
    """
    suggestion = lifecycle.locked(suggestion)
    congress = suggestion.congress
    _require_staff(actor, congress)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_follower(suggestion)
    _require_handling(suggestion, _("reassign it"))
    reason = lifecycle.clean_text(reason, field="reason", label=_("the reason"), limit=MAX_REASON)
    add_co_units = _distinct(add_co_units)
    withdraw_co_units = _distinct(withdraw_co_units)

    active = list(suggestion.assignments.filter(status=AssignmentStatus.ACTIVE))
    current_lead = next((a for a in active if a.role == AssignmentRole.LEAD), None)
    active_co = {a.unit_id for a in active if a.role == AssignmentRole.CO}
    if lead_unit is not None:
        _check_unit(lead_unit, congress, "lead_unit")
        if current_lead is not None and current_lead.unit_id == lead_unit.pk:
            lead_unit = None  # the same lead unit: nothing to change there
    if lead_unit is None and current_lead is None:
        raise DomainError(
            _("The lead unit returned this suggestion: choose the new lead unit."),
            field="lead_unit",
        )
    new_lead_id = lead_unit.pk if lead_unit is not None else current_lead.unit_id
    for unit in withdraw_co_units:
        if unit.pk not in active_co:
            raise DomainError(
                _("%(unit)s is not a co-handling unit of this suggestion.") % {"unit": unit.name},
                field="withdraw_co_units",
            )
    for unit in add_co_units:
        _check_unit(unit, congress, "add_co_units")
        if unit.pk == new_lead_id:
            raise DomainError(
                _("%(unit)s is the lead unit: it cannot also be a co-handling unit.")
                % {"unit": unit.name},
                field="add_co_units",
            )
        if unit.pk in active_co and unit not in withdraw_co_units:
            raise DomainError(
                _("%(unit)s already co-handles this suggestion.") % {"unit": unit.name},
                field="add_co_units",
            )
    if lead_unit is None and not add_co_units and not withdraw_co_units and not restart_deadline:
        raise DomainError(_("Choose what to change: the lead unit or the co-handling units."))

    today = timezone.localdate()
    months = (
        congress.rehandling_deadline_months
        if suggestion.status == SuggestionStatus.REHANDLING
        else congress.reply_deadline_months
    )
    deadlines = deadlines_for(congress, today, months=months)
    parts = [reason]
    if lead_unit is not None:
        parts.append(_("New lead unit: %(unit)s.") % {"unit": lead_unit.name})
    if add_co_units:
        parts.append(_("Co-handling added: %(units)s.") % {"units": _unit_names(add_co_units)})
    if withdraw_co_units:
        parts.append(
            _("Co-handling withdrawn: %(units)s.") % {"units": _unit_names(withdraw_co_units)}
        )
    if restart_deadline:
        parts.append(
            _("The deadline restarts: due %(date)s.")
            % {"date": date_format(deadlines.due_on, "SHORT_DATE_FORMAT")}
        )
    note = " ".join(parts)
    for target in [suggestion, *_followers(suggestion, HANDLING_STATUSES)]:
        _reassign_one(
            target,
            actor=actor,
            lead_unit=lead_unit,
            add_co_units=add_co_units,
            withdraw_co_units=withdraw_co_units,
            deadlines=deadlines,
            restart_deadline=restart_deadline,
            note=note,
        )

    newcomers = ([lead_unit] if lead_unit is not None else []) + add_co_units
    _tell_units(
        suggestion,
        newcomers,
        title=_("A suggestion was assigned to your unit, reply due %(date)s")
        % {"date": date_format(suggestion.due_on, "SHORT_DATE_FORMAT")},
        actor=actor,
        dedupe=f"suggestion-assigned:{suggestion.pk}:{suggestion.version}",
    )
    return suggestion


# --- Extend ---------------------------------------------------------------------------------


@transaction.atomic
def suggestion_extend(
    *,
    actor: User,
    suggestion: Suggestion,
    due_on: date,
    reason: str,
    approved_by: str,
    expected_version: int | None = None,
) -> Suggestion:
    """Move the due date later with a recorded approval, never beyond the longest reply period
    from assignment (six months by default)."""
    suggestion = lifecycle.locked(suggestion)
    congress = suggestion.congress
    _require_staff(actor, congress)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_follower(suggestion)
    _require_handling(suggestion, _("extend its deadline"))
    reason = lifecycle.clean_text(reason, field="reason", label=_("the reason"), limit=MAX_REASON)
    approved_by = lifecycle.clean_text(
        approved_by,
        field="approved_by",
        label=_("the approving official"),
        limit=MAX_APPROVER,
    )
    if due_on is None:
        raise DomainError(_("Fill in the new due date."), field="due_on")
    due_on = lifecycle.next_working_day(due_on)
    if suggestion.due_on is not None and due_on <= suggestion.due_on:
        raise DomainError(
            _("The new due date must be after the current one (%(date)s).")
            % {"date": date_format(suggestion.due_on, "SHORT_DATE_FORMAT")},
            field="due_on",
        )
    limit = extension_limit(suggestion)
    if limit is not None and due_on > limit:
        raise DomainError(
            _(
                "A reply may be due at most %(months)s months after assignment: "
                "%(date)s at the latest."
            )
            % {
                "months": congress.reply_deadline_max_months,
                "date": date_format(limit, "SHORT_DATE_FORMAT"),
            },
            field="due_on",
        )

    note = _("Due %(old)s → %(new)s, approved by %(official)s. %(reason)s") % {
        "old": date_format(suggestion.due_on, "SHORT_DATE_FORMAT") if suggestion.due_on else "—",
        "new": date_format(due_on, "SHORT_DATE_FORMAT"),
        "official": approved_by,
        "reason": reason,
    }
    for target in [suggestion, *_followers(suggestion, HANDLING_STATUSES)]:
        extension = SuggestionExtension(
            congress=congress,
            suggestion=target,
            from_due_on=target.due_on or due_on,
            to_due_on=due_on,
            reason=reason,
            approved_by=approved_by,
            recorded_by=actor,
        )
        extension._history_user = actor
        extension.save()
        target.due_on = due_on
        lifecycle.save(target, actor)
        lifecycle.record(target, action="extend", actor=actor, note=note)

    lead_and_co = HandlingUnit.objects.filter(
        assignments__suggestion=suggestion, assignments__status=AssignmentStatus.ACTIVE
    )
    lifecycle.tell(
        suggestion,
        lifecycle.unit_liaison_users(lead_and_co.values_list("pk", flat=True)),
        audience="unit",
        kind=KIND_DEADLINE,
        title=_("A suggestion's reply deadline was extended to %(date)s")
        % {"date": date_format(due_on, "SHORT_DATE_FORMAT")},
        actor=actor,
        dedupe=f"suggestion-extended:{suggestion.pk}:{due_on.isoformat()}",
    )
    return suggestion
