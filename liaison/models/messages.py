"""Voter messages (选民留言): from a QR page or a station visit, until the voter rates the answer.

来访有登记、登记有反映、反映有处理、处理有结果、结果有反馈: registered → forwarded → handled →
answered → closed. The transitions below are the only way the status changes; each one is
recorded as a VoterMessageEvent by the services that call it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy
from liaison.models.organisation import LiaisonStation

# No 0/O, 1/I/L: voters copy the code by hand from a phone screen.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    """Ten characters (about 49 bits): unguessable, yet short enough to read out on the phone."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


class MessageSource(models.TextChoices):
    DEPUTY_PAGE = "deputy_page", _("a deputy's QR page")
    STATION_PAGE = "station_page", _("a station's QR page")
    WALK_IN = "walk_in", _("a visit to a station")


class MessageTopic(models.TextChoices):
    URBAN = "urban", _("urban construction and transport")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health care")
    SOCIAL_SECURITY = "social_security", _("employment and social security")
    AGRICULTURE = "agriculture", _("agriculture and villages")
    ENVIRONMENT = "environment", _("environment")
    GOVERNANCE = "governance", _("community affairs and public order")
    OTHER = "other", _("other matters")


class MessageStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    FORWARDED = "forwarded", _("forwarded")
    HANDLED = "handled", _("being handled")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


# Messages still waiting for an answer: the ones that can become overdue.
OPEN_STATUSES = (MessageStatus.REGISTERED, MessageStatus.FORWARDED, MessageStatus.HANDLED)


class ForwardTarget(models.TextChoices):
    DEPUTY = "deputy", _("a deputy")
    UNIT = "unit", _("a handling unit")
    SUGGESTION = "suggestion", _("a deputy suggestion")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    UNSATISFIED = "unsatisfied", _("not satisfied")


class VoterMessage(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    tracking_code = models.CharField(
        _("tracking code"), max_length=10, unique=True, default=new_tracking_code, editable=False
    )
    source = models.CharField(_("source"), max_length=20, choices=MessageSource.choices)
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_messages",
    )
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_messages",
    )
    topic = models.CharField(_("topic"), max_length=30, choices=MessageTopic.choices)
    text = models.TextField(_("message"), max_length=2000)
    voter_name = models.CharField(_("voter's name"), max_length=50, blank=True)
    # Kept only when the voter chose to give it.
    voter_phone = models.CharField(_("voter's telephone"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("agreed to the privacy notice at"))
    status = FSMField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.REGISTERED
    )
    due_on = models.DateField(_("answer due"))
    forward_target = models.CharField(
        _("forwarded to"), max_length=20, choices=ForwardTarget.choices, blank=True
    )
    forwarded_to_deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("forwarded to deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_messages",
    )
    forwarded_to_unit = models.ForeignKey(
        "suggestions.HandlingUnit",
        verbose_name=_("forwarded to unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_messages",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on_the_spot = models.BooleanField(_("answered on the spot"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    satisfaction = models.CharField(
        _("voter's rating"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    feedback = models.CharField(_("voter's comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # A salted hash of the sender's device, to cap messages per device and day; never shown.
    device_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The station staff member who wrote down a visit; empty for QR messages."),
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history(excluded_fields=["device_hash", "updated_at"])

    class Meta:
        verbose_name = _("voter message")
        verbose_name_plural = _("voter messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "status", "due_on"], name="message_due_idx"),
            models.Index(fields=["congress", "deputy", "-created_at"], name="message_deputy_idx"),
            models.Index(fields=["congress", "station", "-created_at"], name="message_station_idx"),
            models.Index(fields=["device_hash", "created_at"], name="message_device_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.get_topic_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    # --- The lifecycle. Services call these, record the event, and save. ----------------------

    @transition(field=status, source=MessageStatus.REGISTERED, target=MessageStatus.FORWARDED)
    def forward(self, *, target: str, deputy=None, unit=None) -> None:
        self.forward_target = target
        self.forwarded_to_deputy = deputy if target == ForwardTarget.DEPUTY else None
        self.forwarded_to_unit = unit if target == ForwardTarget.UNIT else None

    @transition(field=status, source=MessageStatus.FORWARDED, target=MessageStatus.HANDLED)
    def start_handling(self) -> None:
        pass

    @transition(field=status, source=list(OPEN_STATUSES), target=MessageStatus.ANSWERED)
    def write_answer(self, *, answer: str, by) -> None:
        self.answer = answer
        self.answered_at = timezone.now()
        self.answered_by = by

    @transition(field=status, source=MessageStatus.REGISTERED, target=MessageStatus.CLOSED)
    def answer_on_the_spot(self, *, answer: str, by) -> None:
        """A visit answered while the voter is there: nothing is left to follow up."""
        self.answer = answer
        self.answered_on_the_spot = True
        self.answered_at = timezone.now()
        self.answered_by = by

    @transition(field=status, source=MessageStatus.ANSWERED, target=MessageStatus.CLOSED)
    def rate(self, *, satisfaction: str, feedback: str = "") -> None:
        self.satisfaction = satisfaction
        self.feedback = feedback
        self.rated_at = timezone.now()

    @transition(field=status, source=MessageStatus.ANSWERED, target=MessageStatus.CLOSED)
    def close_without_rating(self) -> None:
        """Staff close an answered message the voter never rated."""


class VoterMessagePhoto(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    message = models.ForeignKey(
        VoterMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="messages/%Y/%m/")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("message photo")
        verbose_name_plural = _("message photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.message} #{self.pk}"


class VoterMessageEvent(models.Model):
    """One step of a message's life: who (or the voter), when, from which status to which.

    Rows are only ever added, so the table is its own history.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    message = models.ForeignKey(
        VoterMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=MessageStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=MessageStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the voter acted (sent the message or rated the answer)."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message} {self.from_status} → {self.to_status}"
