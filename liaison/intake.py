"""Voter messages from the public QR pages: sending one, rating the answer, and the limits that
keep the open form from being flooded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from congress.calendar import add_working_days
from congress.errors import DomainError
from congress.models import Congress, Membership, User
from congress.notifications import notify
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    LiaisonStation,
    MessageSource,
    MessageStatus,
    MessageTopic,
    Satisfaction,
    StationStaff,
    VoterMessage,
    VoterMessageEvent,
    VoterMessagePhoto,
)

# --- Limits (per congress, per calendar day in the congress's time zone) ---------------------
# A voter rarely has more than one or two matters a day; three leaves room for a correction.
DEVICE_DAILY_LIMIT = 3
# Far above what any deputy receives on a real day, far below what a flood would send.
DEPUTY_DAILY_LIMIT = 30
# A station page serves a whole township or neighbourhood.
STATION_DAILY_LIMIT = 60
# The arithmetic question appears from a device's second message of the day, and for everybody
# once the deputy or station has had this many messages today.
CAPTCHA_FROM_DEVICE_MESSAGES = 1
# Per network address and day, across devices: a village office or a family may share one address,
# so the cap is well above a device's, but a robot that drops its cookie meets it soon.
NETWORK_DAILY_LIMIT = 20
CAPTCHA_FROM_RECIPIENT_MESSAGES = 10

MAX_TEXT_LENGTH = 2000
MAX_PHOTOS = 3

# Tracking codes are unguessable; these caps keep anyone from trying many of them.
FAILED_LOOKUPS_PER_DEVICE_HOUR = 20
# One address can hide a whole village behind a carrier's NAT, so its cap is far higher.
FAILED_LOOKUPS_PER_NETWORK_HOUR = 200

NOTIFICATION_KIND = "message_new"


# --- Devices -----------------------------------------------------------------------------------


def device_hash(*, address: str, user_agent: str, cookie: str) -> str:
    """A salted SHA-256 (keyed by SECRET_KEY) of what identifies a phone: never reversible."""
    data = "\n".join((address or "", (user_agent or "")[:300], cookie or ""))
    return salted_hmac("lvzhi.voter-device", data, algorithm="sha256").hexdigest()


def network_hash(*, address: str) -> str:
    return salted_hmac("lvzhi.voter-network", address or "", algorithm="sha256").hexdigest()


# --- Counting today's messages ----------------------------------------------------------------


@dataclass(frozen=True)
class SentToday:
    device: int
    recipient: int


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def sent_today(
    *, device: str, deputy: Deputy | None = None, station: LiaisonStation | None = None
) -> SentToday:
    """Messages sent today from this device, and to this deputy's or station's page (one query).

    Within the active congress scope: another congress's messages never count here.
    """
    if deputy is not None:
        recipient = Q(source=MessageSource.DEPUTY_PAGE, deputy=deputy)
    elif station is not None:
        recipient = Q(source=MessageSource.STATION_PAGE, station=station)
    else:
        recipient = Q(pk__in=[])
    # An empty hash is a visit written down by staff; it must never count against a voter.
    by_device = Q(device_hash=device) if device else Q(pk__in=[])
    counts = VoterMessage.objects.filter(created_at__gte=_start_of_today()).aggregate(
        device=Count("id", filter=by_device), recipient=Count("id", filter=recipient)
    )
    return SentToday(device=counts["device"], recipient=counts["recipient"])


def captcha_required(
    *,
    device: str,
    deputy: Deputy | None = None,
    station: LiaisonStation | None = None,
    unknown_device: bool = False,
) -> bool:
    """Whether the sender must answer the question first.

    `unknown_device`: a message sent without the cookie every phone got with the form. Only a
    program does that (to look like a new device each time), so it always gets the question.
    """
    if unknown_device:
        return True
    counts = sent_today(device=device, deputy=deputy, station=station)
    return (
        counts.device >= CAPTCHA_FROM_DEVICE_MESSAGES
        or counts.recipient >= CAPTCHA_FROM_RECIPIENT_MESSAGES
    )


def _check_limits(*, device: str, deputy: Deputy | None, station: LiaisonStation | None) -> None:
    counts = sent_today(device=device, deputy=deputy, station=station)
    if counts.device >= DEVICE_DAILY_LIMIT:
        raise DomainError(
            _(
                "You have already sent %(count)d messages today. Thank you for taking the time: "
                "please send this one tomorrow, or bring it to a liaison station. What you wrote "
                "is still here."
            )
            % {"count": DEVICE_DAILY_LIMIT},
            code="rate_limited",
        )
    limit = DEPUTY_DAILY_LIMIT if deputy is not None else STATION_DAILY_LIMIT
    if counts.recipient >= limit:
        raise DomainError(
            _(
                "So many messages have arrived here today that we cannot take more until "
                "tomorrow. Please send yours tomorrow, or bring it to a liaison station. What you "
                "wrote is still here."
            ),
            code="rate_limited",
        )


# --- Sending ----------------------------------------------------------------------------------


def message_member_url(message: VoterMessage) -> str:
    """The member page of a message, where a notice leads."""
    return reverse(
        "messages:detail",
        kwargs={"congress_slug": message.congress.slug, "message_id": message.pk},
    )


def _recipients(*, congress: Congress, message: VoterMessage) -> list[User]:
    if message.deputy_id is not None:
        user_ids = [message.deputy.user_id] if message.deputy.user_id else []
    else:
        user_ids = list(
            StationStaff.objects.filter(station_id=message.station_id).values_list(
                "user_id", flat=True
            )
        )
    if not user_ids:
        return []
    # A closed account or a withdrawn membership is told nothing more.
    memberships = Membership.objects.filter(
        congress=congress, user_id__in=user_ids, is_active=True, user__is_active=True
    ).select_related("user")
    return sorted({membership.user for membership in memberships}, key=lambda user: user.pk)


def _notify_new(*, congress: Congress, message: VoterMessage) -> None:
    url = message_member_url(message)
    # The same words and kind as a visit registered at a station, so the bell reads alike.
    title = _("A new voter message for you (%(topic)s)") % {"topic": message.get_topic_display()}
    for user in _recipients(congress=congress, message=message):
        notify(
            congress=congress,
            user=user,
            kind=NOTIFICATION_KIND,
            title=title,
            body=message.text[:120],
            url=url,
            dedupe_key=f"{NOTIFICATION_KIND}:{message.pk}",
        )


@transaction.atomic
def voter_message_submit(
    *,
    congress: Congress,
    topic: str,
    text: str,
    device: str,
    network: str = "",
    deputy: Deputy | None = None,
    station: LiaisonStation | None = None,
    voter_name: str = "",
    voter_phone: str = "",
    photos: Sequence[ContentFile] = (),
) -> VoterMessage:
    """A voter's message from a deputy's or a station's QR page (the voter has consented).

    Photos must already be cleaned (congress.images.clean_photo). Refuses, with a message for
    the voter, past the daily limits of the device, the deputy and the station.
    """
    if (deputy is None) == (station is None):
        raise ValueError("A message goes to a deputy or to a station.")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(_("Please write what you would like to say."), field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise DomainError(
            _("A message can be at most %(limit)d characters long.") % {"limit": MAX_TEXT_LENGTH},
            field="text",
        )
    if topic not in MessageTopic.values:
        raise DomainError(_("Please choose what your message is about."), field="topic")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos")

    # Locking the deputy or station row makes "count, then add" one step per recipient, so two
    # messages sent at the same moment cannot both slip under the daily cap.
    if deputy is not None:
        deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
        if deputy.status != DeputyStatus.SERVING:
            raise DomainError(_("This person no longer serves as a deputy."))
    else:
        station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
        if not station.is_active:
            raise DomainError(_("This station is no longer open."))
    _check_limits(device=device, deputy=deputy, station=station)
    network_key = _network_key(congress, network)
    if network and cache.get(network_key, 0) >= NETWORK_DAILY_LIMIT:
        raise DomainError(
            _(
                "Many messages have come from your network today. Please send yours tomorrow, "
                "or bring it to a liaison station. What you wrote is still here."
            ),
            code="rate_limited",
        )

    now = timezone.now()
    message = VoterMessage(
        congress=congress,
        source=MessageSource.DEPUTY_PAGE if deputy is not None else MessageSource.STATION_PAGE,
        deputy=deputy,
        station=station,
        topic=topic,
        text=text,
        voter_name=(voter_name or "").strip()[:50],
        # Kept only when the voter chose to give it.
        voter_phone=(voter_phone or "").strip()[:20],
        consented_at=now,
        due_on=add_working_days(timezone.localdate(now), congress.voter_message_reply_working_days),
        device_hash=device,
        created_at=now,
    )
    message._history_user = None
    message.save()
    for photo in photos:
        row = VoterMessagePhoto(congress=congress, message=message)
        row._history_user = None
        row.image.save(photo.name, photo, save=False)
        row.save()
    VoterMessageEvent.objects.create(
        congress=congress,
        message=message,
        from_status="",
        to_status=MessageStatus.REGISTERED,
        actor=None,
        at=now,
    )
    _notify_new(congress=congress, message=message)
    if network:
        _count_for_network(network_key)
    return message


def _network_key(congress: Congress, network: str) -> str:
    return f"lvzhi:sent:network:{congress.pk}:{network}:{timezone.localdate().isoformat()}"


def _count_for_network(key: str) -> None:
    # add() then incr(): the first message of the day creates the counter for a day and a bit.
    if not cache.add(key, 1, timeout=60 * 60 * 26):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=60 * 60 * 26)


# --- Rating -----------------------------------------------------------------------------------


@transaction.atomic
def voter_message_rate(
    *, message: VoterMessage, satisfaction: str, feedback: str = ""
) -> VoterMessage:
    """The voter, holding the tracking code, rates the answer once; the message is then closed."""
    if satisfaction not in Satisfaction.values:
        raise DomainError(
            _("Please choose whether you are satisfied with the answer."), field="satisfaction"
        )
    feedback = (feedback or "").replace("\r\n", "\n").strip()
    if len(feedback) > 500:
        raise DomainError(_("A comment can be at most 500 characters long."), field="feedback")
    # The row is locked so that two taps on the button rate once.
    message = VoterMessage.objects.select_for_update().get(pk=message.pk)
    if message.satisfaction:
        raise DomainError(_("You have already rated this answer. Thank you."))
    if message.status != MessageStatus.ANSWERED:
        if message.status == MessageStatus.CLOSED:
            raise DomainError(_("This message has been closed and can no longer be rated."))
        raise DomainError(_("There is no answer to rate yet."))
    from_status = message.status
    message.rate(satisfaction=satisfaction, feedback=feedback)
    message._history_user = None
    message.save()
    VoterMessageEvent.objects.create(
        congress=message.congress,
        message=message,
        from_status=from_status,
        to_status=message.status,
        actor=None,
        note=_("The voter rated the answer: %(rating)s")
        % {"rating": message.get_satisfaction_display()},
        at=message.rated_at,
    )
    return message


# --- Guessing tracking codes ------------------------------------------------------------------


def _lookup_keys(*, device: str, network: str) -> list[tuple[str, int]]:
    hour = timezone.now().strftime("%Y%m%d%H")
    return [
        (f"lvzhi:lookup-failed:device:{device}:{hour}", FAILED_LOOKUPS_PER_DEVICE_HOUR),
        (f"lvzhi:lookup-failed:network:{network}:{hour}", FAILED_LOOKUPS_PER_NETWORK_HOUR),
    ]


def lookup_blocked(*, device: str, network: str) -> bool:
    """True once this device or network has tried too many unknown codes this hour."""
    keys = _lookup_keys(device=device, network=network)
    counts = cache.get_many([key for key, _limit in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def lookup_failed(*, device: str, network: str) -> None:
    for key, _limit in _lookup_keys(device=device, network=network):
        # add() starts the count only if it is not there; the hour is in the key, so an hour
        # and a little is long enough to keep it.
        cache.add(key, 0, 65 * 60)
        try:
            cache.incr(key)
        except ValueError:
            # Expired between add() and incr(): start again at one.
            cache.set(key, 1, 65 * 60)
