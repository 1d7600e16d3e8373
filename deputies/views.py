"""Roster pages: the searchable list, a deputy's profile, and the staff's edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error
from congress.permissions import membership_can
from deputies import selectors, services
from deputies.access import deputy_get
from deputies.forms import AccountForm, DeputyFilterForm, DeputyForm, StatusChangeForm
from deputies.models import DeputyLevel, DeputyStatus

PAGE_SIZE = 50


@permission_required("deputies.view_roster")
def deputy_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    filter_form = DeputyFilterForm(request.GET)
    filters = filter_form.filters()
    deputies = selectors.deputy_list(membership=request.membership, **filters)
    page = Paginator(deputies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "levels": DeputyLevel.choices,
        "statuses": DeputyStatus.choices,
        "query_string": request.GET.urlencode(),
        "can_manage": membership_can(request.membership, "deputies.manage_roster"),
        "can_export": membership_can(request.membership, "deputies.export_roster"),
        **selectors.deputy_filter_choices(membership=request.membership),
    }
    template = "deputies/deputy_list.html"
    if request.htmx and request.htmx.target == "deputy-table":
        template += "#deputy-table"
    return render(request, template, context)


@permission_required("deputies.view_roster")
def deputy_detail(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    deputy = deputy_get(request, deputy_id)
    context = {
        "deputy": deputy,
        "can_manage": membership_can(request.membership, "deputies.manage_roster"),
        "status_form": StatusChangeForm(),
        "account_form": AccountForm(),
        **selectors.deputy_profile(deputy=deputy),
    }
    return render(request, "deputies/deputy_detail.html", context)


@permission_required("deputies.manage_roster")
@require_http_methods(["GET", "POST"])
def deputy_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = DeputyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            deputy = services.deputy_create(
                actor=request.user, congress=request.congress, **form.values()
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added to the roster.") % {"name": deputy})
            return redirect("deputies:detail", congress_slug=congress_slug, deputy_id=deputy.pk)
    return render(request, "deputies/deputy_form.html", {"form": form})


@permission_required("deputies.manage_roster")
@require_http_methods(["GET", "POST"])
def deputy_edit(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    deputy = deputy_get(request, deputy_id)
    form = DeputyForm(request.POST or None, request.FILES or None, instance=deputy)
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_update(actor=request.user, deputy=deputy, **form.values())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The profile of %(name)s was saved.") % {"name": deputy})
            return redirect("deputies:detail", congress_slug=congress_slug, deputy_id=deputy.pk)
    return render(request, "deputies/deputy_form.html", {"form": form, "deputy": deputy})


@permission_required("deputies.manage_roster")
@require_http_methods(["GET", "POST"])
def deputy_status(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    deputy = deputy_get(request, deputy_id)
    form = StatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_change_status(actor=request.user, deputy=deputy, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now: %(status)s.")
                % {"name": deputy, "status": deputy.get_status_display()},
            )
            return redirect("deputies:detail", congress_slug=congress_slug, deputy_id=deputy.pk)
    return render(request, "deputies/deputy_status.html", {"form": form, "deputy": deputy})


@permission_required("deputies.manage_roster")
def deputy_account(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    # The deputy is fetched before the method is checked: another congress's id is a 404.
    deputy = deputy_get(request, deputy_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            user, created = services.deputy_create_account(
                actor=request.user, deputy=deputy, password=form.cleaned_data["password"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if created:
                message = _("%(name)s can now sign in with %(username)s.")
            else:
                message = _(
                    "%(name)s is linked to the existing account %(username)s, "
                    "which keeps its own password."
                )
            messages.success(request, message % {"name": deputy, "username": user.username})
            return redirect("deputies:detail", congress_slug=congress_slug, deputy_id=deputy.pk)
    context = {
        "deputy": deputy,
        "can_manage": True,
        "status_form": StatusChangeForm(),
        "account_form": form,
        **selectors.deputy_profile(deputy=deputy),
    }
    return render(request, "deputies/deputy_detail.html", context, status=400)
