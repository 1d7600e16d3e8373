"""The committee staff's acts on a suggestion: accept, return, letter, merge, key supervision,
supervision notes and closing a reply the deputy never rated."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.models import User
from congress.permissions import membership_can
from congress.selectors import membership_for
from scoring.automatic import duty_records_for_suggestion
from suggestions import lifecycle
from suggestions.models import (
    Suggestion,
    SuggestionStatus,
    SupervisionEntry,
    SupervisionKind,
)

MAX_REASON = 500
MAX_NAME = 100
MAX_SUPERVISION_TEXT = 2000
# A reply the deputy has not rated for this many days may be closed by staff.
UNRATED_CLOSE_DAYS = 30
# Key supervision is for what the committee has taken on and not yet finished.
KEY_STATUSES = (
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.ASSIGNED,
    SuggestionStatus.REPLIED,
    SuggestionStatus.REHANDLING,
)


def _require_staff(actor: User | None, suggestion: Suggestion) -> None:
    """The role check for acts that are not transitions (apply checks the transitions' own)."""
    membership = (
        membership_for(user=actor, congress=suggestion.congress) if actor is not None else None
    )
    if not membership_can(membership, "suggestions.process_suggestions"):
        raise DomainError(_("Only committee staff can do this."), code="forbidden")


def _tell_deputy(suggestion: Suggestion, *, actor: User | None, kind: str, title: str) -> None:
    deputy_user = suggestion.lead_deputy.user
    if deputy_user is not None:
        lifecycle.tell(
            suggestion, [deputy_user], audience="deputy", kind=kind, title=title, actor=actor
        )


# Acceptance ----------------------------------------------------------------------------------


@transaction.atomic
def suggestion_accept(
    *,
    actor: User,
    suggestion: Suggestion,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Accept a submitted suggestion and give it the next number of its series.

    A refusal after the number was drawn rolls the counter back with the transaction, so a
    number is only ever spent on a suggestion that was accepted.
    """
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    if suggestion.status != SuggestionStatus.SUBMITTED:
        raise lifecycle.refusal(suggestion, "accept")
    series = lifecycle.series_for(suggestion)
    number = lifecycle.next_number(congress=suggestion.congress, series=series)
    lifecycle.apply(suggestion, "accept", actor=actor, note=note, series=series, number=number)
    duty_records_for_suggestion(suggestion=suggestion, accepted_on=timezone.localdate())
    _tell_deputy(
        suggestion,
        actor=actor,
        kind="suggestion_accepted",
        title=_("Your suggestion was accepted as %(number)s")
        % {"number": suggestion.number_display},
    )
    return suggestion


@transaction.atomic
def suggestion_return(
    *,
    actor: User,
    suggestion: Suggestion,
    reason: str,
    expected_version: int | None = None,
) -> Suggestion:
    """Send a submitted suggestion back to the deputy to revise, saying why."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    reason = lifecycle.clean_text(
        reason, field="reason", label=_("the reason for returning it"), limit=MAX_REASON
    )
    lifecycle.apply(suggestion, "return_to_deputy", actor=actor, note=reason, reason=reason)
    _tell_deputy(
        suggestion,
        actor=actor,
        kind="suggestion_returned",
        title=_("Your suggestion was returned to you: %(reason)s") % {"reason": reason},
    )
    return suggestion


@transaction.atomic
def suggestion_make_letter(
    *,
    actor: User,
    suggestion: Suggestion,
    reason: str,
    expected_version: int | None = None,
) -> Suggestion:
    """Turn a submitted suggestion into a letter for reference (no number, no handling)."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    reason = lifecycle.clean_text(reason, field="reason", label=_("the reason"), limit=MAX_REASON)
    lifecycle.apply(suggestion, "make_letter", actor=actor, note=reason)
    _tell_deputy(
        suggestion,
        actor=actor,
        kind="suggestion_letter",
        title=_("Your suggestion was turned into a letter for reference: %(reason)s")
        % {"reason": reason},
    )
    return suggestion


# Merging (并案) -------------------------------------------------------------------------------


def _lock_pair(first: Suggestion, second: Suggestion) -> tuple[Suggestion, Suggestion]:
    # Always lock in the same order, so two people merging the same pair cannot deadlock.
    if first.pk == second.pk:
        raise DomainError(
            _("A suggestion cannot be merged into itself."), field="main", code="invalid"
        )
    if first.pk < second.pk:
        return lifecycle.locked(first), lifecycle.locked(second)
    locked_second = lifecycle.locked(second)
    return lifecycle.locked(first), locked_second


def _not_assigned_yet(suggestion: Suggestion, *, field: str | None = None) -> None:
    if suggestion.status != SuggestionStatus.ACCEPTED:
        raise DomainError(
            _(
                "%(suggestion)s is “%(status)s”: only accepted suggestions that are not yet "
                "assigned can be merged or separated."
            )
            % {"suggestion": suggestion, "status": suggestion.get_status_display()},
            field=field,
            code="status",
        )


@transaction.atomic
def suggestion_merge(
    *,
    actor: User,
    suggestion: Suggestion,
    main: Suggestion,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Handle `suggestion` together with `main` (并案): the main one is assigned and answered,
    and its handling carries to the follower, whose deputy still rates their own reply.

    Both must be accepted and not yet assigned, of the same type; no chains: the main one is
    not itself merged, and the follower is not the main one of others. The follower keeps its
    number (numbers are never given back).
    """
    follower, main = _lock_pair(suggestion, main)
    lifecycle.check_version(follower, expected_version)
    _require_staff(actor, follower)
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    _not_assigned_yet(follower)
    _not_assigned_yet(main, field="main")
    if follower.congress_id != main.congress_id:
        raise DomainError(_("Choose a suggestion of this congress."), field="main")
    if follower.kind != main.kind:
        raise DomainError(
            _("A motion and a suggestion cannot be merged with each other."), field="main"
        )
    if follower.merged_into_id is not None:
        raise DomainError(
            _("This suggestion is already handled together with %(main)s.")
            % {"main": follower.merged_into},
            code="status",
        )
    if main.merged_into_id is not None:
        raise DomainError(
            _("%(main)s is itself handled together with another one: choose that one.")
            % {"main": main},
            field="main",
        )
    if Suggestion.objects.filter(merged_into=follower).exists():
        raise DomainError(
            _(
                "Other suggestions are merged into this one: merge them into %(main)s one by "
                "one, or make this one the main suggestion."
            )
            % {"main": main},
            field="main",
        )
    follower.merged_into = main
    lifecycle.save(follower, actor, update_fields=["merged_into"])
    lifecycle.save(main, actor, update_fields=[])
    text = note or _("Handled together with %(main)s") % {"main": main}
    lifecycle.record(follower, action="merge", actor=actor, note=text)
    lifecycle.record(
        main,
        action="merge",
        actor=actor,
        note=note or _("%(follower)s is handled together with this one") % {"follower": follower},
    )
    return follower


@transaction.atomic
def suggestion_unmerge(
    *,
    actor: User,
    suggestion: Suggestion,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Separate a merged follower again, before the main one is assigned."""
    follower = lifecycle.locked(suggestion)
    lifecycle.check_version(follower, expected_version)
    _require_staff(actor, follower)
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    if follower.merged_into_id is None:
        raise DomainError(
            _("This suggestion is not handled together with another one."), code="status"
        )
    main = lifecycle.locked(follower.merged_into_id)
    _not_assigned_yet(follower)
    _not_assigned_yet(main)
    follower.merged_into = None
    lifecycle.save(follower, actor, update_fields=["merged_into"])
    lifecycle.save(main, actor, update_fields=[])
    lifecycle.record(
        follower,
        action="unmerge",
        actor=actor,
        note=note or _("Separated from %(main)s") % {"main": main},
    )
    lifecycle.record(
        main,
        action="unmerge",
        actor=actor,
        note=note or _("%(follower)s was separated from this one") % {"follower": follower},
    )
    return follower


# Key supervision (重点督办) ---------------------------------------------------------------------


@transaction.atomic
def suggestion_mark_key(
    *,
    actor: User,
    suggestion: Suggestion,
    leading_official: str,
    supervisor: str,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Put a suggestion under key supervision, led by a government leader and supervised by a
    committee leader; marking it again changes the two names."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _require_staff(actor, suggestion)
    leading_official = lifecycle.clean_text(
        leading_official,
        field="leading_official",
        label=_("the leading official"),
        limit=MAX_NAME,
    )
    supervisor = lifecycle.clean_text(
        supervisor, field="supervisor", label=_("the supervising committee leader"), limit=MAX_NAME
    )
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    if suggestion.status not in KEY_STATUSES:
        raise DomainError(
            _(
                "This suggestion is “%(status)s”: only accepted suggestions that are not yet "
                "closed can be put under key supervision."
            )
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    suggestion.is_key = True
    suggestion.key_leading_official = leading_official
    suggestion.key_supervisor = supervisor
    lifecycle.save(
        suggestion, actor, update_fields=["is_key", "key_leading_official", "key_supervisor"]
    )
    summary = _("Leading official: %(official)s; supervised by: %(supervisor)s") % {
        "official": leading_official,
        "supervisor": supervisor,
    }
    lifecycle.record(
        suggestion, action="key", actor=actor, note=f"{summary}。{note}" if note else summary
    )
    return suggestion


@transaction.atomic
def suggestion_unmark_key(
    *,
    actor: User,
    suggestion: Suggestion,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _require_staff(actor, suggestion)
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    if not suggestion.is_key:
        raise DomainError(_("This suggestion is not under key supervision."), code="status")
    suggestion.is_key = False
    suggestion.key_leading_official = ""
    suggestion.key_supervisor = ""
    lifecycle.save(
        suggestion, actor, update_fields=["is_key", "key_leading_official", "key_supervisor"]
    )
    lifecycle.record(suggestion, action="unkey", actor=actor, note=note)
    return suggestion


# Supervision entries (督办记录) -----------------------------------------------------------------


@transaction.atomic
def supervision_entry_add(
    *,
    actor: User,
    suggestion: Suggestion,
    kind: str,
    entry_date: date | None,
    text: str,
    expected_version: int | None = None,
) -> SupervisionEntry:
    """Log a supervision visit or a note. It adds to the record and changes nothing on the
    suggestion, so it leaves the version alone: others' open forms stay valid."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    _require_staff(actor, suggestion)
    if kind not in SupervisionKind.values:
        raise DomainError(_("Choose a visit or a note."), field="kind")
    text = lifecycle.clean_text(text, field="text", label=_("the text"), limit=MAX_SUPERVISION_TEXT)
    if entry_date is None:
        raise DomainError(_("Fill in %(label)s.") % {"label": _("the date")}, field="date")
    if entry_date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    if suggestion.status in (SuggestionStatus.DRAFT, SuggestionStatus.WITHDRAWN):
        raise DomainError(
            _("This suggestion is “%(status)s”: there is nothing to supervise.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    entry = SupervisionEntry(
        congress=suggestion.congress,
        suggestion=suggestion,
        kind=kind,
        date=entry_date,
        text=text,
        recorded_by=actor,
    )
    entry._history_user = actor
    entry.save()
    lifecycle.record(
        suggestion,
        action="supervision",
        actor=actor,
        note=f"{entry.get_kind_display()} {entry_date.isoformat()}：{text}",
    )
    return entry


# Closing an unrated reply --------------------------------------------------------------------


def unrated_close_from(suggestion: Suggestion) -> date | None:
    """The first day staff may close this reply without the deputy's rating."""
    if suggestion.status != SuggestionStatus.REPLIED or suggestion.replied_on is None:
        return None
    return suggestion.replied_on + timedelta(days=UNRATED_CLOSE_DAYS)


@transaction.atomic
def suggestion_close_unrated(
    *,
    actor: User,
    suggestion: Suggestion,
    expected_version: int | None = None,
    note: str = "",
) -> Suggestion:
    """Close a reply the deputy has not rated for 30 days or more."""
    suggestion = lifecycle.locked(suggestion)
    lifecycle.check_version(suggestion, expected_version)
    note = lifecycle.clean_text(
        note, field="note", label=_("the note"), limit=MAX_REASON, required=False
    )
    if suggestion.status != SuggestionStatus.REPLIED:
        raise lifecycle.refusal(suggestion, "close_unrated")
    close_from = unrated_close_from(suggestion)
    if close_from is not None and timezone.localdate() < close_from:
        raise DomainError(
            _(
                "The deputy has %(days)s days to rate the reply: it can be closed without a "
                "rating from %(date)s."
            )
            % {"days": UNRATED_CLOSE_DAYS, "date": date_format(close_from, "Y-m-d")},
            code="too_early",
        )
    lifecycle.apply(
        suggestion,
        "close_unrated",
        actor=actor,
        note=note
        or _("Closed: the deputy did not rate the reply within %(days)s days.")
        % {"days": UNRATED_CLOSE_DAYS},
    )
    return suggestion
