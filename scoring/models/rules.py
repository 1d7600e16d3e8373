"""Rule sets: what each duty is worth in a year, versioned so a closed quarter keeps its rules."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.models import Congress


class ItemKind(models.TextChoices):
    DUTY = "duty", _("duty")
    BONUS = "bonus", _("bonus")
    DEDUCTION = "deduction", _("deduction")


class CapPeriod(models.TextChoices):
    NONE = "", _("no cap")
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class AutoSource(models.TextChoices):
    """Work the system already knows about; a rule item with a source scores it by itself."""

    NONE = "", _("recorded by hand")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("a suggestion accepted")
    RECEPTION_ATTENDED = "reception_attended", _("a reception day attended")
    MESSAGE_ANSWERED = "message_answered", _("a voter message answered")
    PROJECT_DONE = "project_done", _("a group project completed")


class RuleSet(models.Model):
    """One version of a congress's scoring rules for a year.

    Versions are never edited once a later one exists: revising the rules writes a new version,
    and a closed quarter remembers the version it was scored by.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("preset"), max_length=30, blank=True)
    close_after_days = models.PositiveSmallIntegerField(
        _("days to report after a quarter"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text=_(
            "The quarterly job closes a quarter this many days after it ends, once no record "
            "awaits audit."
        ),
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "version"], name="rule_set_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name} v{self.version}"


class RuleItem(models.Model):
    """A duty category, bonus or deduction in one rule set version."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    points = models.DecimalField(
        _("points per occurrence"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
    )
    cap_points = models.DecimalField(
        _("cap"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    cap_period = models.CharField(
        _("cap period"), max_length=10, choices=CapPeriod.choices, blank=True, default=""
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    recess_only = models.BooleanField(_("recess only"), default=False)
    # Which known work records itself under this item (AutoSource values); a source belongs
    # to at most one item of a rule set.
    auto_sources = models.JSONField(_("recorded automatically from"), default=list, blank=True)
    self_reported = models.BooleanField(
        _("deputies report it themselves"),
        default=True,
        help_text=_("Deductions and automatic items are entered by staff or the system."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("rule item")
        verbose_name_plural = _("rule items")
        ordering = ["rule_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(cap_points__isnull=True, cap_period="")
                | (models.Q(cap_points__isnull=False, cap_points__gt=0) & ~models.Q(cap_period="")),
                name="rule_item_cap_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name
