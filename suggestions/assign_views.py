"""Staff pages for assignment (交办): assign, reassign, extend the deadline."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error
from suggestions import assign_selectors as selectors
from suggestions import assign_services as services
from suggestions.access import suggestion_get
from suggestions.assign_forms import AssignForm, ExtendForm, ReassignForm
from suggestions.models import HANDLING_STATUSES, Suggestion, SuggestionStatus


def _context(request: HttpRequest, suggestion: Suggestion, form, **extra) -> dict:
    return {
        "suggestion": suggestion,
        "form": form,
        "assignments": selectors.assignments_of(suggestion),
        "followers": list(selectors.followers_of(suggestion)),
        **extra,
    }


def _done(request: HttpRequest, suggestion: Suggestion, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(
        "suggestions:detail", congress_slug=suggestion.congress.slug, suggestion_id=suggestion.pk
    )


def _answer(request, template: str, context: dict) -> HttpResponse:
    form = context["form"]
    return render(request, template, context, status=400 if form.errors else 200)


@permission_required("suggestions.process_suggestions")
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    form = AssignForm(request.POST or None, initial={"version": suggestion.version})
    can_assign = suggestion.status == SuggestionStatus.ACCEPTED and not suggestion.merged_into_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_assign(
                actor=request.user,
                suggestion=suggestion,
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                note=data["note"],
                expected_version=data["version"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            suggestion.refresh_from_db()
            return _done(
                request,
                suggestion,
                _("Assigned to %(unit)s; the reply is due on %(date)s.")
                % {
                    "unit": data["lead_unit"].name,
                    "date": date_format(suggestion.due_on, "SHORT_DATE_FORMAT"),
                },
            )
    context = _context(
        request,
        suggestion,
        form,
        can_assign=can_assign,
        preview=services.deadlines_for(request.congress, timezone.localdate()),
    )
    return _answer(request, "suggestions/assign/assign.html", context)


@permission_required("suggestions.process_suggestions")
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    form = ReassignForm(
        request.POST or None, suggestion=suggestion, initial={"version": suggestion.version}
    )
    can_change = suggestion.status in HANDLING_STATUSES and not suggestion.merged_into_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_reassign(
                actor=request.user,
                suggestion=suggestion,
                reason=data["reason"],
                lead_unit=data["lead_unit"],
                add_co_units=data["add_co_units"],
                withdraw_co_units=data["withdraw_co_units"],
                restart_deadline=data["restart_deadline"],
                expected_version=data["version"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(request, suggestion, _("The assignment was changed."))
    months = (
        request.congress.rehandling_deadline_months
        if suggestion.status == SuggestionStatus.REHANDLING
        else None
    )
    context = _context(
        request,
        suggestion,
        form,
        can_change=can_change,
        preview=services.deadlines_for(request.congress, timezone.localdate(), months=months),
    )
    return _answer(request, "suggestions/assign/reassign.html", context)


@permission_required("suggestions.process_suggestions")
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    form = ExtendForm(request.POST or None, initial={"version": suggestion.version})
    can_change = suggestion.status in HANDLING_STATUSES and not suggestion.merged_into_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_extend(
                actor=request.user,
                suggestion=suggestion,
                due_on=data["due_on"],
                reason=data["reason"],
                approved_by=data["approved_by"],
                expected_version=data["version"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            suggestion.refresh_from_db()
            return _done(
                request,
                suggestion,
                _("The reply is now due on %(date)s.")
                % {"date": date_format(suggestion.due_on, "SHORT_DATE_FORMAT")},
            )
    context = _context(
        request,
        suggestion,
        form,
        can_change=can_change,
        limit=services.extension_limit(suggestion),
        extensions=list(selectors.extensions_of(suggestion)),
    )
    return _answer(request, "suggestions/assign/extend.html", context)
