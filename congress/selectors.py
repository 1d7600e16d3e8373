"""Reads for the tenant, memberships, audit log and jobs."""

from __future__ import annotations

import json
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


def membership_by_slug(*, user: User, slug: str) -> Membership | None:
    """The user's active membership in the active congress at `slug`, with the congress, in one
    query: what every signed-in tenant request looks up first.

    The user is the one already signed in (not read again). Filtered to the user's own row, the
    read is platform-level until the congress is known, as in `membership_list_for_user`.
    """
    if not user.is_active:
        return None
    with scopes_disabled():
        membership = (
            Membership.objects.select_related("congress")
            .filter(user=user, is_active=True, congress__slug=slug, congress__is_active=True)
            .first()
        )
    if membership is not None:
        membership.user = user
    return membership


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


AUDIT_COLUMNS = (
    "history_date",
    "history_user_id",
    "history_ip_address",
    "history_type",
    "history_changes",
    "history_object_repr",
)


def audit_log_recent(*, limit: int = 100, model_label: str = "") -> list[AuditEntry]:
    """The newest changes in the active congress across every audited model.

    One UNION ALL over the history tables (each scoped) and one query for the names of the
    people: two queries however many models are audited.
    """
    history_models = [
        model
        for model in audited_history_models()
        if not model_label or model.instance_type._meta.label_lower == model_label
    ]
    parts = [
        model.objects.annotate(audit_model_index=models.Value(index))
        .values(*AUDIT_COLUMNS, "audit_model_index")
        .order_by()
        for index, model in enumerate(history_models)
    ]
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = list(union.order_by("-history_date")[:limit])
    users = User.objects.in_bulk({row["history_user_id"] for row in rows} - {None})
    metas = [model.instance_type._meta for model in history_models]
    labels = [
        {f.name: str(f.verbose_name) for f in meta.get_fields() if hasattr(f, "verbose_name")}
        for meta in metas
    ]
    return [
        AuditEntry(
            when=row["history_date"],
            user_name=str(users[row["history_user_id"]]) if row["history_user_id"] else "",
            ip_address=row["history_ip_address"],
            model_name=str(metas[row["audit_model_index"]].verbose_name),
            object_repr=row["history_object_repr"],
            change=CHANGE_LABELS[row["history_type"]],
            changes=_json(row["history_changes"]),
            field_labels=labels[row["audit_model_index"]],
        )
        for row in rows
    ]


def _json(value) -> dict:
    # A JSON column read through UNION comes back as text on some databases.
    if isinstance(value, str):
        return json.loads(value) if value else {}
    return value or {}


def audit_model_choices() -> list[tuple[str, str]]:
    return [
        (model.instance_type._meta.label_lower, str(model.instance_type._meta.verbose_name))
        for model in audited_history_models()
    ]
