"""Audit history for tenant-owned models: scoped like the models themselves, with the diff kept."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import get_scope
from django_scopes.manager import DisabledQuerySet
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

# Field names that never go into the stored diff, whatever model they are on.
SECRET_FIELDS = frozenset({"password", "token", "key"})


class _MissingScope(Exception):
    pass


def _scope_filter(scope_field: str) -> dict[str, Any] | None:
    """The filter django-scopes would apply for the active scope; None when scopes are off.

    Values are turned into primary keys, so a historical table can be scoped on a plain id.
    """
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    if "congress" not in current:
        raise _MissingScope
    value = current["congress"]
    if isinstance(value, list | tuple):
        return {f"{scope_field}__in": [getattr(item, "pk", item) for item in value]}
    if value is None:
        return {}
    return {scope_field: getattr(value, "pk", value)}


def _scoped_history_manager(scope_field: str) -> type[HistoryManager]:
    class ScopedHistoryManager(HistoryManager):
        """`Model.history` answers only within the active congress scope, as the model does."""

        def get_super_queryset(self):
            queryset = super().get_super_queryset()
            try:
                scope_filter = _scope_filter(scope_field)
            except _MissingScope:
                return DisabledQuerySet(self.model, using=self._db, missing_scopes={"congress"})
            return queryset if scope_filter is None else queryset.filter(**scope_filter)

    return ScopedHistoryManager


class ScopedHistoricalManager(models.Manager):
    """The default manager of a historical table, scoped like django-scopes' ScopedManager."""

    def __init__(self, scope_field: str):
        super().__init__()
        self.scope_field = scope_field

    def deconstruct(self):
        return (False, f"{__name__}.{type(self).__name__}", None, (self.scope_field,), {})

    def get_queryset(self):
        try:
            scope_filter = _scope_filter(self.scope_field)
        except _MissingScope:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={"congress"})
        queryset = super().get_queryset()
        return queryset if scope_filter is None else queryset.filter(**scope_filter)

    def with_scopes_disabled(self):
        return models.Manager.get_queryset(self)


class AuditedHistoricalModel(models.Model):
    """Extra columns on every historical table: where the change came from and what it changed."""

    history_ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    history_changes = models.JSONField(_("changes"), default=dict, blank=True)
    # What the object was called when it changed, so the log never has to follow relations.
    history_object_repr = models.CharField(_("object"), max_length=200, blank=True)

    class Meta:
        abstract = True


def scoped_history(scope_field: str = "congress", **options: Any) -> HistoricalRecords:
    """HistoricalRecords whose manager and `.history` are both scoped to the active congress."""

    base = type(
        f"ScopedHistoricalBase_{scope_field}",
        (AuditedHistoricalModel,),
        {
            "__module__": __name__,
            "objects": ScopedHistoricalManager(scope_field),
            "Meta": type("Meta", (), {"abstract": True}),
        },
    )
    return HistoricalRecords(
        history_manager=_scoped_history_manager(scope_field),
        bases=[base],
        excluded_fields=options.pop("excluded_fields", None),
        **options,
    )


def _display(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False) if value not in (None, "") else ""
    return "" if value is None else str(value)


def _changes(tracked, history_type: str, current, previous) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for field in tracked:
        value = _display(current, field)
        if history_type == "+":
            if value:
                changes[field.name] = ["", value]
        elif history_type == "-":
            if value:
                changes[field.name] = [value, ""]
        else:
            old = _display(previous, field) if previous is not None else ""
            if old != value:
                changes[field.name] = [old, value]
    return changes


def _tracked(history_model) -> list[models.Field]:
    return [f for f in history_model.tracked_fields if f.name not in SECRET_FIELDS]


def _request_address() -> str | None:
    from congress.net import client_address

    request = getattr(HistoricalRecords.context, "request", None)
    return (client_address(request) or None) if request is not None else None


@receiver(pre_create_historical_record)
def record_changes(sender, instance, history_instance, **kwargs) -> None:
    """Store the request's address and the field-by-field diff against the previous record."""
    if not isinstance(history_instance, AuditedHistoricalModel):
        return
    history_instance.history_ip_address = _request_address()
    previous = None
    if history_instance.history_type == "~":
        # The lookup is by this object's own id, so it cannot reach another congress; scopes
        # are set aside because platform code (creating a congress) writes with no scope active.
        previous = (
            sender._default_manager.with_scopes_disabled()
            .filter(id=instance.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
    history_instance.history_changes = _changes(
        _tracked(sender), history_instance.history_type, history_instance, previous
    )
    history_instance.history_object_repr = str(instance)[:200]


def history_bulk_record(
    instances: list[models.Model],
    *,
    user,
    history_type: str,
    previous: dict[int, models.Model] | None = None,
    batch_size: int = 1000,
) -> None:
    """History rows for a bulk create ("+") or update ("~"), as single saves would write them.

    `previous` maps a primary key to the object as it was before an update, for the diff.
    simple-history's own bulk helpers send no signal, so they would leave the diff out.
    """
    if not instances:
        return
    history_model = type(instances[0]).history.model
    tracked = _tracked(history_model)
    now = timezone.now()
    address = _request_address()
    rows = []
    for instance in instances:
        row = history_model(
            history_date=now,
            history_user=user,
            history_type=history_type,
            history_change_reason="",
            history_ip_address=address,
            history_object_repr=str(instance)[:200],
            **{
                field.attname: getattr(instance, field.attname)
                for field in history_model.tracked_fields
            },
        )
        before = (previous or {}).get(instance.pk)
        row.history_changes = _changes(tracked, history_type, row, before)
        rows.append(row)
    history_model.objects.bulk_create(rows, batch_size=batch_size)
