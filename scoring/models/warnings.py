"""Warning rules and the warnings they raise (yellow, orange, red), with the talks held."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy

from .rankings import Ranking


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


class WarningCondition(models.TextChoices):
    BOTTOM_QUARTER = "bottom_quarter", _("in the bottom share of the quarter")
    BOTTOM_QUARTERS_RUNNING = (
        "bottom_quarters_running",
        _("in the bottom share several quarters running"),
    )
    BOTTOM_YEARS_RUNNING = (
        "bottom_years_running",
        _("in the bottom share of the year several years running"),
    )
    FEW_RECESS_ACTIVITIES = "few_recess_activities", _("too few recess activities in a year")
    NO_SUGGESTION_IN_TERM = "no_suggestion_in_term", _("no suggestion led in the term so far")


class WarningRule(models.Model):
    """When a deputy is warned, evaluated after every ranking.

    Parameters by condition: `share_percent` (the bottom share), `runs` (quarters or years
    running), `minimum` (recess activities a year), `grace_months` (how far into the term before
    'no suggestion' counts).
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    condition = models.CharField(_("condition"), max_length=30, choices=WarningCondition.choices)
    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    share_percent = models.PositiveSmallIntegerField(
        _("bottom share (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    runs = models.PositiveSmallIntegerField(
        _("running"), default=2, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    minimum = models.PositiveSmallIntegerField(
        _("minimum a year"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    grace_months = models.PositiveSmallIntegerField(
        _("months into the term"),
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "condition", "level"], name="warning_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_condition_display()}"


class WarningStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLEARED = "cleared", _("cleared")


class DutyWarning(models.Model):
    """A warning raised by a rule at a ranking, cleared at the first ranking where it no longer
    holds. At most one active warning per deputy and rule."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="duty_warnings"
    )
    rule = models.ForeignKey(
        WarningRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="warnings"
    )
    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.ACTIVE
    )
    raised_by = models.ForeignKey(
        Ranking, verbose_name=_("raised at"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    cleared_by = models.ForeignKey(
        Ranking,
        verbose_name=_("cleared at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "rule"],
                condition=models.Q(status="active"),
                name="duty_warning_one_active",
            )
        ]
        indexes = [models.Index(fields=["congress", "status", "level"], name="duty_warning_idx")]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.level}"


class TalkOutcome(models.TextChoices):
    IMPROVING = "improving", _("will improve")
    EXPLAINED = "explained", _("had good reason")
    RESIGNING = "resigning", _("will resign")
    OTHER = "other", _("other")


class WarningTalk(models.Model):
    """A warning talk (约谈) held with the deputy, and what came of it."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    warning = models.ForeignKey(
        DutyWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="talks"
    )
    held_on = models.DateField(_("held on"))
    held_by = models.CharField(_("held by"), max_length=100)
    notes = models.TextField(_("notes"), max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=TalkOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("warning talk")
        verbose_name_plural = _("warning talks")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.held_on}"
