"""Group, station and station-standard pages, under /c/<congress_slug>/."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.pages import first_error, form_error, post_only
from congress.permissions import membership_can
from liaison import selectors, services
from liaison.access import deputy_get, group_get, standard_get, station_get
from liaison.forms import (
    ChecklistForm,
    DeputyPickForm,
    GroupForm,
    LeaderForm,
    StandardForm,
    StationForm,
    StationStaffForm,
)
from liaison.models import DeputyGroup, GroupKind, StationKind

PAGE_SIZE = 50
PICKER_LIMIT = 30


def _choice(value: str, choices) -> str:
    return value if value in dict(choices) else ""


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{target}"
    return template


# Groups ------------------------------------------------------------------------------------


@permission_required("liaison.view_groups")
def group_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    kind = _choice(request.GET.get("kind", ""), GroupKind.choices)
    groups = selectors.group_list(kind=kind, search=search)
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "kind": kind,
        "kinds": GroupKind.choices,
        "can_manage": membership_can(request.membership, "liaison.manage_groups"),
    }
    template = _fragment(request, "liaison/group_list.html", "group-table")
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_groups")
def group_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": group.name})
            return redirect("liaison:group_detail", congress_slug=congress_slug, group_id=group.pk)
    return render(request, "liaison/group_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_groups")
def group_update(request: HttpRequest, congress_slug: str, group_id: int) -> HttpResponse:
    group = group_get(request, group_id)
    name = group.name
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": group.name})
            return redirect("liaison:group_detail", congress_slug=congress_slug, group_id=group.pk)
    return render(
        request, "liaison/group_form.html", {"form": form, "group": group, "group_name": name}
    )


@permission_required("liaison.view_groups")
def group_detail(request: HttpRequest, congress_slug: str, group_id: int) -> HttpResponse:
    group = group_get(request, group_id)
    members = selectors.group_members(group=group)
    context = {
        "group": group,
        "members": members,
        "activity": selectors.group_activity(group=group),
        "can_manage": membership_can(request.membership, "liaison.manage_groups"),
    }
    return render(request, "liaison/group_detail.html", context)


def _picker(request: HttpRequest, *, group=None, station=None) -> HttpResponse:
    """The deputy picker: GET searches (a page, or the results fragment for htmx), POST adds."""
    owner = group or station
    slug = request.congress.slug
    form = DeputyPickForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        deputies = form.cleaned_data["deputies"]
        try:
            if group is not None:
                added = services.group_add_members(
                    actor=request.user, group=group, deputies=deputies
                )
            else:
                added = services.station_add_deputies(
                    actor=request.user, station=station, deputies=deputies
                )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(count)s deputies were added to %(name)s.")
                % {"count": len(added), "name": owner.name},
            )
            return _back_to(owner)
    search = request.GET.get("q", request.POST.get("q", "")).strip()
    candidates = selectors.deputy_candidates(search=search, group=group, station=station)
    if group is not None:
        picker_url = reverse(
            "liaison:group_members", kwargs={"congress_slug": slug, "group_id": group.pk}
        )
    else:
        picker_url = reverse(
            "liaison:station_deputies", kwargs={"congress_slug": slug, "station_id": station.pk}
        )
    context = {
        "picker_url": picker_url,
        "owner": owner,
        "group": group,
        "station": station,
        "form": form,
        "search": search,
        "candidates": list(candidates[:PICKER_LIMIT]) if search else [],
        "limit": PICKER_LIMIT,
    }
    template = _fragment(request, "liaison/deputy_picker.html", "deputy-results")
    return render(request, template, context, status=400 if form.errors else 200)


def _back_to(owner) -> HttpResponse:
    if isinstance(owner, DeputyGroup):
        return redirect(
            "liaison:group_detail", congress_slug=owner.congress.slug, group_id=owner.pk
        )
    return redirect(
        "liaison:station_detail", congress_slug=owner.congress.slug, station_id=owner.pk
    )


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_groups")
def group_members(request: HttpRequest, congress_slug: str, group_id: int) -> HttpResponse:
    return _picker(request, group=group_get(request, group_id))


@permission_required("liaison.manage_groups")
def group_member_remove(
    request: HttpRequest, congress_slug: str, group_id: int, deputy_id: int
) -> HttpResponse:
    group = group_get(request, group_id)
    deputy = deputy_get(request, deputy_id)
    if refused := post_only(request):
        return refused
    try:
        services.group_remove_member(actor=request.user, group=group, deputy=deputy)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(deputy)s was removed from %(group)s.") % {"deputy": deputy, "group": group},
        )
    return redirect("liaison:group_detail", congress_slug=congress_slug, group_id=group.pk)


@permission_required("liaison.manage_groups")
def group_leader(request: HttpRequest, congress_slug: str, group_id: int) -> HttpResponse:
    group = group_get(request, group_id)
    if refused := post_only(request):
        return refused
    form = LeaderForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        leader = form.cleaned_data["leader"]
        try:
            services.group_set_leader(actor=request.user, group=group, deputy=leader)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if leader is None:
                messages.success(request, _("The group has no leader now."))
            else:
                messages.success(
                    request, _("%(name)s leads the group now.") % {"name": leader.name}
                )
    return redirect("liaison:group_detail", congress_slug=congress_slug, group_id=group.pk)


# Stations ----------------------------------------------------------------------------------


@permission_required("liaison.view_stations")
def station_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    kind = _choice(request.GET.get("kind", ""), StationKind.choices)
    stations = selectors.station_list(membership=request.membership, kind=kind, search=search)
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "kind": kind,
        "kinds": StationKind.choices,
        "standard_count": selectors.active_standard_count(),
        "can_manage": membership_can(request.membership, "liaison.manage_stations"),
        "can_manage_standards": membership_can(
            request.membership, "liaison.manage_station_standards"
        ),
    }
    template = _fragment(request, "liaison/station_list.html", "station-table")
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_stations")
def station_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = StationForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": station.name})
            return redirect(
                "liaison:station_detail", congress_slug=congress_slug, station_id=station.pk
            )
    return render(request, "liaison/station_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_stations")
def station_update(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    station = station_get(request, station_id)
    name = station.name
    form = StationForm(request.POST or None, instance=station)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(actor=request.user, station=station, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": station.name})
            return redirect(
                "liaison:station_detail", congress_slug=congress_slug, station_id=station.pk
            )
    context = {"form": form, "station": station, "station_name": name}
    return render(request, "liaison/station_form.html", context)


@permission_required("liaison.view_stations")
def station_detail(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    station = station_get(request, station_id)
    checklist = selectors.station_checklist(station=station)
    can_manage = membership_can(request.membership, "liaison.manage_stations")
    context = {
        "station": station,
        "deputy_links": selectors.station_deputies(station=station),
        "staff_links": selectors.station_staff(station=station),
        "staff_candidates": selectors.station_staff_candidates(station=station)
        if can_manage
        else [],
        "checklist": checklist,
        "met_count": sum(item.is_met for item in checklist),
        "can_manage": can_manage,
        "can_check": membership_can(request.membership, "liaison.check_station", station),
    }
    return render(request, "liaison/station_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_stations")
def station_deputies(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    return _picker(request, station=station_get(request, station_id))


@permission_required("liaison.manage_stations")
def station_deputy_remove(
    request: HttpRequest, congress_slug: str, station_id: int, deputy_id: int
) -> HttpResponse:
    station = station_get(request, station_id)
    deputy = deputy_get(request, deputy_id)
    if refused := post_only(request):
        return refused
    try:
        services.station_remove_deputy(actor=request.user, station=station, deputy=deputy)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(deputy)s no longer receives voters at %(station)s.")
            % {"deputy": deputy, "station": station},
        )
    return redirect("liaison:station_detail", congress_slug=congress_slug, station_id=station.pk)


@permission_required("liaison.manage_stations")
def station_staff_add(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    station = station_get(request, station_id)
    if refused := post_only(request):
        return refused
    form = StationStaffForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        user = form.cleaned_data["user"]
        try:
            services.station_add_staff(actor=request.user, station=station, user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s works at %(station)s now.") % {"name": user, "station": station},
            )
    return redirect("liaison:station_detail", congress_slug=congress_slug, station_id=station.pk)


@permission_required("liaison.manage_stations")
def station_staff_remove(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    station = station_get(request, station_id)
    if refused := post_only(request):
        return refused
    form = StationStaffForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        user = form.cleaned_data["user"]
        try:
            services.station_remove_staff(actor=request.user, station=station, user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s no longer works at %(station)s.") % {"name": user, "station": station},
            )
    return redirect("liaison:station_detail", congress_slug=congress_slug, station_id=station.pk)


@require_http_methods(["GET", "POST"])
@permission_required("liaison.view_stations")
def station_checklist(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    """The station's status on each point of the standard; checkers update it here."""
    station = station_get(request, station_id)
    can_check = membership_can(request.membership, "liaison.check_station", station)
    if request.method == "POST":
        require(request, "liaison.check_station", station)
    items = selectors.station_checklist(station=station)
    form = ChecklistForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            stamped = services.station_checklist_update(
                actor=request.user, station=station, results=form.results()
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("The checklist was saved (%(count)s points updated).") % {"count": stamped},
            )
            return redirect(
                "liaison:station_detail", congress_slug=congress_slug, station_id=station.pk
            )
    context = {"station": station, "form": form, "can_check": can_check, "checklist": items}
    return render(request, "liaison/station_checklist.html", context)


# Standards ---------------------------------------------------------------------------------


@permission_required("liaison.manage_station_standards")
def standard_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    return render(
        request, "liaison/standard_list.html", {"standards": list(selectors.standard_list())}
    )


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_station_standards")
def standard_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = StandardForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            standard = services.station_standard_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": standard})
            return redirect("liaison:standard_list", congress_slug=congress_slug)
    return render(request, "liaison/standard_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("liaison.manage_station_standards")
def standard_update(request: HttpRequest, congress_slug: str, standard_id: int) -> HttpResponse:
    standard = standard_get(request, standard_id)
    label = str(standard)
    form = StandardForm(request.POST or None, instance=standard)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if fields["position"] is None:
            fields.pop("position")
        try:
            services.station_standard_update(actor=request.user, standard=standard, **fields)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": standard})
            return redirect("liaison:standard_list", congress_slug=congress_slug)
    context = {"form": form, "standard": standard, "standard_label": label}
    return render(request, "liaison/standard_form.html", context)


@permission_required("liaison.manage_station_standards")
def standard_defaults(request: HttpRequest, congress_slug: str) -> HttpResponse:
    if refused := post_only(request):
        return refused
    created = services.station_standards_ensure_defaults(request.congress, actor=request.user)
    if created:
        messages.success(request, _("The nine-point standard was added."))
    else:
        messages.info(request, _("This congress already has its standards."))
    return redirect("liaison:standard_list", congress_slug=congress_slug)
