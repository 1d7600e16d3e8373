"""Staff pages for the scoring rules: the years and their versions, a version's items, starting
a year from a preset, and editing the items into the year's next version.

Leaders read the rules; committee staff change them. A closed quarter keeps the version it
closed with, so editing never changes a published ranking.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error
from congress.permissions import membership_can

from . import rule_selectors as selectors
from . import services
from .models import RuleSet
from .rule_forms import PresetForm, RuleItemFormSet, RuleSetReviseForm, item_initial

VIEW = "scoring.view_rules"
MANAGE = "scoring.manage_rules"
ITEMS_PREFIX = "items"


@permission_required(VIEW)
def rule_index(request: HttpRequest, congress_slug: str) -> HttpResponse:
    can_manage = membership_can(request.membership, MANAGE)
    context = {
        "years": selectors.rule_years(),
        "can_manage": can_manage,
        "preset_form": PresetForm() if can_manage else None,
    }
    return render(request, "scoring/rules/index.html", context)


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    """Start a year's rules from a preset (its next version, when the year has rules)."""
    form = PresetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.rule_set_create_from_preset(
                actor=request.user,
                congress=request.congress,
                year=form.cleaned_data["year"],
                preset=form.cleaned_data["preset"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s (version %(version)s) is in force for %(year)s.")
                % {"name": rule_set.name, "version": rule_set.version, "year": rule_set.year},
            )
            return redirect(
                "duty_rules:detail", congress_slug=congress_slug, rule_set_id=rule_set.pk
            )
    status = 400 if form.errors else 200
    return render(request, "scoring/rules/create.html", {"form": form}, status=status)


def _rule_set_get(rule_set_id: int) -> RuleSet:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(RuleSet.objects.select_related("created_by"), pk=rule_set_id)


@permission_required(VIEW)
def rule_set_detail(request: HttpRequest, congress_slug: str, rule_set_id: int) -> HttpResponse:
    rule_set = _rule_set_get(rule_set_id)
    context = {
        "rule_set": rule_set,
        "can_manage": membership_can(request.membership, MANAGE),
        **selectors.rule_set_page(rule_set=rule_set),
    }
    return render(request, "scoring/rules/detail.html", context)


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_edit(request: HttpRequest, congress_slug: str, rule_set_id: int) -> HttpResponse:
    """Edit the items of the year's latest version; saving writes the next version."""
    rule_set = _rule_set_get(rule_set_id)
    page = selectors.rule_set_page(rule_set=rule_set)
    context = {"rule_set": rule_set, **page, "show_errors": True, "items_error": ""}
    if not page["is_current"]:
        # An older version is never edited: the page points to the one in force.
        return render(request, "scoring/rules/edit.html", context)
    if request.method != "POST":
        context["form"] = RuleSetReviseForm(
            initial={"name": rule_set.name, "close_after_days": rule_set.close_after_days}
        )
        context["formset"] = RuleItemFormSet(
            prefix=ITEMS_PREFIX, initial=[item_initial(item) for item in page["items"]]
        )
        return render(request, "scoring/rules/edit.html", context)
    data = request.POST
    if "add_row" in data:
        # One more empty row, keeping everything typed; nothing is checked yet.
        data = data.copy()
        total = f"{ITEMS_PREFIX}-TOTAL_FORMS"
        try:
            data[total] = str(min(int(data.get(total, "0")) + 1, services.MAX_ITEMS + 5))
        except ValueError:
            data[total] = "1"
        context["show_errors"] = False
    form = RuleSetReviseForm(data)
    formset = RuleItemFormSet(data, prefix=ITEMS_PREFIX)
    context.update(form=form, formset=formset)
    if "add_row" in data:
        return render(request, "scoring/rules/edit.html", context)
    form_ok, formset_ok = form.is_valid(), formset.is_valid()
    if form_ok and formset_ok:
        try:
            revised = services.rule_set_revise(
                actor=request.user,
                rule_set=rule_set,
                items=formset.items(),
                name=form.cleaned_data["name"],
                close_after_days=form.cleaned_data["close_after_days"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            if error.field == "items":
                context["items_error"] = error.message
            else:
                form_error(form, error)
        else:
            messages.success(
                request,
                _("The rules were saved as version %(version)s; closed quarters keep theirs.")
                % {"version": revised.version},
            )
            return redirect(
                "duty_rules:detail", congress_slug=congress_slug, rule_set_id=revised.pk
            )
    return render(request, "scoring/rules/edit.html", context, status=400)
