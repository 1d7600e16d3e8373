"""Writes for group projects (为民办实事): claiming, progress with photos, closing, dropping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.images import clean_photo
from congress.models import Congress, User
from liaison.models import DeputyGroup, GroupProject, ProgressPhoto, ProjectProgress, ProjectStatus
from scoring.automatic import duty_records_for_project

PROJECT_FIELDS = ("title", "goal", "budget", "partners", "year", "claimed_on")
MAX_PHOTOS = 3
MAX_BUDGET = Decimal("99999999.99")
CLOSED = (ProjectStatus.DONE, ProjectStatus.DROPPED)


def _lock(project: GroupProject) -> None:
    """Re-read the status under a row lock: of two people acting at once, the second sees the
    first one's change (a project closed meanwhile) instead of overwriting it."""
    project.status = (
        GroupProject.objects.select_for_update().values_list("status", flat=True).get(pk=project.pk)
    )


def _check_open(project: GroupProject) -> None:
    _lock(project)
    if project.status in CLOSED:
        raise DomainError(_("The project is closed: it can no longer be changed."))


def _check_fields(project: GroupProject) -> None:
    project.title = (project.title or "").strip()
    project.goal = (project.goal or "").strip()
    project.partners = (project.partners or "").strip()
    if not project.title:
        raise DomainError(_("Give the project a title."), field="title")
    if not project.goal:
        raise DomainError(_("Say what the project is to achieve."), field="goal")
    if not 2000 <= int(project.year) <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    if project.budget is not None and not Decimal(0) <= project.budget <= MAX_BUDGET:
        raise DomainError(_("The budget must be zero or more."), field="budget")
    if project.claimed_on > timezone.localdate():
        raise DomainError(_("The claim date cannot be in the future."), field="claimed_on")
    duplicate = (
        GroupProject.objects.filter(group_id=project.group_id, year=project.year)
        .filter(title=project.title)
        .exclude(pk=project.pk)
        .exists()
    )
    if duplicate:
        raise DomainError(
            _("The group already has a project with this title for that year."), field="title"
        )


@transaction.atomic
def project_create(
    *,
    actor: User,
    congress: Congress,
    group: DeputyGroup,
    year: int,
    title: str,
    goal: str,
    budget: Decimal | None = None,
    partners: str = "",
    claimed_on: date | None = None,
) -> GroupProject:
    """A group claims a livelihood project for a year."""
    project = GroupProject(
        congress=congress,
        group=group,
        year=year,
        title=title,
        goal=goal,
        budget=budget,
        partners=partners,
        claimed_on=claimed_on or timezone.localdate(),
        created_by=actor,
    )
    _check_fields(project)
    project._history_user = actor
    project.save()
    return project


@transaction.atomic
def project_update(*, actor: User, project: GroupProject, **fields) -> GroupProject:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    _check_open(project)
    for name, value in fields.items():
        setattr(project, name, value)
    _check_fields(project)
    project._history_user = actor
    project.save(update_fields=list(fields))
    return project


def _clean_photos(photos: Sequence) -> list:
    photos = [photo for photo in photos if photo]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(
            _("Attach at most %(count)s photos to one progress entry.") % {"count": MAX_PHOTOS},
            field="photos",
        )
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_photo(photo))
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="photos") from error
    return cleaned


@transaction.atomic
def project_progress_add(
    *,
    actor: User,
    project: GroupProject,
    date: date,
    text: str,
    photos: Sequence = (),
) -> ProjectProgress:
    """Record progress with up to three photos (checked, resized, stripped of location data).

    The first progress entry moves a claimed project to "in progress".
    """
    _check_open(project)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe the progress."), field="text")
    if date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    if date < project.claimed_on:
        raise DomainError(_("The date is before the project was claimed."), field="date")
    cleaned = _clean_photos(photos)
    progress = ProjectProgress(
        congress_id=project.congress_id, project=project, date=date, text=text, created_by=actor
    )
    progress._history_user = actor
    progress.save()
    for image in cleaned:
        photo = ProgressPhoto(congress_id=project.congress_id, progress=progress)
        photo.image.save(image.name, image, save=False)
        photo._history_user = actor
        photo.save()
    if project.status == ProjectStatus.CLAIMED:
        project.status = ProjectStatus.IN_PROGRESS
        project._history_user = actor
        project.save(update_fields=["status"])
    return progress


def _check_closing(project: GroupProject, closed_on: date) -> None:
    _check_open(project)
    if closed_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="closed_on")
    if closed_on < project.claimed_on:
        raise DomainError(_("The date is before the project was claimed."), field="closed_on")


@transaction.atomic
def project_close(
    *, actor: User, project: GroupProject, outcome: str, closed_on: date | None = None
) -> GroupProject:
    """The project is done: what it achieved, and when."""
    closed_on = closed_on or timezone.localdate()
    _check_closing(project, closed_on)
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Say what the project achieved."), field="outcome")
    project.status = ProjectStatus.DONE
    project.outcome = outcome
    project.closed_on = closed_on
    project._history_user = actor
    project.save()
    duty_records_for_project(project=project)
    return project


@transaction.atomic
def project_drop(
    *, actor: User, project: GroupProject, reason: str, closed_on: date | None = None
) -> GroupProject:
    """The project is given up; the reason is kept as its outcome."""
    closed_on = closed_on or timezone.localdate()
    _check_closing(project, closed_on)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the project is dropped."), field="reason")
    project.status = ProjectStatus.DROPPED
    project.outcome = reason
    project.closed_on = closed_on
    project._history_user = actor
    project.save()
    return project
