"""Duty records and the quarters they fall in: what a deputy did, its evidence and its review."""

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

from .rules import AutoSource, ItemKind, RuleSet


class RecordStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting audit")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CONFIRMED = "confirmed", _("confirmed")


class RecordOrigin(models.TextChoices):
    DEPUTY = "deputy", _("reported by the deputy")
    STAFF = "staff", _("entered by staff")
    AUTOMATIC = "automatic", _("recorded by the system")


# The records a ranking counts: audited ones, and those confirmed when their quarter closed.
COUNTED_STATUSES = (RecordStatus.APPROVED, RecordStatus.CONFIRMED)


def quarter_of(day) -> int:
    return (day.month - 1) // 3 + 1


class DutyQuarter(models.Model):
    """A quarter of a congress's duty year: open for records, then closed and confirmed."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the quarterly job closed it."),
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("duty quarter")
        verbose_name_plural = _("duty quarters")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "quarter"], name="duty_quarter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class DutyRecord(models.Model):
    """One duty a deputy did (or a bonus or deduction), with where it came from and its review.

    The category is kept by code and name as they were when recorded; the rule set version in
    force for the quarter gives the points, frozen into `points` when the quarter closes.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="duty_records"
    )
    category_code = models.SlugField(_("category code"), max_length=30)
    category_name = models.CharField(_("category"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    occurred_on = models.DateField(_("date"))
    # Denormalised from occurred_on: rankings group and filter by them on a million rows.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    quarter = models.PositiveSmallIntegerField(_("quarter"), editable=False)
    description = models.CharField(_("description"), max_length=500)
    origin = models.CharField(_("origin"), max_length=20, choices=RecordOrigin.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.SUBMITTED
    )
    source_type = models.CharField(
        _("source"), max_length=30, choices=AutoSource.choices, blank=True, default=""
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Frozen when the quarter closes; until then the current rules apply."),
    )
    reject_reason = models.CharField(_("reason for rejecting"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "source_type", "source_id", "deputy"],
                condition=~models.Q(source_type=""),
                name="duty_record_source_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="duty_record_quarter"
            ),
        ]
        indexes = [
            models.Index(
                fields=["congress", "year", "quarter", "status"], name="duty_record_period_idx"
            ),
            models.Index(fields=["deputy", "occurred_on"], name="duty_record_deputy_idx"),
            models.Index(fields=["congress", "status", "created_at"], name="duty_record_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.category_name} {self.occurred_on}"

    def save(self, *args, **kwargs):
        self.year = self.occurred_on.year
        self.quarter = quarter_of(self.occurred_on)
        super().save(*args, **kwargs)

    @classmethod
    def for_item(cls, item, occurred_on, **fields) -> DutyRecord:
        """A record under a rule item, its category copied from the item and its year and
        quarter set as save() would set them (bulk_create does not call save())."""
        return cls(
            category_code=item.code,
            category_name=item.name,
            kind=item.kind,
            occurred_on=occurred_on,
            year=occurred_on.year,
            quarter=quarter_of(occurred_on),
            **fields,
        )

    @property
    def is_automatic(self) -> bool:
        return self.origin == RecordOrigin.AUTOMATIC


class DutyRecordPhoto(models.Model):
    """Evidence: a photo re-encoded on upload (bounded, upright, no location data)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    record = models.ForeignKey(
        DutyRecord, verbose_name=_("duty record"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="duties/%Y/%m/")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("duty photo")
        verbose_name_plural = _("duty photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.image.name}"


class DutyRecordEvent(models.Model):
    """One step in a record's review: who, when, from which status to which, and why.

    Rows are only ever added (in bulk for batch audits), so the table is its own history.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    record = models.ForeignKey(
        DutyRecord, verbose_name=_("duty record"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(
        _("from"), max_length=20, choices=RecordStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=RecordStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("duty record event")
        verbose_name_plural = _("duty record events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["record", "at"], name="duty_record_event_idx")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action}"
