"""Group projects (为民办实事): the livelihood projects each deputy group takes on for a year."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress
from liaison.models.organisation import DeputyGroup


class ProjectStatus(models.TextChoices):
    CLAIMED = "claimed", _("claimed")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class GroupProject(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    group = models.ForeignKey(
        DeputyGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"))
    budget = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.CLAIMED
    )
    claimed_on = models.DateField(_("claimed on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("group project")
        verbose_name_plural = _("group projects")
        ordering = ["-year", "group", "title"]
        indexes = [models.Index(fields=["congress", "year", "group"], name="project_year_idx")]

    def __str__(self) -> str:
        return self.title


class ProjectProgress(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    project = models.ForeignKey(
        GroupProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("project progress")
        verbose_name_plural = _("project progress")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.date.isoformat()}"


class ProgressPhoto(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    progress = models.ForeignKey(
        ProjectProgress, verbose_name=_("progress"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="projects/%Y/%m/")

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.progress} #{self.pk}"
