"""Writes for voter messages by members: walk-in visits, forwarding, handling, answers, closing.

Each step runs the model's transition on a freshly locked row, so two people acting on the same
message at once cannot both win: the second one finds the new status and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from congress.calendar import add_working_days
from congress.errors import DomainError
from congress.masking import mask_in_text
from congress.models import Congress, Membership, Notification, Role, User
from congress.notifications import notify
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    ForwardTarget,
    LiaisonStation,
    MessageSource,
    MessageStatus,
    MessageTopic,
    VoterMessage,
    VoterMessageEvent,
    VoterMessagePhoto,
)
from liaison.selectors import message_visible, station_ids_for_staff
from scoring.automatic import duty_records_for_message
from suggestions.models import HandlingUnit, UnitLiaison

MAX_PHOTOS = 3
MAX_TEXT = 2000
MAX_ANSWER = 2000
MAX_NOTE = 500
PHONE_PATTERN = re.compile(r"^[0-9][0-9 -]{5,18}[0-9]$")


def _message_url(message: VoterMessage) -> str:
    return reverse(
        "messages:detail",
        kwargs={"congress_slug": message.congress.slug, "message_id": message.pk},
    )


def _locked(message: VoterMessage) -> VoterMessage:
    """The message as it is now, locked until the transaction ends (a no-op lock on SQLite,
    whose IMMEDIATE transactions already serialise writers)."""
    return (
        # of=("self",): PostgreSQL cannot lock the nullable side of the joins (deputy, station).
        VoterMessage.objects.select_for_update(of=("self",))
        .select_related("congress", "deputy", "station")
        .get(pk=message.pk)
    )


def _refusal(message: VoterMessage, action: str) -> DomainError:
    """Why `action` cannot be done in the message's current status, in the member's words."""
    status = message.status
    actions = {
        "forward": _("forward it"),
        "start": _("start handling it"),
        "answer": _("answer it"),
        "close": _("close it"),
    }
    name = actions[action]
    if status == MessageStatus.CLOSED:
        text = _("This message is already closed: you cannot %(action)s any more.")
    elif status == MessageStatus.ANSWERED:
        text = _("This message was already answered: you cannot %(action)s any more.")
    elif action == "close":
        text = _("This message has not been answered yet, so it cannot be closed.")
    elif action == "start" and status == MessageStatus.REGISTERED:
        text = _("This message has not been forwarded yet: forward it before handling starts.")
    elif action == "start" and status == MessageStatus.HANDLED:
        text = _("This message is already being handled.")
    else:
        text = _("This message was already forwarded: you cannot %(action)s again.")
    return DomainError(text % {"action": name}, code="status")


def _record(
    message: VoterMessage, *, actor: User | None, from_status: str, note: str = ""
) -> VoterMessageEvent:
    return VoterMessageEvent.objects.create(
        congress=message.congress,
        message=message,
        from_status=from_status,
        to_status=message.status,
        actor=actor,
        note=note[:MAX_NOTE],
    )


def _save(message: VoterMessage, actor: User) -> None:
    message._history_user = actor
    message.save()


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(
            _("A note can be at most %(count)s characters.") % {"count": MAX_NOTE}, field="note"
        )
    return note


def _active_members(users: Iterable[User | None]) -> list[User]:
    """The given accounts that still have an active membership here (others are not told)."""
    ids = {user.pk for user in users if user is not None}
    if not ids:
        return []
    active = set(
        Membership.objects.filter(user_id__in=ids, is_active=True).values_list("user_id", flat=True)
    )
    return [user for user in users if user is not None and user.pk in active]


def _tell(
    message: VoterMessage,
    users: Iterable[User | None],
    *,
    actor: User | None,
    kind: str,
    title: str,
    body: str = "",
) -> int:
    """One notice per person (never the one who acted); returns how many were told."""
    told = 0
    seen = set()
    for user in _active_members(list(users)):
        if user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        notice = notify(
            congress=message.congress,
            user=user,
            kind=kind,
            title=title,
            body=body or message.text[:120],
            url=_message_url(message),
            dedupe_key=f"{kind}:{message.pk}",
        )
        told += notice is not None
    return told


def _deputy_user(deputy: Deputy | None) -> User | None:
    return deputy.user if deputy is not None else None


def _actor_membership(actor: User) -> Membership | None:
    return Membership.objects.filter(user=actor, is_active=True).first()


# Walk-in visits ----------------------------------------------------------------------------


@transaction.atomic
def voter_message_register_visit(
    *,
    actor: User,
    congress: Congress,
    station: LiaisonStation,
    topic: str,
    text: str,
    consent_confirmed: bool,
    deputy: Deputy | None = None,
    voter_name: str = "",
    voter_phone: str = "",
    photos: Iterable[ContentFile] = (),
    answered_on_the_spot: bool = False,
    answer: str = "",
) -> VoterMessage:
    """Write down a voter's visit to a station. Answered on the spot, it is closed at once;
    otherwise it waits for an answer within the congress's working-day limit."""
    if station is None:
        raise DomainError(_("Choose the station the voter came to."), field="station")
    membership = _actor_membership(actor)
    is_station_staff = membership is not None and membership.role == Role.STATION_STAFF
    if is_station_staff and station.pk not in station_ids_for_staff(user=actor):
        raise DomainError(
            _("You can only register visits at the stations you work at."), field="station"
        )
    if not station.is_active:
        raise DomainError(_("This station is closed."), field="station")
    if deputy is not None and deputy.status != DeputyStatus.SERVING:
        raise DomainError(_("This deputy no longer serves."), field="deputy")
    if topic not in MessageTopic.values:
        raise DomainError(_("Choose a topic."), field="topic")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write down what the voter said."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("The message can be at most %(count)s characters.") % {"count": MAX_TEXT},
            field="text",
        )
    if not consent_confirmed:
        raise DomainError(
            _("Confirm that the voter agreed to the privacy notice."), field="consent_confirmed"
        )
    voter_name = (voter_name or "").strip()[:50]
    voter_phone = (voter_phone or "").strip()
    if voter_phone and not PHONE_PATTERN.match(voter_phone):
        raise DomainError(
            _("Enter a telephone number: digits, with a hyphen if needed."), field="voter_phone"
        )
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(
            _("At most %(count)s photos can be attached.") % {"count": MAX_PHOTOS},
            field="photos",
        )
    answer = (answer or "").strip()
    if answered_on_the_spot and not answer:
        raise DomainError(_("Write down the answer given on the spot."), field="answer")
    if len(answer) > MAX_ANSWER:
        raise DomainError(
            _("The answer can be at most %(count)s characters.") % {"count": MAX_ANSWER},
            field="answer",
        )

    now = timezone.now()
    message = VoterMessage(
        congress=congress,
        source=MessageSource.WALK_IN,
        station=station,
        deputy=deputy,
        topic=topic,
        text=text,
        voter_name=voter_name,
        voter_phone=voter_phone[:20],
        consented_at=now,
        created_at=now,
        due_on=add_working_days(timezone.localdate(now), congress.voter_message_reply_working_days),
        registered_by=actor,
    )
    _save(message, actor)
    _record(
        message,
        actor=actor,
        from_status="",
        note=_("Visit registered at %(station)s") % {"station": station.name},
    )
    for photo in photos:
        record = VoterMessagePhoto(congress=congress, message=message)
        record.image.save(photo.name, photo, save=False)
        record._history_user = actor
        record.save()
    if answered_on_the_spot:
        message.answer_on_the_spot(answer=answer, by=actor)
        _save(message, actor)
        _record(
            message,
            actor=actor,
            from_status=MessageStatus.REGISTERED,
            note=_("Answered on the spot"),
        )
        # The deputy who received the voter answered them: the same duty as a later answer.
        duty_records_for_message(message=message, answered_on=timezone.localdate(now))
    else:
        _tell(
            message,
            [_deputy_user(deputy)],
            actor=actor,
            kind="message_new",
            title=_("A new voter message for you (%(topic)s)")
            % {"topic": message.get_topic_display()},
        )
    return message


# The lifecycle -----------------------------------------------------------------------------


@transaction.atomic
def voter_message_forward(
    *,
    actor: User,
    message: VoterMessage,
    target: str,
    deputy: Deputy | None = None,
    unit: HandlingUnit | None = None,
    note: str = "",
) -> VoterMessage:
    """Pass a registered message on: to a deputy, to a handling unit (its liaisons are told), or
    to a deputy who will take it up as a suggestion."""
    note = _note(note)
    if target not in ForwardTarget.values:
        raise DomainError(_("Choose where to forward the message."), field="target")
    if target in (ForwardTarget.DEPUTY, ForwardTarget.SUGGESTION):
        if deputy is None:
            raise DomainError(_("Choose the deputy."), field="deputy")
        if deputy.status != DeputyStatus.SERVING:
            raise DomainError(_("This deputy no longer serves."), field="deputy")
    if target == ForwardTarget.UNIT:
        if unit is None:
            raise DomainError(_("Choose the handling unit."), field="unit")
        if not unit.is_active:
            raise DomainError(_("This handling unit is no longer in use."), field="unit")
    message = _locked(message)
    before = message.status
    try:
        message.forward(target=target, deputy=deputy, unit=unit)
    except TransitionNotAllowed as error:
        raise _refusal(message, "forward") from error
    if target == ForwardTarget.SUGGESTION:
        # The suggestion itself is written by this deputy; the suggestions app links it later.
        message.forwarded_to_deputy = deputy
    _save(message, actor)
    where = unit.name if target == ForwardTarget.UNIT else deputy.name
    event_note = _("Forwarded to %(target)s: %(name)s") % {
        "target": ForwardTarget(target).label,
        "name": where,
    }
    _record(
        message,
        actor=actor,
        from_status=before,
        note=f"{event_note}。{note}" if note else event_note,
    )
    topic = message.get_topic_display()
    if target == ForwardTarget.UNIT:
        liaisons = [
            link.user for link in UnitLiaison.objects.filter(unit=unit).select_related("user")
        ]
        _tell(
            message,
            liaisons,
            actor=actor,
            kind="message_forwarded",
            title=_("A voter message was forwarded to %(unit)s (%(topic)s)")
            % {"unit": unit.name, "topic": topic},
            body=note,
        )
    elif target == ForwardTarget.SUGGESTION:
        _tell(
            message,
            [deputy.user],
            actor=actor,
            kind="message_to_suggestion",
            title=_("Please take up a voter message as a suggestion (%(topic)s)")
            % {"topic": topic},
            body=note,
        )
    else:
        _tell(
            message,
            [deputy.user],
            actor=actor,
            kind="message_forwarded",
            title=_("A voter message was forwarded to you (%(topic)s)") % {"topic": topic},
            body=note,
        )
    return message


@transaction.atomic
def voter_message_start_handling(
    *, actor: User, message: VoterMessage, note: str = ""
) -> VoterMessage:
    """Whoever it was forwarded to says they are working on it."""
    note = _note(note)
    message = _locked(message)
    before = message.status
    try:
        message.start_handling()
    except TransitionNotAllowed as error:
        raise _refusal(message, "start") from error
    _save(message, actor)
    _record(message, actor=actor, from_status=before, note=note)
    _tell(
        message,
        [_deputy_user(message.deputy)],
        actor=actor,
        kind="message_handling",
        title=_("A voter message to you is being handled (%(topic)s)")
        % {"topic": message.get_topic_display()},
    )
    return message


def _forwarded_by(message: VoterMessage) -> User | None:
    event = (
        VoterMessageEvent.objects.filter(message=message, to_status=MessageStatus.FORWARDED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return event.actor if event else None


@transaction.atomic
def voter_message_answer(*, actor: User, message: VoterMessage, answer: str) -> VoterMessage:
    """Write the result for the voter; they read it and rate it through their tracking code."""
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer for the voter."), field="answer")
    if len(answer) > MAX_ANSWER:
        raise DomainError(
            _("The answer can be at most %(count)s characters.") % {"count": MAX_ANSWER},
            field="answer",
        )
    message = _locked(message)
    before = message.status
    try:
        message.write_answer(answer=answer, by=actor)
    except TransitionNotAllowed as error:
        raise _refusal(message, "answer") from error
    _save(message, actor)
    _record(message, actor=actor, from_status=before)
    duty_records_for_message(message=message, answered_on=timezone.localdate())
    _tell(
        message,
        [_deputy_user(message.deputy), _forwarded_by(message)],
        actor=actor,
        kind="message_answered",
        title=_("A voter message was answered (%(topic)s)")
        % {"topic": message.get_topic_display()},
        body=answer[:120],
    )
    return message


@transaction.atomic
def voter_message_close(*, actor: User, message: VoterMessage, note: str = "") -> VoterMessage:
    """Staff close an answered message the voter has not rated."""
    note = _note(note)
    message = _locked(message)
    before = message.status
    try:
        message.close_without_rating()
    except TransitionNotAllowed as error:
        raise _refusal(message, "close") from error
    _save(message, actor)
    _record(message, actor=actor, from_status=before, note=note or _("Closed without a rating"))
    _tell(
        message,
        [_deputy_user(message.deputy)],
        actor=actor,
        kind="message_closed",
        title=_("A voter message to you was closed (%(topic)s)")
        % {"topic": message.get_topic_display()},
        body=message.answer[:120],
    )
    return message


# Erasing a voter's personal data on request (Personal Information Protection Law) -----------

# The fields that hold what a voter told us about themselves. The rest of a message (dates,
# topic, deputy, station, status, rating) is not about the voter and stays, so that counts,
# deadlines, duty points and rankings computed from it do not change.
PERSONAL_FIELDS = ("voter_name", "voter_phone", "text", "answer", "feedback")
MAX_REASON = 500


def erased_text() -> str:
    return _("(erased at the voter's request)")


def _erased(field: str, value: str) -> str:
    # Free text becomes a placeholder a reader understands; contact fields become empty.
    if not value:
        return ""
    return erased_text() if field in ("text", "answer") else ""


def _scrub(text: str, message: VoterMessage) -> str:
    """A staff note with the voter's name and number taken out, and any other number masked."""
    for known in (message.voter_name, message.voter_phone):
        if known and len(known) >= 2:
            text = text.replace(known, "***")
    return mask_in_text(text)


def messages_from_same_voter(
    *, membership: Membership, message: VoterMessage
) -> QuerySet[VoterMessage]:
    """The messages an erasure of "everything from this number" reaches: the same telephone
    number, or the same device for messages sent from a QR page; only among the messages the
    member may handle (station staff never touch another station's messages)."""
    same = Q(pk=message.pk)
    if message.voter_phone:
        same |= Q(voter_phone=message.voter_phone)
    if message.device_hash and message.source != MessageSource.WALK_IN:
        same |= Q(device_hash=message.device_hash) & ~Q(source=MessageSource.WALK_IN)
    return message_visible(membership=membership).filter(same)


@transaction.atomic
def voter_message_erase(
    *,
    actor: User,
    message: VoterMessage,
    reason: str,
    same_voter: bool = False,
    request: HttpRequest | None = None,
) -> list[int]:
    """Erase a voter's personal data from a message (and, asked for, from every message the
    member handles from the same number), at the voter's request. Returns the messages' ids.

    The voter's name, number and device are emptied; their text, the answer and their comment
    become a placeholder (an answer often names the voter). The same is done to every earlier
    version in the message's history and to the diffs kept with them, photos are deleted with
    their files, staff notes lose the name and number, and the notices that quoted the message
    lose their excerpt. The audit log records who, when, which messages and why, never what was
    erased.
    """
    from congress.audit import AuditAction, audit_record
    from congress.permissions import membership_can

    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say why the data is erased (the voter's request)."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(
            _("A reason can be at most %(count)s characters.") % {"count": MAX_REASON},
            field="reason",
        )
    membership = _actor_membership(actor)
    if membership is None or not membership_can(membership, "liaison.erase_message_data", message):
        raise DomainError(_("You may not erase this voter's data."), code="forbidden")
    targets = (
        messages_from_same_voter(membership=membership, message=message)
        if same_voter
        else VoterMessage.objects.filter(pk=message.pk)
    )
    locked = list(targets.select_for_update(of=("self",)).select_related("congress").order_by("pk"))
    ids = [item.pk for item in locked]
    for item in locked:
        _erase_one(item)
    audit_record(
        action=AuditAction.PERSONAL_DATA_DELETED,
        request=request,
        user=actor,
        congress=message.congress,
        target=message,
        summary=_("Erased a voter's personal data from %(count)s message(s)") % {"count": len(ids)},
        detail={"reason": reason, "messages": ids, "same_voter": same_voter},
    )
    return ids


def _erase_one(message: VoterMessage) -> None:
    values = {field: _erased(field, getattr(message, field)) for field in PERSONAL_FIELDS}
    # An update, not a save: a new history row would carry the old values in its diff.
    VoterMessage.objects.filter(pk=message.pk).update(device_hash="", **values)
    history = VoterMessage.history.model
    for row in history.objects.filter(id=message.pk):
        changes = dict(row.history_changes or {})
        for field in PERSONAL_FIELDS:
            setattr(row, field, _erased(field, getattr(row, field)))
            if field in changes:
                changes[field] = [_erased(field, value) for value in changes[field]]
        row.history_changes = changes
        row.save(update_fields=[*PERSONAL_FIELDS, "history_changes"])
    for event in VoterMessageEvent.objects.filter(message=message).exclude(note=""):
        note = _scrub(event.note, message)
        if note != event.note:
            VoterMessageEvent.objects.filter(pk=event.pk).update(note=note)
    photos = list(VoterMessagePhoto.objects.filter(message=message))
    for photo in photos:
        name = photo.image.name
        # The file goes once the rows are gone for good; a rolled-back erasure keeps it.
        transaction.on_commit(lambda name=name: _delete_file(name))
    if photos:
        VoterMessagePhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        VoterMessagePhoto.history.model.objects.filter(message_id=message.pk).update(image="")
    Notification.objects.filter(congress=message.congress, url=_message_url(message)).update(
        body=""
    )


def _delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)
