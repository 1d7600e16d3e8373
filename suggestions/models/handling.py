"""Handling a suggestion: unit assignments, extensions, contacts, replies, ratings, supervision."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy
from suggestions.models.suggestion import Rating, Suggestion
from suggestions.models.units import HandlingUnit


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    CO = "co", _("co-handling unit")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("handling")
    RETURNED = "returned", _("returned as wrongly assigned")
    WITHDRAWN = "withdrawn", _("withdrawn by staff")


class SuggestionAssignment(models.Model):
    """A unit's part in handling a suggestion (交办): the one lead unit, or a co-handling unit."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
    )
    assigned_on = models.DateField(_("assigned on"))
    # The last day the unit may still send the item back as wrongly assigned.
    return_by = models.DateField(_("may return until"))
    # A co-handling unit's opinion is owed to the lead unit by this day.
    opinion_due_on = models.DateField(_("opinion due"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), max_length=5000, blank=True)
    opinion_at = models.DateTimeField(_("opinion given at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["role", "id"]
        indexes = [
            models.Index(fields=["congress", "unit", "status"], name="assignment_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(role="lead", status="active"),
                name="assignment_one_active_lead",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "unit"],
                condition=models.Q(status="active"),
                name="assignment_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.unit} ({self.get_role_display()})"


class SuggestionExtension(models.Model):
    """A deadline moved with a recorded approval (six months in all at most)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    from_due_on = models.DateField(_("due before"))
    to_due_on = models.DateField(_("due after"))
    reason = models.CharField(_("reason"), max_length=500)
    approved_by = models.CharField(_("approved by"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.from_due_on} → {self.to_due_on}"


class ContactStage(models.TextChoices):
    BEFORE = "before", _("before handling")
    DURING = "during", _("during handling")
    AFTER = "after", _("after the reply")


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("visit")
    PHONE = "phone", _("telephone")
    MEETING = "meeting", _("meeting or site inspection")
    OTHER = "other", _("other")


class ContactLog(models.Model):
    """A handling unit's contact with the deputy (before, during or after handling)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="contacts"
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contacts"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=ContactStage.choices)
    method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices)
    contacted_on = models.DateField(_("date"))
    text = models.TextField(_("what was discussed"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.get_stage_display()} {self.contacted_on}"


class SuggestionReply(models.Model):
    """The lead unit's reply in one round, with its class and the signed letter."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(_("handling round"))
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="replies"
    )
    reply_class = models.CharField(_("reply class"), max_length=4)
    text = models.TextField(_("reply"), max_length=20000)
    letter = models.FileField(_("signed reply letter"), upload_to="replies/%Y/%m/", blank=True)
    letter_name = models.CharField(_("letter file name"), max_length=150, blank=True)
    replied_on = models.DateField(_("replied on"))
    due_on = models.DateField(_("was due"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # For a "being solved" (B) reply: the day the unit reported it solved.
    solved_on = models.DateField(_("reported solved on"), null=True, blank=True)
    solved_note = models.CharField(_("how it was solved"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="reply_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.round} · {self.reply_class}"

    @property
    def on_time(self) -> bool:
        return self.replied_on <= self.due_on


def new_feedback_token() -> str:
    return secrets.token_urlsafe(24)


class SuggestionFeedback(models.Model):
    """One deputy's rating of one round's reply: asked on reply, answered on the phone, through
    a tokened link, or entered by staff from the paper form (征询意见表)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="feedback"
    )
    round = models.PositiveSmallIntegerField(_("handling round"))
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("leading deputy"), default=False)
    token = models.CharField(max_length=40, unique=True, default=new_feedback_token, editable=False)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the deputy rated through the link sent to them."),
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history(excluded_fields=["token"])

    class Meta:
        verbose_name = _("deputy's rating")
        verbose_name_plural = _("deputies' ratings")
        ordering = ["round", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "round", "deputy"], name="feedback_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.round} · {self.deputy}"


class SupervisionKind(models.TextChoices):
    VISIT = "visit", _("supervision visit")
    NOTE = "note", _("note")


class SupervisionEntry(models.Model):
    """A staff note or a supervision visit (督办) on a suggestion."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.CASCADE,
        related_name="supervision",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SupervisionKind.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("supervision entry")
        verbose_name_plural = _("supervision entries")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.get_kind_display()} {self.date}"


__all__ = [
    "AssignmentRole",
    "AssignmentStatus",
    "ContactLog",
    "ContactMethod",
    "ContactStage",
    "Rating",
    "SuggestionAssignment",
    "SuggestionExtension",
    "SuggestionFeedback",
    "SuggestionReply",
    "SupervisionEntry",
    "SupervisionKind",
    "new_feedback_token",
]
