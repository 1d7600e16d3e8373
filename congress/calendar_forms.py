"""Forms for the working-day calendar: one day, or a whole holiday notice typed line by line."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.calendar_services import OverrideEntry

WORKING = "work"
DAY_OFF = "off"
KIND_CHOICES = [
    (DAY_OFF, gettext_lazy("Day off (休)")),
    (WORKING, gettext_lazy("Working day (班)")),
]
# What staff type for each kind, as State Council notices and office habits say it.
DAY_OFF_WORDS = frozenset({"休", "休息", "放假", "假", "off"})
WORKING_WORDS = frozenset({"班", "上班", "补班", "工作日", "work"})

# 2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日.
DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
SEPARATOR = r"[\s,，、:：]+"
LINE = re.compile(
    rf"^(?P<start>{DATE})(?:\s*(?:~|～|至|到|—)\s*(?P<end>{DATE}))?"
    rf"{SEPARATOR}(?P<kind>[^\s,，、:：]+)(?:{SEPARATOR}(?P<note>.*))?$"
)
MAX_RANGE_DAYS = 31
MAX_DAYS = 366
MAX_NOTE_LENGTH = 100
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_day(text: str) -> date | None:
    numbers = [int(part) for part in re.findall(r"\d+", text)]
    try:
        day = date(*numbers)
    except (TypeError, ValueError):
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("This day is"), choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        help_text=gettext_lazy("For example: Spring Festival, or a local day off."),
    )

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return day

    def values(self) -> dict:
        return {
            "day": self.cleaned_data["date"],
            "is_working_day": self.cleaned_data["kind"] == WORKING,
            "note": self.cleaned_data["note"],
        }


class CalendarBulkForm(forms.Form):
    """A holiday notice, one line per day or range: "2027-02-15~2027-02-21 休 春节"."""

    text = forms.CharField(
        label=gettext_lazy("Days"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One line per day or range of days: the date (or two dates joined by ~), then 休 "
            "for a day off or 班 for a working day, then an optional note. Dates already "
            "entered are replaced."
        ),
    )

    def clean_text(self) -> list[OverrideEntry]:
        entries: list[OverrideEntry] = []
        seen: dict[date, int] = {}
        errors: list[str] = []
        for number, raw in enumerate(self.cleaned_data["text"].splitlines(), start=1):
            line = raw.replace("\u3000", " ").strip()
            if not line or line.startswith("#"):
                continue
            try:
                days, is_working_day, note = self._parse_line(line, number)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            for day in days:
                if day in seen:
                    errors.append(
                        _("Line %(line)d: %(date)s is already on line %(other)d.")
                        % {"line": number, "date": day.isoformat(), "other": seen[day]}
                    )
                    continue
                seen[day] = number
                entries.append(OverrideEntry(day, is_working_day, note))
        if errors:
            raise ValidationError(errors)
        if not entries:
            raise ValidationError(_("Enter at least one day."))
        if len(entries) > MAX_DAYS:
            raise ValidationError(_("Enter at most %(count)d days at once.") % {"count": MAX_DAYS})
        return entries

    def _parse_line(self, line: str, number: int) -> tuple[list[date], bool, str]:
        match = LINE.match(line)
        if match is None:
            raise ValidationError(
                _('Line %(line)d: write it like "2027-01-01 休 元旦".') % {"line": number}
            )
        start = parse_day(match["start"])
        end = parse_day(match["end"]) if match["end"] else start
        for text, day in ((match["start"], start), (match["end"], end)):
            if text and day is None:
                raise ValidationError(
                    _("Line %(line)d: %(value)s is not a valid date.")
                    % {"line": number, "value": text.strip()}
                )
        if end < start:
            raise ValidationError(
                _("Line %(line)d: the last date is before the first.") % {"line": number}
            )
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationError(
                _("Line %(line)d: a range may cover at most %(count)d days.")
                % {"line": number, "count": MAX_RANGE_DAYS}
            )
        kind = match["kind"].lower()
        if kind in DAY_OFF_WORDS:
            is_working_day = False
        elif kind in WORKING_WORDS:
            is_working_day = True
        else:
            raise ValidationError(
                _('Line %(line)d: "%(kind)s" should be 休 (day off) or 班 (working day).')
                % {"line": number, "kind": match["kind"]}
            )
        note = (match["note"] or "").strip()
        if len(note) > MAX_NOTE_LENGTH:
            raise ValidationError(
                _("Line %(line)d: the note may have at most %(count)d characters.")
                % {"line": number, "count": MAX_NOTE_LENGTH}
            )
        days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
        return days, is_working_day, note
