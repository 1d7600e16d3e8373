"""The working-day calendar for staff: this congress's own days, a month at a glance, and the
holiday notice entered all at once."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress import calendar_services as services
from congress.access import permission_required
from congress.calendar_forms import (
    DAY_OFF,
    FIRST_YEAR,
    LAST_YEAR,
    WORKING,
    CalendarBulkForm,
    CalendarOverrideForm,
)
from congress.errors import DomainError
from congress.models import CalendarOverride

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(value: str, today: date) -> tuple[int, int]:
    match = MONTH.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def _year(value: str, default: int) -> int:
    if value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    return default


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def _index_url(congress_slug: str, day: date) -> str:
    url = reverse("calendar:index", kwargs={"congress_slug": congress_slug})
    return f"{url}?year={day.year}&month={day.year:04d}-{day.month:02d}"


@permission_required("congress.manage_calendar")
def calendar_index(request: HttpRequest, congress_slug: str) -> HttpResponse:
    today = timezone.localdate()
    year, month = _month(request.GET.get("month", ""), today)
    list_year = _year(request.GET.get("year", ""), year)
    years = sorted({*services.override_years(), today.year, today.year + 1, list_year})
    month_value = f"{year:04d}-{month:02d}"
    context = {
        "weeks": services.month_weeks(year=year, month=month),
        "weekday_headings": [WEEKDAYS_ABBR[number] for number in range(7)],
        "shown_month": date(year, month, 1),
        "month_value": month_value,
        "previous_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "today": today,
        "list_year": list_year,
        "years": years,
        "overrides": services.override_list(year=list_year),
    }
    return render(request, "congress/calendar.html", context)


@permission_required("congress.manage_calendar")
@require_http_methods(["GET", "POST"])
def calendar_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    initial = {"kind": DAY_OFF}
    if (day := _initial_day(request.GET.get("date", ""))) is not None:
        initial["date"] = day
    form = CalendarOverrideForm(request.POST or None, initial=initial)
    return _save(request, congress_slug, form, override=None)


def _initial_day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


@permission_required("congress.manage_calendar")
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, congress_slug: str, override_id: int) -> HttpResponse:
    override = get_object_or_404(CalendarOverride.objects.all(), pk=override_id)
    initial = {
        "date": override.date,
        "kind": WORKING if override.is_working_day else DAY_OFF,
        "note": override.note,
    }
    form = CalendarOverrideForm(request.POST or None, initial=initial)
    return _save(request, congress_slug, form, override=override)


def _save(request, congress_slug: str, form, *, override) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.calendar_override_save(
                actor=request.user, congress=request.congress, override=override, **form.values()
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(date)s was saved.") % {"date": saved.date.isoformat()})
            return redirect(_index_url(congress_slug, saved.date))
    return render(request, "congress/calendar_form.html", {"form": form, "override": override})


@permission_required("congress.manage_calendar")
def calendar_delete(request: HttpRequest, congress_slug: str, override_id: int) -> HttpResponse:
    override = get_object_or_404(CalendarOverride.objects.all(), pk=override_id)
    # The method is checked after the lookup, so another congress's id is a 404 either way.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    day = override.date
    services.calendar_override_delete(actor=request.user, override=override)
    messages.success(
        request,
        _("%(date)s now follows the national arrangements again.") % {"date": day.isoformat()},
    )
    return redirect(_index_url(congress_slug, day))


@permission_required("congress.manage_calendar")
@require_http_methods(["GET", "POST"])
def calendar_bulk(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = CalendarBulkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entries = form.cleaned_data["text"]
        try:
            added, changed = services.calendar_overrides_import(
                actor=request.user, congress=request.congress, entries=entries
            )
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            messages.success(
                request,
                _("The days were entered: %(added)d added, %(changed)d changed.")
                % {"added": added, "changed": changed},
            )
            return redirect(_index_url(congress_slug, min(entry.day for entry in entries)))
    return render(request, "congress/calendar_bulk.html", {"form": form})
