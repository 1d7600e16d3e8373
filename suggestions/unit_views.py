"""Handling unit pages for committee staff, under /c/<congress_slug>/units/."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import first_error, form_error, post_only
from congress.permissions import membership_can
from suggestions import unit_selectors as selectors
from suggestions import unit_services as services
from suggestions.models import HandlingUnit, UnitKind
from suggestions.unit_forms import UnitForm, UnitLiaisonForm

PAGE_SIZE = 50


def unit_get(request: HttpRequest, unit_id: int) -> HandlingUnit:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(HandlingUnit.objects.all(), pk=unit_id)


@permission_required("suggestions.view_units")
def unit_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in UnitKind.values:
        kind = ""
    units = selectors.unit_list(search=search, kind=kind)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "kind": kind,
        "kinds": UnitKind.choices,
        "can_manage": membership_can(request.membership, "suggestions.manage_units"),
    }
    template = "suggestions/units/list.html"
    if request.htmx and request.htmx.target == "unit-table":
        template += "#unit-table"
    return render(request, template, context)


@permission_required("suggestions.manage_units")
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = UnitForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("units:detail", congress_slug=congress_slug, unit_id=unit.pk)
    status = 400 if form.errors else 200
    return render(request, "suggestions/units/form.html", {"form": form}, status=status)


@permission_required("suggestions.manage_units")
@require_http_methods(["GET", "POST"])
def unit_update(request: HttpRequest, congress_slug: str, unit_id: int) -> HttpResponse:
    unit = unit_get(request, unit_id)
    name = unit.name
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": unit.name})
            return redirect("units:detail", congress_slug=congress_slug, unit_id=unit.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "unit": unit, "unit_name": name}
    return render(request, "suggestions/units/form.html", context, status=status)


@permission_required("suggestions.view_units")
def unit_detail(request: HttpRequest, congress_slug: str, unit_id: int) -> HttpResponse:
    unit = unit_get(request, unit_id)
    can_manage = membership_can(request.membership, "suggestions.manage_units")
    context = {
        "unit": unit,
        "liaison_links": selectors.unit_liaisons(unit=unit),
        "candidates": selectors.liaison_candidates(unit=unit) if can_manage else [],
        "can_manage": can_manage,
    }
    return render(request, "suggestions/units/detail.html", context)


def _liaison_change(request: HttpRequest, unit_id: int, *, add: bool) -> HttpResponse:
    unit = unit_get(request, unit_id)
    if refused := post_only(request):
        return refused
    form = UnitLiaisonForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        user = form.cleaned_data["user"]
        try:
            if add:
                services.unit_add_liaison(actor=request.user, unit=unit, user=user)
            else:
                services.unit_remove_liaison(actor=request.user, unit=unit, user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if add:
                text = _("%(name)s answers for %(unit)s now.")
            else:
                text = _("%(name)s no longer answers for %(unit)s.")
            messages.success(request, text % {"name": user, "unit": unit.name})
    return redirect("units:detail", congress_slug=unit.congress.slug, unit_id=unit.pk)


@permission_required("suggestions.manage_units")
def unit_liaison_add(request: HttpRequest, congress_slug: str, unit_id: int) -> HttpResponse:
    return _liaison_change(request, unit_id, add=True)


@permission_required("suggestions.manage_units")
def unit_liaison_remove(request: HttpRequest, congress_slug: str, unit_id: int) -> HttpResponse:
    return _liaison_change(request, unit_id, add=False)
