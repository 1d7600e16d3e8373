"""The core every suggestion service builds on: locked re-reads, stale-edit checks, running a
transition with its role check and recording it, numbering, and deadlines across holidays."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from congress.calendar import is_working_day
from congress.errors import DomainError
from congress.models import Congress, User
from suggestions.models import (
    NumberCounter,
    Suggestion,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)

MAX_NOTE = 1000

# What each transition is called when it is refused ("you cannot … now").
ACTION_NAMES = {
    "submit": gettext_lazy("submit it"),
    "withdraw": gettext_lazy("withdraw it"),
    "return_to_deputy": gettext_lazy("return it to the deputy"),
    "accept": gettext_lazy("accept it"),
    "make_letter": gettext_lazy("turn it into a letter for reference"),
    "assign": gettext_lazy("assign it"),
    "reply": gettext_lazy("reply to it"),
    "close_rated": gettext_lazy("rate the reply"),
    "reopen": gettext_lazy("reopen it for re-handling"),
    "close_unrated": gettext_lazy("close it"),
}


def locked(suggestion: Suggestion | int) -> Suggestion:
    """The suggestion as it is now, locked until the transaction ends (on SQLite, IMMEDIATE
    transactions already serialise writers). Services act only on this re-read."""
    pk = suggestion if isinstance(suggestion, int) else suggestion.pk
    return (
        # of=("self",): PostgreSQL cannot lock the nullable side of the joins.
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("congress", "lead_deputy", "category", "session")
        .get(pk=pk)
    )


def check_version(suggestion: Suggestion, expected_version: int | None) -> None:
    """Refuse an edit made on a page showing an older state: two people cannot both win."""
    if expected_version is not None and int(expected_version) != suggestion.version:
        raise DomainError(
            _(
                "Someone else changed this suggestion while you were working on it. "
                "Check their change, then send yours again."
            ),
            code="conflict",
            version=suggestion.version,
        )


def refusal(suggestion: Suggestion, name: str) -> DomainError:
    return DomainError(
        _("This suggestion is “%(status)s”: you cannot %(action)s now.")
        % {"status": suggestion.get_status_display(), "action": ACTION_NAMES.get(name, name)},
        code="status",
    )


def save(suggestion: Suggestion, actor: User | None, update_fields: list[str] | None = None):
    suggestion.version += 1
    suggestion._history_user = actor
    if update_fields is not None:
        update_fields = list({*update_fields, "version", "updated_at"})
    suggestion.save(update_fields=update_fields)


def record(
    suggestion: Suggestion,
    *,
    action: str,
    actor: User | None,
    note: str = "",
    from_status: str = "",
) -> SuggestionEvent:
    """Add a step to the suggestion's record (a status change, or a note-worthy act)."""
    return SuggestionEvent.objects.create(
        congress=suggestion.congress,
        suggestion=suggestion,
        action=action,
        from_status=from_status or suggestion.status,
        to_status=suggestion.status,
        actor=actor,
        note=(note or "")[:MAX_NOTE],
    )


def apply(
    suggestion: Suggestion,
    name: str,
    *,
    actor: User | None,
    note: str = "",
    check_role: bool = True,
    **arguments,
) -> SuggestionEvent:
    """Run the transition `name` on a locked suggestion, save it and record the step.

    Refused, in the user's words, when the status does not allow it or the actor's role does
    not (`check_role=False` only for a deputy acting through a tokened link, who is not signed
    in: the token is their proof).
    """
    method = getattr(suggestion, name)
    if not can_proceed(method):
        raise refusal(suggestion, name)
    if check_role and (actor is None or not has_transition_perm(method, actor)):
        raise DomainError(
            _("Your role cannot %(action)s.") % {"action": ACTION_NAMES.get(name, name)},
            code="forbidden",
        )
    from_status = suggestion.status
    method(**arguments)
    save(suggestion, actor)
    return record(suggestion, action=name, actor=actor, note=note, from_status=from_status)


def clean_text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    """Trimmed text within `limit` characters, or a refusal naming the field."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Fill in %(label)s.") % {"label": label}, field=field)
    if len(value) > limit:
        raise DomainError(
            _("%(label)s can be at most %(count)s characters.") % {"label": label, "count": limit},
            field=field,
        )
    return value


# Numbering -----------------------------------------------------------------------------------


def series_for(suggestion: Suggestion) -> str:
    """Numbers run per session, or per calendar year for recess, and per kind (motions apart)."""
    if suggestion.session_id:
        scope = f"s{suggestion.session_id}"
    else:
        submitted = suggestion.submitted_at or timezone.now()
        scope = f"r{timezone.localtime(submitted).year}"
    return f"{scope}-{suggestion.kind}"


def next_number(*, congress: Congress, series: str) -> int:
    """The next number in a series, under a row lock: in order, never given twice."""
    NumberCounter.objects.get_or_create(congress=congress, series=series)
    counter = NumberCounter.objects.select_for_update().get(congress=congress, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def series_label(suggestion: Suggestion) -> str:
    """The series in words: the session's name, or recess and the year."""
    if suggestion.session_id:
        return suggestion.session.name
    year = suggestion.series[1:5] if suggestion.series else timezone.localdate().year
    return _("Recess %(year)s") % {"year": year}


# Deadlines -----------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month → 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    """`day` itself when people work that day, else the first working day after it: a deadline
    that falls on a holiday ends on the first working day after the holiday."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def deadline_after_months(start: date, months: int) -> date:
    return next_working_day(add_months(start, months))


def is_motion(suggestion: Suggestion) -> bool:
    return suggestion.kind == SuggestionKind.MOTION


def is_open_for_handling(suggestion: Suggestion) -> bool:
    return suggestion.status in (SuggestionStatus.ASSIGNED, SuggestionStatus.REHANDLING)


# Telling people ------------------------------------------------------------------------------

# Where each audience opens a suggestion: the deputy's phone page, the unit's work page, or
# the staff page. The URL names are the contract between the parts of the app.
AUDIENCE_PAGES = {
    "deputy": "my_suggestions:detail",
    "unit": "unit_work:detail",
    "staff": "suggestions:detail",
}


def suggestion_link(suggestion: Suggestion, audience: str) -> str:
    from django.urls import reverse

    return reverse(
        AUDIENCE_PAGES[audience],
        kwargs={"congress_slug": suggestion.congress.slug, "suggestion_id": suggestion.pk},
    )


def feedback_link(feedback) -> str:
    """The tokened page where a deputy rates a reply without signing in."""
    from django.urls import reverse

    return reverse(
        "suggestion_public:feedback",
        kwargs={"congress_slug": feedback.congress.slug, "feedback_token": feedback.token},
    )


def tell(
    suggestion: Suggestion,
    users,
    *,
    audience: str,
    kind: str,
    title: str,
    body: str = "",
    actor: User | None = None,
    dedupe: str = "",
    url: str = "",
) -> int:
    """One in-app notice (and SMS where configured) per active member, never to the actor.

    `dedupe` makes the notice once-only per person (a reminder point, a round's request).
    Returns how many were told.
    """
    from congress.models import Membership
    from congress.notifications import notify

    users = [user for user in users if user is not None]
    active = set(
        Membership.objects.filter(
            user_id__in=[user.pk for user in users], is_active=True
        ).values_list("user_id", flat=True)
    )
    told, seen = 0, set()
    for user in users:
        if user.pk in seen or user.pk not in active or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        notice = notify(
            congress=suggestion.congress,
            user=user,
            kind=kind,
            title=title,
            body=body or suggestion.title,
            url=url or suggestion_link(suggestion, audience),
            dedupe_key=f"{dedupe}:{user.pk}" if dedupe else "",
        )
        told += notice is not None
    return told


def unit_liaison_users(unit_ids) -> list[User]:
    from suggestions.models import UnitLiaison

    return [
        link.user
        for link in UnitLiaison.objects.filter(unit_id__in=list(unit_ids)).select_related("user")
    ]


def staff_users(congress: Congress) -> list[User]:
    from congress.models import Membership, Role

    return [
        membership.user
        for membership in Membership.objects.filter(
            congress=congress,
            is_active=True,
            role__in=[Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF],
        ).select_related("user")
    ]


def feedback_request(suggestion: Suggestion, *, actor: User | None) -> list:
    """Ask the leading deputy and the confirmed co-signers to rate this round's reply.

    One SuggestionFeedback per deputy and round (each with its own link); asking again for the
    same round changes nothing. Returns the feedback rows of the round.
    """
    from suggestions.models import CosignerStatus, SuggestionFeedback

    deputies = [(suggestion.lead_deputy, True)] + [
        (cosigner.deputy, False)
        for cosigner in suggestion.cosigners.filter(status=CosignerStatus.CONFIRMED)
        .select_related("deputy__user")
        .order_by("id")
    ]
    rows = []
    for deputy, is_lead in deputies:
        feedback, created = SuggestionFeedback.objects.get_or_create(
            congress=suggestion.congress,
            suggestion=suggestion,
            round=suggestion.round,
            deputy=deputy,
            defaults={"is_lead": is_lead},
        )
        rows.append(feedback)
        if created and deputy.user_id:
            tell(
                suggestion,
                [deputy.user],
                audience="deputy",
                kind="suggestion_reply",
                title=_("Your suggestion has a reply: please rate it"),
                actor=actor,
                dedupe=f"suggestion-feedback:{suggestion.pk}:{suggestion.round}",
            )
    return rows
