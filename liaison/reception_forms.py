"""Forms for reception days, their schedules, cancelling and attendance."""

from __future__ import annotations

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField, ScopedMultipleChoiceField
from deputies.models import Deputy
from liaison import reception_selectors as selectors
from liaison.models import (
    Attendance,
    LiaisonStation,
    ReceptionDuty,
    ReceptionSchedule,
    RepeatRule,
)
from liaison.reception_services import MAX_VISITORS, RECORDED_ATTENDANCE

MAX_REASON = 500
# In the words the other reason fields use, translated when shown.
REASON_TOO_LONG = lazy(
    lambda: gettext("A reason can be at most %(count)s characters.") % {"count": MAX_REASON}, str
)()

WEEK_CHOICES = list(selectors.WEEK_WORDS.items())
WEEKDAY_CHOICES = list(WEEKDAYS.items())
DAY_CHOICES = [(day, str(day)) for day in range(1, 32)]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class StationPickForm(forms.Form):
    """Step one of planning: the station (its deputies are offered first in step two)."""

    station = ScopedChoiceField(
        label=_("Station"),
        queryset=LiaisonStation.objects.none(),
        error_messages={"required": _("Choose a station.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = selectors.plannable_stations(membership=membership)


class _DeputiesMixin:
    """Deputies on duty: those who receive at the station as tick boxes, anyone else serving
    from a list (for a day when a deputy from elsewhere comes to receive)."""

    def _add_deputy_fields(self, station: LiaisonStation, initial_ids: set[int]) -> None:
        own = selectors.station_deputy_choices(station=station)
        others = selectors.other_deputy_choices(station=station)
        self.fields["deputies"] = ScopedMultipleChoiceField(
            label=_("Deputies who receive at this station"),
            queryset=Deputy.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["other_deputies"] = ScopedMultipleChoiceField(
            label=_("Other deputies"),
            queryset=Deputy.objects.none(),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
        )
        # Set after construction: the safe fields drop a queryset given to them at first.
        self.fields["deputies"].queryset = own
        self.fields["other_deputies"].queryset = others
        if initial_ids:
            self.initial.setdefault("deputies", [pk for pk in initial_ids])
            self.initial.setdefault("other_deputies", [pk for pk in initial_ids])

    def chosen_deputies(self) -> list[Deputy]:
        data = self.cleaned_data
        return [*data.get("deputies", []), *data.get("other_deputies", [])]

    def _check_some_deputy(self) -> None:
        if not self.errors.get("deputies") and not self.chosen_deputies():
            self.add_error("deputies", _("Choose at least one deputy on duty."))


class ReceptionDayForm(_DeputiesMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    topic = forms.CharField(
        label=_("Reception topic"),
        max_length=200,
        required=False,
        help_text=_("For example: listening to voters on the renovation of old housing."),
    )

    def __init__(self, *args, station: LiaisonStation, initial_deputy_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self._add_deputy_fields(station, set(initial_deputy_ids))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        self._check_some_deputy()
        return cleaned


class ReceptionScheduleForm(_DeputiesMixin, forms.Form):
    rule = forms.ChoiceField(
        label=_("Repeats"), choices=RepeatRule.choices, widget=forms.RadioSelect
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=[("", "—"), *WEEK_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("With “a weekday of each month”: e.g. the first Tuesday, the last Friday."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=[("", "—"), *WEEKDAY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    day_of_month = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=[("", "—"), *DAY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "With “a date of each month”. In a month without that date (the 31st in April, "
            "the 30th in February) the reception day is on the month's last day."
        ),
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    starts_on = forms.DateField(label=_("First date"), widget=DATE_WIDGET)
    ends_on = forms.DateField(
        label=_("Last date"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leave empty to keep repeating."),
    )
    topic = forms.CharField(label=_("Reception topic"), max_length=200, required=False)
    is_active = forms.BooleanField(
        label=_("Active (uncheck to stop the schedule and remove its coming days)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, station: LiaisonStation, initial_deputy_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self._add_deputy_fields(station, set(initial_deputy_ids))

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("rule")
        if rule == RepeatRule.WEEKDAY_OF_MONTH:
            if cleaned.get("week_of_month") is None:
                self.add_error("week_of_month", _("Choose which week of the month."))
            if cleaned.get("weekday") is None:
                self.add_error("weekday", _("Choose the day of the week."))
        elif rule == RepeatRule.DAY_OF_MONTH and cleaned.get("day_of_month") is None:
            self.add_error("day_of_month", _("Choose a day of the month from 1 to 31."))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last date must not be before the first date."))
        self._check_some_deputy()
        return cleaned

    def schedule_fields(self) -> dict:
        names = (
            "rule",
            "week_of_month",
            "weekday",
            "day_of_month",
            "start_time",
            "end_time",
            "starts_on",
            "ends_on",
            "topic",
            "is_active",
        )
        return {name: self.cleaned_data[name] for name in names}

    @staticmethod
    def initial_for(schedule: ReceptionSchedule) -> dict:
        return {
            "rule": schedule.rule,
            "week_of_month": schedule.week_of_month,
            "weekday": schedule.weekday,
            "day_of_month": schedule.day_of_month,
            "start_time": schedule.start_time,
            "end_time": schedule.end_time,
            "starts_on": schedule.starts_on,
            "ends_on": schedule.ends_on,
            "topic": schedule.topic,
            "is_active": schedule.is_active,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": REASON_TOO_LONG},
    )


class AttendanceForm(forms.Form):
    """One choice per deputy on duty, the number of voters received and a short summary."""

    visitor_count = forms.IntegerField(
        label=_("Voters received"), min_value=0, max_value=MAX_VISITORS
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What voters raised and what was answered on the spot."),
    )

    def __init__(self, *args, duties: list[ReceptionDuty], **kwargs):
        super().__init__(*args, **kwargs)
        self.duties = duties
        choices = [
            (value, label) for value, label in Attendance.choices if value in RECORDED_ATTENDANCE
        ]
        for duty in duties:
            self.fields[f"attendance_{duty.deputy_id}"] = forms.ChoiceField(
                label=duty.deputy.name,
                choices=choices,
                widget=forms.RadioSelect,
                initial=duty.attendance if duty.attendance in RECORDED_ATTENDANCE else None,
                error_messages={"required": _("Choose whether this deputy came.")},
            )

    def attendance_rows(self):
        return [(duty, self[f"attendance_{duty.deputy_id}"]) for duty in self.duties]

    def other_fields(self):
        return [self["visitor_count"], self["summary"]]

    def attendance(self) -> dict[int, str]:
        return {
            duty.deputy_id: self.cleaned_data[f"attendance_{duty.deputy_id}"]
            for duty in self.duties
        }
