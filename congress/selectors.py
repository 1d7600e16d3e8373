"""Reads for the tenant, memberships, audit log and jobs."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from congress.history import AuditedHistoricalModel
from congress.models import Congress, JobRun, Membership, Role, User


def congress_get_active(*, slug: str) -> Congress | None:
    return Congress.objects.filter(slug=slug, is_active=True).first()


def membership_for(*, user: User, congress: Congress) -> Membership | None:
    if not user.is_active:
        return None
    return (
        Membership.objects.with_scope(congress=congress)
        .select_related("user", "congress")
        .filter(user=user, is_active=True)
        .first()
    )


def membership_list_for_user(*, user: User) -> list[Membership]:
    """A user's own active memberships across congresses, to choose one after signing in.

    This is the one cross-congress read a signed-in user makes: it is platform-level (before
    any congress is chosen) and filtered to the user's own rows, so scopes are set aside.
    """
    with scopes_disabled():
        return list(
            Membership.objects.select_related("congress")
            .filter(user=user, is_active=True, congress__is_active=True)
            .order_by("congress__name")
        )


# Roles in the order staff think of them, from the committee outwards.
ROLE_RANK = models.Case(
    *[models.When(role=role, then=rank) for rank, role in enumerate(Role.values)],
    output_field=models.IntegerField(),
)


def member_list(*, congress: Congress, search: str = "", role: str = "") -> QuerySet[Membership]:
    queryset = (
        Membership.objects.filter(congress=congress)
        .select_related("user")
        .annotate(role_rank=ROLE_RANK)
        .order_by("role_rank", "user__full_name", "pk")
    )
    if search:
        queryset = member_search(queryset, search)
    if role:
        queryset = queryset.filter(role=role)
    return queryset


def member_search(queryset: QuerySet[Membership], search: str) -> QuerySet[Membership]:
    return queryset.filter(
        models.Q(user__full_name__icontains=search)
        | models.Q(user__username__icontains=search)
        | models.Q(user__phone__startswith=search)
    )


def job_run_list(*, limit: int = 50) -> QuerySet[JobRun]:
    return JobRun.objects.select_related("created_by").order_by("-created_at", "-id")[:limit]


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    user_name: str
    ip_address: str | None
    model_name: str
    object_repr: str
    change: str  # translated label
    changes: dict[str, list[str]]
    field_labels: dict[str, str]

    @property
    def change_items(self) -> list[tuple[str, str, str]]:
        return [
            (self.field_labels.get(name, name), old, new)
            for name, (old, new) in self.changes.items()
        ]


CHANGE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def audited_history_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AuditedHistoricalModel) and not model._meta.abstract
    ]


def audit_log_recent(*, limit: int = 100, model_label: str = "") -> list[AuditEntry]:
    """The newest changes in the active congress across every audited model.

    One query per audited model (each limited), merged by time: a fixed number of queries.
    """
    streams = []
    for history_model in audited_history_models():
        if model_label and history_model.instance_type._meta.label_lower != model_label:
            continue
        rows = history_model.objects.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[:limit]
        streams.append(_audit_entries(history_model, rows))
    merged = heapq.merge(*streams, key=lambda entry: entry.when, reverse=True)
    return [entry for _, entry in zip(range(limit), merged, strict=False)]


def _audit_entries(history_model, rows):
    source = history_model.instance_type._meta
    labels = {
        field.name: str(field.verbose_name)
        for field in source.get_fields()
        if hasattr(field, "verbose_name")
    }
    for row in rows:
        yield AuditEntry(
            when=row.history_date,
            user_name=str(row.history_user) if row.history_user else "",
            ip_address=row.history_ip_address,
            model_name=str(source.verbose_name),
            object_repr=row.history_object_repr or f"#{row.id}",
            change=CHANGE_LABELS[row.history_type],
            changes=row.history_changes or {},
            field_labels=labels,
        )


def audit_model_choices() -> list[tuple[str, str]]:
    return [
        (model.instance_type._meta.label_lower, str(model.instance_type._meta.verbose_name))
        for model in audited_history_models()
    ]
