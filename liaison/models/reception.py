"""Reception days (代表接待日): scheduled days when named deputies receive voters at a station."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from deputies.models import Deputy
from liaison.models.organisation import LiaisonStation


class RepeatRule(models.TextChoices):
    WEEKDAY_OF_MONTH = "weekday_of_month", _("a weekday of each month (e.g. the first Tuesday)")
    DAY_OF_MONTH = "day_of_month", _("a date of each month (e.g. the 15th)")


class ReceptionSchedule(models.Model):
    """A repeating reception day; the days themselves are generated from it ahead of time."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="reception_schedules",
    )
    rule = models.CharField(_("repeats"), max_length=30, choices=RepeatRule.choices)
    # weekday_of_month: week 1–4, or -1 for the last; weekday 0 (Monday) – 6 (Sunday).
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(4)],
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    topic = models.CharField(_("reception topic"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, through="ScheduleDeputy", related_name="+", verbose_name=_("deputies on duty")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        ordering = ["station", "starts_on"]

    def __str__(self) -> str:
        return f"{self.station} · {self.get_rule_display()}"


class ScheduleDeputy(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    schedule = models.ForeignKey(
        ReceptionSchedule, on_delete=models.CASCADE, related_name="deputy_links"
    )
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("deputy on a schedule")
        verbose_name_plural = _("deputies on schedules")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "deputy"], name="schedule_deputy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.deputy}"


class ReceptionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ReceptionDay(models.Model):
    """One reception day at a station, planned on its own or generated from a schedule."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="reception_days",
    )
    schedule = models.ForeignKey(
        ReceptionSchedule,
        verbose_name=_("repeating schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="days",
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    topic = models.CharField(_("reception topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReceptionStatus.choices, default=ReceptionStatus.PLANNED
    )
    visitor_count = models.PositiveIntegerField(_("voters received"), default=0)
    summary = models.TextField(_("what was discussed"), blank=True)
    deputies = models.ManyToManyField(
        Deputy, through="ReceptionDuty", related_name="reception_days", verbose_name=_("deputies")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["congress", "date"], name="reception_day_date_idx")]
        constraints = [
            # A schedule generates each date once, however often generation runs.
            models.UniqueConstraint(
                fields=["schedule", "date"],
                condition=models.Q(schedule__isnull=False),
                name="reception_day_schedule_date_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.date.isoformat()}"


class Attendance(models.TextChoices):
    EXPECTED = "expected", _("expected")
    ATTENDED = "attended", _("attended")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


class ReceptionDuty(models.Model):
    """A deputy on duty on a reception day, and whether they came (duty points read this)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    reception_day = models.ForeignKey(
        ReceptionDay,
        verbose_name=_("reception day"),
        on_delete=models.CASCADE,
        related_name="duties",
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="reception_duties"
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.EXPECTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("reception duty")
        verbose_name_plural = _("reception duties")
        constraints = [
            models.UniqueConstraint(
                fields=["reception_day", "deputy"], name="reception_duty_unique"
            )
        ]
        indexes = [
            models.Index(fields=["deputy", "reception_day"], name="reception_duty_deputy_idx")
        ]

    def __str__(self) -> str:
        return f"{self.reception_day} · {self.deputy}"
