"""Congress sessions, suggestion categories and the number series suggestions are numbered in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress

# Categories a new congress starts with; staff rename, reorder or retire them.
DEFAULT_CATEGORIES = (
    "城乡建设",
    "交通运输",
    "教育科技",
    "医疗卫生",
    "农业农村",
    "生态环境",
    "社会保障",
    "经济发展",
    "政法综治",
    "其他",
)


class CongressSession(models.Model):
    """A session of the congress (e.g. 十七届人大四次会议), with the dates it sat."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="sessions"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example: 十七届人大四次会议")
    )
    term = models.PositiveSmallIntegerField(_("term"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("session number"), null=True, blank=True)
    starts_on = models.DateField(_("opens on"))
    ends_on = models.DateField(_("closes on"))

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("congress session")
        verbose_name_plural = _("congress sessions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="session_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A session cannot close before it opens.")})


class SuggestionCategory(models.Model):
    congress = models.ForeignKey(
        Congress,
        verbose_name=_("congress"),
        on_delete=models.CASCADE,
        related_name="suggestion_categories",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="category_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last number given in one series (a session's suggestions, a recess year's motions…).

    Numbers come only from here, under a row lock, so they are given in order and never reused,
    even when a numbered suggestion is later merged or withdrawn.
    """

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    series = models.CharField(_("series"), max_length=40)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(fields=["congress", "series"], name="number_series_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"
