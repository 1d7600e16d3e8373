"""Group project pages (为民办实事), under /c/<congress_slug>/projects/: the year's list, a
project's timeline, claiming, progress with photos, closing, and the groups yet to claim one."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.permissions import membership_can
from liaison import project_selectors as selectors
from liaison import project_services as services
from liaison.models import GroupProject, ProgressPhoto, ProjectStatus
from liaison.project_forms import (
    CloseForm,
    DropForm,
    ProgressForm,
    ProjectCreateForm,
    ProjectForm,
)

PAGE_SIZE = 50
# Shown where a stored photo has gone missing, so the page's <img> never breaks.
PLACEHOLDER_PHOTO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 120">'
    '<rect width="160" height="120" fill="#eceff1"/>'
    '<path d="M50 84l22-26 16 18 10-12 22 20z" fill="#b0bec5"/>'
    '<circle cx="104" cy="42" r="9" fill="#b0bec5"/></svg>'
)


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "photos" and hasattr(form, "add_photo_error"):
        form.add_photo_error(error.message)
        return
    if error.field == "reason" and "reason" not in form.fields and "outcome" in form.fields:
        field = "outcome"
    form.add_error(field, error.message)


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def project_get(request: HttpRequest, project_id: int) -> GroupProject:
    """A project the member may read; another congress's id is a 404, one out of reach a 403."""
    project = get_object_or_404(
        GroupProject.objects.select_related("group", "group__leader", "created_by"),
        pk=project_id,
    )
    require(request, "liaison.view_project", project)
    return project


def _managed_project(request: HttpRequest, project_id: int) -> GroupProject:
    project = project_get(request, project_id)
    require(request, "liaison.manage_project", project)
    return project


def _to_project(project: GroupProject) -> HttpResponse:
    return redirect("projects:detail", congress_slug=project.congress.slug, project_id=project.pk)


@permission_required("liaison.view_projects")
def project_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    membership = request.membership
    year = _int(request.GET.get("year", ""))
    if year is None or not 2000 <= year <= 2100:
        year = timezone.localdate().year
    groups = selectors.group_filter_choices(membership=membership)
    group_id = _int(request.GET.get("group", ""))
    if group_id not in {pk for pk, _name in groups}:
        group_id = None
    status = request.GET.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    projects = selectors.project_list(
        membership=membership, year=year, group_id=group_id, status=status
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "years": selectors.project_years(membership=membership),
        "groups": groups,
        "group_id": group_id,
        "status": status,
        "statuses": ProjectStatus.choices,
        "counts": selectors.project_counts(membership=membership, year=year),
        "can_claim": membership_can(membership, "liaison.claim_projects"),
        "can_see_unclaimed": membership_can(membership, "liaison.view_groups"),
    }
    template = "liaison/projects/list.html"
    if request.htmx and request.htmx.target == "project-table":
        template += "#project-table"
    return render(request, template, context)


@permission_required("liaison.claim_projects")
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = ProjectCreateForm(
        request.POST if request.method == "POST" else None, membership=request.membership
    )
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        require(request, "liaison.manage_project", group)
        data = {name: form.cleaned_data[name] for name in ProjectForm.Meta.fields}
        try:
            project = services.project_create(
                actor=request.user, congress=request.congress, group=group, **data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The project was claimed."))
            return _to_project(project)
    context = {"form": form, "project": None, "has_groups": form.fields["group"].queryset.exists()}
    status = 400 if form.errors else 200
    return render(request, "liaison/projects/form.html", context, status=status)


@permission_required("liaison.view_projects")
def project_detail(request: HttpRequest, congress_slug: str, project_id: int) -> HttpResponse:
    project = project_get(request, project_id)
    can_manage = membership_can(request.membership, "liaison.manage_project", project)
    context = {
        "project": project,
        "can_manage": can_manage and project.status not in services.CLOSED,
        **selectors.project_detail(project=project),
    }
    return render(request, "liaison/projects/detail.html", context)


@permission_required("liaison.claim_projects")
@require_http_methods(["GET", "POST"])
def project_update(request: HttpRequest, congress_slug: str, project_id: int) -> HttpResponse:
    project = _managed_project(request, project_id)
    if project.status in services.CLOSED:
        messages.error(request, _("The project is closed: it can no longer be changed."))
        return _to_project(project)
    title = project.title
    initial = {name: getattr(project, name) for name in ProjectForm.Meta.fields}
    # A form without an instance: the service alone changes the project.
    form = ProjectForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ProjectForm.Meta.fields}
        try:
            services.project_update(actor=request.user, project=project, **data)
        except DomainError as error:
            project.refresh_from_db()
            _form_error(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return _to_project(project)
    context = {"form": form, "project": project, "project_title": title, "has_groups": True}
    status = 400 if form.errors else 200
    return render(request, "liaison/projects/form.html", context, status=status)


@permission_required("liaison.claim_projects")
@require_http_methods(["GET", "POST"])
def project_progress(request: HttpRequest, congress_slug: str, project_id: int) -> HttpResponse:
    project = _managed_project(request, project_id)
    if project.status in services.CLOSED:
        messages.error(request, _("The project is closed: it can no longer be changed."))
        return _to_project(project)
    form = ProgressForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_progress_add(
                actor=request.user,
                project=project,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                photos=form.photos(),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The progress was recorded."))
            return _to_project(project)
    status = 400 if form.errors else 200
    return render(
        request,
        "liaison/projects/progress_form.html",
        {"form": form, "project": project},
        status=status,
    )


def _closing(request: HttpRequest, project_id: int, *, drop: bool) -> HttpResponse:
    project = _managed_project(request, project_id)
    if project.status in services.CLOSED:
        messages.error(request, _("The project is closed: it can no longer be changed."))
        return _to_project(project)
    form_class = DropForm if drop else CloseForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if drop:
                services.project_drop(
                    actor=request.user,
                    project=project,
                    reason=data["reason"],
                    closed_on=data["closed_on"],
                )
            else:
                services.project_close(
                    actor=request.user,
                    project=project,
                    outcome=data["outcome"],
                    closed_on=data["closed_on"],
                )
        except DomainError as error:
            project.refresh_from_db()
            _form_error(form, error)
        else:
            messages.success(
                request, _("The project was dropped.") if drop else _("The project is done.")
            )
            return _to_project(project)
    status = 400 if form.errors else 200
    context = {"form": form, "project": project, "drop": drop}
    return render(request, "liaison/projects/close_form.html", context, status=status)


@permission_required("liaison.claim_projects")
@require_http_methods(["GET", "POST"])
def project_close(request: HttpRequest, congress_slug: str, project_id: int) -> HttpResponse:
    return _closing(request, project_id, drop=False)


@permission_required("liaison.claim_projects")
@require_http_methods(["GET", "POST"])
def project_drop(request: HttpRequest, congress_slug: str, project_id: int) -> HttpResponse:
    return _closing(request, project_id, drop=True)


@permission_required("liaison.view_projects")
def project_photo(
    request: HttpRequest, congress_slug: str, project_id: int, progress_photo_id: int
) -> HttpResponse:
    """A progress photo, only to members who may read the project (never a public media URL)."""
    project = project_get(request, project_id)
    photo = get_object_or_404(
        ProgressPhoto.objects.all(), pk=progress_photo_id, progress__project=project
    )
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, ValueError):
        response = HttpResponse(PLACEHOLDER_PHOTO, content_type="image/svg+xml")
    else:
        # Stored photos are always the JPEG that clean_photo wrote.
        response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@permission_required("liaison.view_groups")
def project_unclaimed(request: HttpRequest, congress_slug: str) -> HttpResponse:
    year = _int(request.GET.get("year", ""))
    if year is None or not 2000 <= year <= 2100:
        year = timezone.localdate().year
    groups = list(selectors.groups_without_project(year=year))
    context = {
        "groups": groups,
        "year": year,
        "years": selectors.project_years(membership=request.membership),
        "group_total": selectors.group_count(),
    }
    return render(request, "liaison/projects/unclaimed.html", context)
