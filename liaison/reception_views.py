"""Reception day pages, under /c/<congress_slug>/receptions/: the staff's list and planning,
a day's page with attendance, repeating schedules, and a deputy's own days on the phone."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.pages import form_error
from congress.permissions import membership_can
from liaison import reception_selectors as selectors
from liaison import reception_services as services
from liaison.models import LiaisonStation, ReceptionDay, ReceptionSchedule, ReceptionStatus
from liaison.reception_forms import (
    AttendanceForm,
    CancelForm,
    ReceptionDayForm,
    ReceptionScheduleForm,
    StationPickForm,
)

PAGE_SIZE = 50
DEFAULT_START = time(9, 0)
DEFAULT_END = time(11, 30)


def reception_get(request: HttpRequest, reception_id: int) -> ReceptionDay:
    """A day the member may read; another congress's id is a 404, one out of reach a 403."""
    day = get_object_or_404(
        ReceptionDay.objects.select_related("station", "schedule"), pk=reception_id
    )
    require(request, "liaison.view_reception", day)
    return day


def schedule_get(request: HttpRequest, schedule_id: int) -> ReceptionSchedule:
    schedule = get_object_or_404(
        ReceptionSchedule.objects.select_related("station"), pk=schedule_id
    )
    # A schedule belongs to its station as a day does: the same rule decides who manages it.
    require(request, "liaison.manage_reception", schedule)
    return schedule


def _month(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        return None


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _is_deputy_view(request: HttpRequest) -> bool:
    # Deputies get their own phone page; everyone else who reads reception days gets the list.
    return membership_can(request.membership, "deputies.view_own_profile")


# Lists -------------------------------------------------------------------------------------


@permission_required("liaison.view_receptions")
def reception_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    if _is_deputy_view(request):
        return render(
            request,
            "liaison/receptions/mine.html",
            selectors.deputy_reception_days(membership=request.membership),
        )
    stations = selectors.station_filter_choices(membership=request.membership)
    station_id = _int(request.GET.get("station", ""))
    if station_id not in {pk for pk, _name in stations}:
        station_id = None
    month = _month(request.GET.get("month", ""))
    status = request.GET.get("status", "")
    if status not in ReceptionStatus.values:
        status = ""
    days = selectors.reception_day_list(
        membership=request.membership, station_id=station_id, month=month, status=status
    )
    page = Paginator(days, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.mark_days_off(page.object_list)
    context = {
        "page": page,
        "stations": stations,
        "station_id": station_id,
        "month": month.strftime("%Y-%m") if month else "",
        "status": status,
        "statuses": ReceptionStatus.choices,
        "today": timezone.localdate(),
        "can_plan": membership_can(request.membership, "liaison.plan_receptions"),
    }
    template = "liaison/receptions/list.html"
    if request.htmx and request.htmx.target == "reception-table":
        template += "#reception-table"
    return render(request, template, context)


# Planning a day ----------------------------------------------------------------------------


def _picked_station(request: HttpRequest) -> tuple[LiaisonStation | None, StationPickForm]:
    """The station chosen in step one (from the query or the form); the only one if just one."""
    value = request.POST.get("station") or request.GET.get("station")
    form = StationPickForm({"station": value} if value else None, membership=request.membership)
    if value:
        if form.is_valid():
            return form.cleaned_data["station"], form
        return None, form
    choices = list(form.fields["station"].queryset[:2])
    if len(choices) == 1:
        return choices[0], form
    return None, form


def _station_step(request: HttpRequest, form: StationPickForm, title: str) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "liaison/receptions/station_pick.html",
        {
            "form": form,
            "title": title,
            "has_stations": form.fields["station"].queryset.exists(),
        },
        status=status,
    )


@permission_required("liaison.plan_receptions")
@require_http_methods(["GET", "POST"])
def reception_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    station, pick_form = _picked_station(request)
    if station is None:
        return _station_step(request, pick_form, _("Plan a reception day"))
    require(request, "liaison.manage_reception", ReceptionDay(station=station))
    form = ReceptionDayForm(
        request.POST if request.method == "POST" else None,
        station=station,
        initial={"start_time": DEFAULT_START, "end_time": DEFAULT_END},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = services.reception_day_create(
                actor=request.user,
                congress=request.congress,
                station=station,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                topic=data["topic"],
                deputies=form.chosen_deputies(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The reception day was planned."))
            return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    context = {"form": form, "station": station, "day": None}
    status = 400 if form.errors else 200
    return render(request, "liaison/receptions/form.html", context, status=status)


@permission_required("liaison.view_receptions")
def reception_detail(request: HttpRequest, congress_slug: str, reception_id: int) -> HttpResponse:
    return _detail(request, reception_get(request, reception_id))


def _detail(
    request: HttpRequest,
    day: ReceptionDay,
    *,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = membership_can(request.membership, "liaison.manage_reception", day)
    context = {
        "day": day,
        "can_manage": can_manage,
        "can_record": can_manage
        and day.status != ReceptionStatus.CANCELLED
        and day.date <= timezone.localdate(),
        # A cancel form that came back (too long, or refused) stays with what was typed.
        "cancel_form": cancel_form if cancel_form is not None else CancelForm(),
        "show_visits": membership_can(request.membership, "liaison.view_messages"),
        # Voters' names only for the staff who take the visits down, as on the message pages.
        "show_voter_names": membership_can(request.membership, "liaison.register_visits"),
        **selectors.reception_day_detail(day=day, membership=request.membership),
    }
    if day.schedule_id:
        context["schedule_rule"] = selectors.describe_schedule(day.schedule)
    return render(request, "liaison/receptions/detail.html", context, status=status)


@permission_required("liaison.plan_receptions")
@require_http_methods(["GET", "POST"])
def reception_update(request: HttpRequest, congress_slug: str, reception_id: int) -> HttpResponse:
    day = reception_get(request, reception_id)
    require(request, "liaison.manage_reception", day)
    if day.status != ReceptionStatus.PLANNED:
        messages.error(request, _("Only a planned reception day can be changed."))
        return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    deputy_ids = set(day.duties.values_list("deputy_id", flat=True))
    form = ReceptionDayForm(
        request.POST if request.method == "POST" else None,
        station=day.station,
        initial_deputy_ids=deputy_ids,
        initial={
            "date": day.date,
            "start_time": day.start_time,
            "end_time": day.end_time,
            "topic": day.topic,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reception_day_update(
                actor=request.user,
                day=day,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                topic=data["topic"],
                deputies=form.chosen_deputies(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The reception day was changed."))
            return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    context = {"form": form, "station": day.station, "day": day}
    status = 400 if form.errors else 200
    return render(request, "liaison/receptions/form.html", context, status=status)


@permission_required("liaison.plan_receptions")
def reception_cancel(request: HttpRequest, congress_slug: str, reception_id: int) -> HttpResponse:
    day = reception_get(request, reception_id)
    require(request, "liaison.manage_reception", day)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.reception_day_cancel(
                actor=request.user, day=day, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            day.refresh_from_db()
            form_error(form, error)
        else:
            messages.success(request, _("The reception day was cancelled."))
            return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    # The reason typed comes back on the day's page with the error, whatever went wrong.
    return _detail(request, day, cancel_form=form, status=400)


@permission_required("liaison.plan_receptions")
@require_http_methods(["GET", "POST"])
def reception_attendance(
    request: HttpRequest, congress_slug: str, reception_id: int
) -> HttpResponse:
    day = reception_get(request, reception_id)
    require(request, "liaison.manage_reception", day)
    if day.status == ReceptionStatus.CANCELLED:
        messages.error(
            request, _("The reception day was cancelled: there is no attendance to record.")
        )
        return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    duties = selectors.reception_day_detail(day=day, membership=request.membership)["duties"]
    initial = {"visitor_count": day.visitor_count if day.status == ReceptionStatus.HELD else None}
    initial["summary"] = day.summary
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, duties=duties, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_day_record(
                actor=request.user,
                day=day,
                attendance=form.attendance(),
                visitor_count=form.cleaned_data["visitor_count"],
                summary=form.cleaned_data["summary"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Attendance was recorded."))
            return redirect("receptions:detail", congress_slug=congress_slug, reception_id=day.pk)
    context = {
        "day": day,
        "form": form,
        "too_early": day.date > timezone.localdate(),
    }
    status = 400 if form.errors else 200
    return render(request, "liaison/receptions/attendance.html", context, status=status)


# Schedules ---------------------------------------------------------------------------------


@permission_required("liaison.plan_receptions")
def schedule_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    schedules = list(selectors.schedule_list(membership=request.membership))
    for schedule in schedules:
        schedule.rule_text = selectors.describe_schedule(schedule)
    return render(request, "liaison/receptions/schedule_list.html", {"schedules": schedules})


@permission_required("liaison.plan_receptions")
@require_http_methods(["GET", "POST"])
def schedule_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    station, pick_form = _picked_station(request)
    if station is None:
        return _station_step(request, pick_form, _("Add a repeating reception day"))
    require(request, "liaison.manage_reception", ReceptionSchedule(station=station))
    form = ReceptionScheduleForm(
        request.POST if request.method == "POST" else None,
        station=station,
        initial={
            "rule": "weekday_of_month",
            "start_time": DEFAULT_START,
            "end_time": DEFAULT_END,
            "starts_on": timezone.localdate(),
            "is_active": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.reception_schedule_create(
                actor=request.user,
                congress=request.congress,
                station=station,
                deputies=form.chosen_deputies(),
                **form.schedule_fields(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("The schedule was saved: %(rule)s at %(station)s.")
                % {"rule": selectors.describe_schedule(schedule), "station": station.name},
            )
            return redirect(
                "receptions:schedule_update", congress_slug=congress_slug, schedule_id=schedule.pk
            )
    context = {"form": form, "station": station, "schedule": None, "coming_days": []}
    status = 400 if form.errors else 200
    return render(request, "liaison/receptions/schedule_form.html", context, status=status)


@permission_required("liaison.plan_receptions")
@require_http_methods(["GET", "POST"])
def schedule_update(request: HttpRequest, congress_slug: str, schedule_id: int) -> HttpResponse:
    schedule = schedule_get(request, schedule_id)
    form = ReceptionScheduleForm(
        request.POST if request.method == "POST" else None,
        station=schedule.station,
        initial_deputy_ids={d.pk for d in selectors.schedule_deputies(schedule=schedule)},
        initial=ReceptionScheduleForm.initial_for(schedule),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_schedule_update(
                actor=request.user,
                schedule=schedule,
                deputies=form.chosen_deputies(),
                **form.schedule_fields(),
            )
        except DomainError as error:
            schedule.refresh_from_db()
            form_error(form, error)
        else:
            messages.success(request, _("The schedule was saved; its coming days follow it."))
            return redirect(
                "receptions:schedule_update", congress_slug=congress_slug, schedule_id=schedule.pk
            )
    context = {
        "form": form,
        "station": schedule.station,
        "schedule": schedule,
        "rule_text": selectors.describe_schedule(schedule),
        "coming_days": selectors.schedule_coming_days(schedule=schedule),
    }
    status = 400 if form.errors else 200
    return render(request, "liaison/receptions/schedule_form.html", context, status=status)
