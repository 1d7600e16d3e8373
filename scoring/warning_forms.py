"""Forms of the warning pages: the list's filters, a warning talk, a warning rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TalkOutcome, WarningLevel, WarningStatus
from .selectors import parse_quarter
from .warning_selectors import WarningFilters
from .warning_services import LIMITS, MAX_HELD_BY, MAX_NOTES

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class WarningFilterForm(forms.Form):
    """The list's filters. A value that does not fit is dropped, never an error page."""

    q = forms.CharField(label=_("Deputy"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Warning level"),
        required=False,
        choices=[("", _("All warning levels")), *WarningLevel.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and cleared")), *WarningStatus.choices],
    )
    quarter = forms.ChoiceField(label=_("Raised at"), required=False)

    def __init__(self, *args, quarters: list[tuple[int, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            ("", _("All rankings")),
            *[(f"{year}Q{quarter}", f"{year}Q{quarter}") for year, quarter in quarters],
        ]

    def filters(self) -> WarningFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        quarter = parse_quarter(data.get("quarter") or "")
        return WarningFilters(
            level=data.get("level", ""),
            status=data.get("status", ""),
            quarter=quarter,
            search=(data.get("q") or "").strip(),
        )


class TalkForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"),
        widget=forms.DateInput(**DATE_WIDGET),
        error_messages={
            "required": _("Enter the day the talk was held."),
            "invalid": _("Enter a date such as 2026-04-10."),
        },
    )
    held_by = forms.CharField(
        label=_("Held by"),
        max_length=MAX_HELD_BY,
        help_text=_("For example: 代表工委主任 张伟"),
        error_messages={"required": _("Say who held the talk.")},
    )
    notes = forms.CharField(
        label=_("What was said"),
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down what was said.")},
    )
    outcome = forms.ChoiceField(
        label=_("Talk outcome"),
        choices=[("", _("Choose the outcome")), *TalkOutcome.choices],
        error_messages={
            "required": _("Choose the outcome of the talk."),
            "invalid_choice": _("Choose the outcome of the talk."),
        },
    )


def _number(label, name: str, help_text=""):
    low, high = LIMITS[name]
    message = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class WarningRuleForm(forms.Form):
    """The parameters a rule's condition reads; the others are not shown."""

    share_percent = _number(
        _("Bottom share (%)"), "share_percent", _("Ties at the boundary are included.")
    )
    runs = _number(_("Running"), "runs", _("Quarters (or years) in a row."))
    minimum = _number(
        _("Minimum a year"), "minimum", _("Counted duties dated outside every congress session.")
    )
    grace_months = _number(
        _("Months into the term"),
        "grace_months",
        _("The rule applies once the term is this many months old."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, parameters: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "is_active" and name not in parameters:
                del self.fields[name]
