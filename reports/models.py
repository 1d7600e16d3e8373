"""A file an export produced: which export, with what options, for whom, and where it is kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.models import Congress, JobRun, User


class Export(models.Model):
    """One run of an exporter. The job run shows its progress; the row outlives the file,
    which is removed after the exporter's keeping period (the record of who exported what
    stays)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="+"
    )
    exporter = models.CharField(_("export"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    options = models.JSONField(_("options"), default=dict, blank=True)
    job_run = models.OneToOneField(
        JobRun, verbose_name=_("background job"), on_delete=models.CASCADE, related_name="export"
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("exported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    objects = ScopedManager(congress="congress")

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "exporter", "-created_at"], name="export_list_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_available(self) -> bool:
        return bool(self.file_path) and self.removed_at is None
