"""Handling units (承办单位): the departments that answer suggestions and voter messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from congress.history import scoped_history
from congress.models import Congress


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("government department")
    TOWNSHIP = "township", _("township or street government")
    COURT = "court", _("court")
    PROCURATORATE = "procuratorate", _("procuratorate")
    OTHER = "other", _("other unit")


class HandlingUnit(models.Model):
    """A government department or agency that must answer what it is assigned."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnitLiaison",
        related_name="handling_units",
        verbose_name=_("liaison accounts"),
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UnitLiaison(models.Model):
    """An account with the handling-unit liaison role that answers for a unit."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="liaison_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="unit_liaison_links",
    )

    objects = ScopedManager(congress="congress")
    history = scoped_history()

    class Meta:
        verbose_name = _("unit liaison")
        verbose_name_plural = _("unit liaisons")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="unit_liaison_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"
