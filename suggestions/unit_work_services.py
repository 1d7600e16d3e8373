"""Writes for a handling unit's work: return a wrongly assigned item, give a co-handling opinion,
log contacts with the deputy, reply with a class and a signed letter, report a B reply solved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.files import clean_document
from congress.models import Membership, User
from congress.permissions import membership_can
from congress.selectors import membership_for
from liaison.selectors import unit_ids_for_user
from suggestions import lifecycle
from suggestions.models import (
    HANDLING_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    ContactLog,
    ContactMethod,
    ContactStage,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionReply,
    SuggestionStatus,
)

# After a reply (whether or not the deputy has rated it yet) a B reply may be reported solved.
ANSWERED_STATUSES = (SuggestionStatus.REPLIED, SuggestionStatus.CLOSED)


def _membership(actor: User, suggestion: Suggestion) -> Membership | None:
    return membership_for(user=actor, congress=suggestion.congress)


def is_staff_for(actor: User, suggestion: Suggestion) -> bool:
    """Committee staff may act on a unit's behalf (a paper reply, a contact they witnessed)."""
    return membership_can(_membership(actor, suggestion), "suggestions.process_suggestions")


def our_assignments(actor: User, suggestion: Suggestion) -> list[SuggestionAssignment]:
    """The actor's units' active assignments on the suggestion, the lead one first."""
    units = unit_ids_for_user(user=actor)
    assignments = SuggestionAssignment.objects.filter(
        suggestion=suggestion, unit_id__in=units, status=AssignmentStatus.ACTIVE
    ).select_related("unit")
    return sorted(assignments, key=lambda a: (a.role != AssignmentRole.LEAD, a.pk))


def _not_ours() -> DomainError:
    return DomainError(
        _("Your unit is not handling this suggestion."),
        code="forbidden",
    )


def _pick_assignment(
    actor: User, suggestion: Suggestion, assignment_id: int | None
) -> SuggestionAssignment:
    """The liaison's own active assignment: the one named, or the only (or lead) one."""
    ours = our_assignments(actor, suggestion)
    if assignment_id is not None:
        ours = [assignment for assignment in ours if assignment.pk == int(assignment_id)]
    if not ours:
        raise _not_ours()
    return ours[0]


def _refuse_unless_handling(suggestion: Suggestion, action: str) -> None:
    if suggestion.status not in HANDLING_STATUSES:
        raise lifecycle.refusal(suggestion, action)


def _refuse_if_follower(suggestion: Suggestion) -> None:
    if suggestion.merged_into_id:
        raise DomainError(
            _(
                "This suggestion is handled together with %(main)s: act on that one, "
                "and it is carried over here."
            )
            % {"main": suggestion.merged_into},
            code="status",
        )


# Returning a wrongly assigned item --------------------------------------------------------------


@transaction.atomic
def suggestion_unit_return(
    *,
    actor: User,
    suggestion: Suggestion,
    reason: str,
    expected_version: int | None = None,
    assignment_id: int | None = None,
) -> SuggestionAssignment:
    """The unit sends its part back as wrongly assigned (within the days the congress allows,
    and before the lead unit replied); staff are told so they can reassign it."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    if suggestion.status not in HANDLING_STATUSES:
        raise DomainError(
            _("This suggestion is “%(status)s”: it can no longer be returned.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    assignment = _pick_assignment(actor, suggestion, assignment_id)
    today = timezone.localdate()
    if today > assignment.return_by:
        raise DomainError(
            _(
                "A wrongly assigned suggestion may be returned only until %(date)s. "
                "Ask the committee staff if it still needs to go to another unit."
            )
            % {"date": assignment.return_by.isoformat()},
            code="status",
        )
    if suggestion.replies.filter(round=suggestion.round).exists():
        raise DomainError(_("The lead unit has already replied: it can no longer be returned."))
    reason = lifecycle.clean_text(
        reason, field="reason", label=_("the reason for returning"), limit=500
    )
    assignment.status = AssignmentStatus.RETURNED
    assignment.returned_at = timezone.now()
    assignment.return_reason = reason
    assignment._history_user = actor
    assignment.save(update_fields=["status", "returned_at", "return_reason"])
    # The suggestion's handling changed: pages showing the old assignments are now stale.
    lifecycle.save(suggestion, actor, update_fields=[])
    lifecycle.record(
        suggestion,
        action="unit_return",
        actor=actor,
        note=f"{assignment.unit.name}（{assignment.get_role_display()}）：{reason}",
    )
    lifecycle.tell(
        suggestion,
        lifecycle.staff_users(suggestion.congress),
        audience="staff",
        kind="suggestion_unit_return",
        title=_("%(unit)s returned a suggestion as wrongly assigned: please reassign it")
        % {"unit": assignment.unit.name},
        body=f"{suggestion}：{reason}",
        actor=actor,
    )
    return assignment


# A co-handling unit's opinion --------------------------------------------------------------------


@transaction.atomic
def suggestion_co_opinion(
    *,
    actor: User,
    suggestion: Suggestion,
    opinion: str,
    expected_version: int | None = None,
    assignment_id: int | None = None,
) -> SuggestionAssignment:
    """A co-handling unit gives the lead unit its opinion (it may give it again, while the item
    is being handled; the history keeps the earlier text)."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_if_follower(suggestion)
    if suggestion.status not in HANDLING_STATUSES:
        raise DomainError(
            _("This suggestion is “%(status)s”: opinions are no longer needed.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    ours = [
        assignment
        for assignment in our_assignments(actor, suggestion)
        if assignment.role == AssignmentRole.CO
        and (assignment_id is None or assignment.pk == int(assignment_id))
    ]
    if not ours:
        raise DomainError(
            _("Only a co-handling unit gives its opinion to the lead unit."), code="forbidden"
        )
    assignment = ours[0]
    opinion = lifecycle.clean_text(opinion, field="opinion", label=_("the opinion"), limit=5000)
    assignment.opinion = opinion
    assignment.opinion_at = timezone.now()
    assignment._history_user = actor
    assignment.save(update_fields=["opinion", "opinion_at"])
    lifecycle.record(suggestion, action="co_opinion", actor=actor, note=assignment.unit.name)
    lead_units = SuggestionAssignment.objects.filter(
        suggestion=suggestion, role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
    ).values_list("unit_id", flat=True)
    lifecycle.tell(
        suggestion,
        lifecycle.unit_liaison_users(lead_units),
        audience="unit",
        kind="suggestion_co_opinion",
        title=_("%(unit)s gave its co-handling opinion") % {"unit": assignment.unit.name},
        actor=actor,
    )
    return assignment


# Contacts with the deputy ------------------------------------------------------------------------


@transaction.atomic
def contact_log_add(
    *,
    actor: User,
    suggestion: Suggestion,
    stage: str,
    method: str,
    contacted_on: date | None,
    text: str,
    unit: HandlingUnit | None = None,
) -> ContactLog:
    """Record a unit's contact with the deputy, before, during or after handling.

    A liaison records it for their own unit; staff record it for the unit they name (the lead
    unit when they name none). The unit must be handling the suggestion.
    """
    suggestion = lifecycle.locked(suggestion)
    if is_staff_for(actor, suggestion):
        active = SuggestionAssignment.objects.filter(
            suggestion=suggestion, status=AssignmentStatus.ACTIVE
        ).select_related("unit")
        if unit is not None:
            active = active.filter(unit=unit)
        assignment = min(active, key=lambda a: (a.role != AssignmentRole.LEAD, a.pk), default=None)
        if assignment is None:
            raise DomainError(_("No unit is handling this suggestion."), field="unit")
    else:
        ours = our_assignments(actor, suggestion)
        if unit is not None:
            ours = [assignment for assignment in ours if assignment.unit_id == unit.pk]
        if not ours:
            raise _not_ours()
        assignment = ours[0]
    if stage not in ContactStage.values:
        raise DomainError(_("Choose when the contact took place."), field="stage")
    if method not in ContactMethod.values:
        raise DomainError(_("Choose how the deputy was contacted."), field="method")
    if contacted_on is None:
        raise DomainError(_("Fill in the date of the contact."), field="contacted_on")
    if contacted_on > timezone.localdate():
        raise DomainError(
            _("The date of the contact cannot be in the future."), field="contacted_on"
        )
    text = lifecycle.clean_text(text, field="text", label=_("what was discussed"), limit=2000)
    contact = ContactLog(
        congress=suggestion.congress,
        suggestion=suggestion,
        unit=assignment.unit,
        stage=stage,
        method=method,
        contacted_on=contacted_on,
        text=text,
        recorded_by=actor,
    )
    contact._history_user = actor
    contact.save()
    lifecycle.record(
        suggestion,
        action="contact",
        actor=actor,
        note=f"{assignment.unit.name}：{contact.get_stage_display()}，"
        f"{contact.get_method_display()}，{contacted_on.isoformat()}",
    )
    return contact


# The reply ---------------------------------------------------------------------------------------


def _clean_reply_class(suggestion: Suggestion, reply_class: str) -> str:
    reply_class = (reply_class or "").strip()
    codes = suggestion.congress.reply_class_codes
    if reply_class not in codes:
        raise DomainError(
            _("Choose the reply's class: one of %(codes)s.") % {"codes": "、".join(codes)},
            field="reply_class",
        )
    return reply_class


def _clean_letter(letter):
    if letter is None:
        raise DomainError(_("Attach the signed reply letter."), field="letter")
    try:
        return clean_document(letter)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="letter") from error


def _reply_once(
    suggestion: Suggestion,
    *,
    actor: User,
    unit: HandlingUnit,
    reply_class: str,
    text: str,
    letter,
    letter_name: str,
    replied_on: date,
    check_role: bool,
    note: str,
) -> SuggestionReply:
    reply = SuggestionReply(
        congress=suggestion.congress,
        suggestion=suggestion,
        round=suggestion.round,
        unit=unit,
        reply_class=reply_class,
        text=text,
        letter=letter,
        letter_name=letter_name,
        replied_on=replied_on,
        due_on=suggestion.due_on or replied_on,
        replied_by=actor,
    )
    reply._history_user = actor
    reply.save()
    lifecycle.apply(
        suggestion,
        "reply",
        actor=actor,
        note=note,
        check_role=check_role,
        replied_on=replied_on,
        reply_class=reply_class,
    )
    lifecycle.feedback_request(suggestion, actor=actor)
    return reply


@transaction.atomic
def suggestion_reply(
    *,
    actor: User,
    suggestion: Suggestion,
    reply_class: str,
    text: str,
    letter,
    expected_version: int | None = None,
) -> SuggestionReply:
    """The lead unit's reply for this round (or staff entering a paper reply on its behalf),
    with its class and the signed letter; the deputies are asked to rate it, and every
    suggestion merged into this one gets the same reply."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_if_follower(suggestion)
    _refuse_unless_handling(suggestion, "reply")
    lead = (
        SuggestionAssignment.objects.filter(
            suggestion=suggestion, role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
        )
        .select_related("unit")
        .first()
    )
    if lead is None:
        raise DomainError(
            _("No lead unit is handling this suggestion: staff must assign one first."),
            code="status",
        )
    staff = is_staff_for(actor, suggestion)
    if not staff and lead.unit_id not in unit_ids_for_user(user=actor):
        raise DomainError(
            _(
                "Only the lead unit replies to the deputy; a co-handling unit gives its "
                "opinion to the lead unit."
            ),
            code="forbidden",
        )
    reply_class = _clean_reply_class(suggestion, reply_class)
    text = lifecycle.clean_text(text, field="text", label=_("the reply"), limit=20000)
    content, letter_name = _clean_letter(letter)
    replied_on = timezone.localdate()
    note = _("%(unit)s replied, class %(code)s") % {"unit": lead.unit.name, "code": reply_class}
    if staff:
        note += _(" (entered by staff from the paper reply)")
    reply = _reply_once(
        suggestion,
        actor=actor,
        unit=lead.unit,
        reply_class=reply_class,
        text=text,
        letter=content,
        letter_name=letter_name,
        replied_on=replied_on,
        check_role=True,
        note=note,
    )
    # Each deputy of a merged suggestion is answered on their own suggestion; the letter's
    # stored file is shared rather than copied.
    followers = Suggestion.objects.filter(
        merged_into=suggestion, status__in=HANDLING_STATUSES
    ).values_list("pk", flat=True)
    for follower_id in list(followers):
        follower = lifecycle.locked(follower_id)
        _reply_once(
            follower,
            actor=actor,
            unit=lead.unit,
            reply_class=reply_class,
            text=text,
            letter=reply.letter.name,
            letter_name=letter_name,
            replied_on=replied_on,
            # The actor's right was checked on the main suggestion, which answers for it.
            check_role=False,
            note=_("Replied together with %(main)s") % {"main": suggestion},
        )
    lifecycle.tell(
        suggestion,
        lifecycle.staff_users(suggestion.congress),
        audience="staff",
        kind="suggestion_replied",
        title=_("%(unit)s replied to a suggestion (class %(code)s)")
        % {"unit": lead.unit.name, "code": reply_class},
        actor=actor,
    )
    return reply


# Following up a "being solved" reply -------------------------------------------------------------


def _open_follow_up(suggestion: Suggestion) -> SuggestionReply | None:
    """The latest reply when it is of the follow-up class and not yet reported solved."""
    reply = suggestion.replies.select_related("unit").order_by("-round").first()
    if (
        reply is None
        or reply.round != suggestion.round
        or reply.reply_class != suggestion.congress.follow_up_reply_class
        or reply.solved_on is not None
        or suggestion.status not in ANSWERED_STATUSES
    ):
        return None
    return reply


def _mark_solved(
    suggestion: Suggestion, reply: SuggestionReply, *, actor: User, solved_on: date, note: str
) -> None:
    reply.solved_on = solved_on
    reply.solved_note = note
    reply._history_user = actor
    reply.save(update_fields=["solved_on", "solved_note"])
    suggestion.follow_up_done_on = solved_on
    lifecycle.save(suggestion, actor, update_fields=["follow_up_done_on"])
    lifecycle.record(
        suggestion, action="report_solved", actor=actor, note=f"{solved_on.isoformat()}：{note}"
    )


@transaction.atomic
def suggestion_report_solved(
    *,
    actor: User,
    suggestion: Suggestion,
    solved_on: date | None,
    note: str,
    expected_version: int | None = None,
) -> SuggestionReply:
    """The unit reports that what its "being solved" reply promised is now solved: the item
    leaves the follow-up list."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _refuse_if_follower(suggestion)
    reply = _open_follow_up(suggestion)
    if reply is None:
        raise DomainError(
            _("There is no “being solved” reply waiting to be reported solved."), code="status"
        )
    if not is_staff_for(actor, suggestion) and reply.unit_id not in unit_ids_for_user(user=actor):
        raise DomainError(_("Only the unit that replied reports it solved."), code="forbidden")
    if solved_on is None:
        raise DomainError(_("Fill in the day it was solved."), field="solved_on")
    if solved_on > timezone.localdate():
        raise DomainError(_("The day it was solved cannot be in the future."), field="solved_on")
    if solved_on < reply.replied_on:
        raise DomainError(
            _("The day it was solved cannot be before the reply (%(date)s).")
            % {"date": reply.replied_on.isoformat()},
            field="solved_on",
        )
    note = lifecycle.clean_text(note, field="note", label=_("how it was solved"), limit=1000)
    _mark_solved(suggestion, reply, actor=actor, solved_on=solved_on, note=note)
    for follower_id in list(suggestion.merged.values_list("pk", flat=True)):
        follower = lifecycle.locked(follower_id)
        follower_reply = _open_follow_up(follower)
        if follower_reply is not None:
            _mark_solved(follower, follower_reply, actor=actor, solved_on=solved_on, note=note)
    lifecycle.tell(
        suggestion,
        lifecycle.staff_users(suggestion.congress),
        audience="staff",
        kind="suggestion_solved",
        title=_("%(unit)s reports a “being solved” suggestion solved") % {"unit": reply.unit.name},
        actor=actor,
    )
    return reply
