"""Reads for group projects (为民办实事), built on the shared visibility selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from congress.models import Membership, Role
from liaison.models import (
    DeputyGroup,
    GroupKind,
    GroupMembership,
    GroupProject,
    ProgressPhoto,
    ProjectProgress,
    ProjectStatus,
)
from liaison.selectors import (
    _count,
    _kind_rank,
    deputy_ids_for_user,
    groups_led_by,
    project_visible,
)


def project_list(
    *,
    membership: Membership,
    year: int | None = None,
    group_id: int | None = None,
    status: str = "",
) -> QuerySet[GroupProject]:
    """Projects the member may read with their group, leader and progress: one query."""
    queryset = project_visible(membership=membership)
    if year:
        queryset = queryset.filter(year=year)
    if group_id:
        queryset = queryset.filter(group_id=group_id)
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("group", "group__leader")
        .annotate(progress_count=Count("progress"), last_progress_on=Max("progress__date"))
        .order_by("-year", "group__name", "title", "pk")
    )


def project_counts(*, membership: Membership, year: int) -> dict[str, int]:
    """How many of the year's projects the member reads, in total and by status: one query."""
    counts = (
        project_visible(membership=membership)
        .filter(year=year)
        .aggregate(
            total=Count("pk"),
            **{value: Count("pk", filter=Q(status=value)) for value in ProjectStatus.values},
        )
    )
    return counts


def project_years(*, membership: Membership) -> list[int]:
    years = set(project_visible(membership=membership).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def group_filter_choices(*, membership: Membership) -> list[tuple[int, str]]:
    """Groups a member can filter by: all for staff and leaders, a deputy's own groups."""
    groups = DeputyGroup.objects.all()
    if membership.role == Role.DEPUTY:
        mine = deputy_ids_for_user(user=membership.user)
        groups = groups.filter(
            pk__in=GroupMembership.objects.filter(deputy_id__in=mine).values("group_id")
        )
    return list(groups.order_by("name").values_list("pk", "name"))


def claimable_groups(*, membership: Membership) -> QuerySet[DeputyGroup]:
    """Groups the member may claim a project for: staff any, a deputy those they lead."""
    if membership.role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        return DeputyGroup.objects.order_by("name", "pk")
    if membership.role == Role.DEPUTY:
        return groups_led_by(user=membership.user).order_by("name", "pk")
    return DeputyGroup.objects.none()


@dataclass(frozen=True)
class StatusChange:
    when: object
    user_name: str
    status: str
    note: str


def project_detail(*, project: GroupProject) -> dict:
    """The progress timeline (with photos) and the status changes: three queries."""
    progress = list(
        ProjectProgress.objects.filter(project=project)
        .select_related("created_by")
        .prefetch_related(Prefetch("photos", queryset=ProgressPhoto.objects.order_by("pk")))
        .order_by("-date", "-pk")
    )
    labels = dict(ProjectStatus.choices)
    changes = [
        StatusChange(
            when=record.history_date,
            user_name=str(record.history_user) if record.history_user else "",
            status=str(labels.get(record.status, record.status)),
            note=record.outcome
            if record.status in (ProjectStatus.DONE, ProjectStatus.DROPPED)
            else "",
        )
        for record in GroupProject.history.filter(id=project.pk)
        .filter(Q(history_type="+") | Q(history_changes__has_key="status"))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ]
    return {"progress": progress, "status_changes": changes}


def groups_without_project(*, year: int) -> QuerySet[DeputyGroup]:
    """Groups that have not claimed a project for `year` (a dropped one does not count): one
    query, each group with its leader and member count."""
    claimed = GroupProject.objects.filter(group=OuterRef("pk"), year=year).exclude(
        status=ProjectStatus.DROPPED
    )
    return (
        DeputyGroup.objects.annotate(has_project=Exists(claimed))
        .filter(has_project=False)
        .select_related("leader")
        .annotate(
            member_count=_count(GroupMembership.objects.all(), "group"),
            kind_rank=_kind_rank(GroupKind),
        )
        .order_by("kind_rank", "name", "pk")
    )


def group_count() -> int:
    return DeputyGroup.objects.count()
