"""Forms for assigning a suggestion, reassigning it and extending its deadline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField, ScopedMultipleChoiceField
from suggestions import assign_selectors as selectors
from suggestions.assign_services import MAX_APPROVER, MAX_REASON
from suggestions.lifecycle import MAX_NOTE
from suggestions.models import HandlingUnit

UNIT_ERRORS = {
    "required": _("Choose the lead unit."),
    "invalid_choice": _("Choose one of the active handling units."),
}
MULTIPLE_ERRORS = {
    "invalid_choice": _("Choose only active handling units."),
    "invalid_pk_value": _("Choose only active handling units."),
    "invalid_list": _("Choose only active handling units."),
}


class VersionForm(forms.Form):
    # The suggestion's version as the page showed it: a stale page is refused, not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class AssignForm(VersionForm):
    lead_unit = ScopedChoiceField(
        label=_("Lead unit"), queryset=HandlingUnit.objects.none(), error_messages=UNIT_ERRORS
    )
    co_units = ScopedMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=MULTIPLE_ERRORS,
        help_text=_("Optional. They give the lead unit their opinion; the lead unit replies."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.assignable_units()
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ReassignForm(VersionForm):
    lead_unit = ScopedChoiceField(
        label=_("New lead unit"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        empty_label=_("— keep the lead unit —"),
        error_messages=UNIT_ERRORS,
    )
    add_co_units = ScopedMultipleChoiceField(
        label=_("Add co-handling units"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=MULTIPLE_ERRORS,
    )
    withdraw_co_units = ScopedMultipleChoiceField(
        label=_("Withdraw co-handling units"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            **MULTIPLE_ERRORS,
            "invalid_choice": _("Choose only units that co-handle this suggestion now."),
        },
    )
    restart_deadline = forms.BooleanField(
        label=_("Restart the deadline from today"),
        required=False,
        help_text=_("Otherwise the due date stays as it is."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why it is reassigned.")},
    )

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.assignable_units()
        self.fields["lead_unit"].queryset = units
        self.fields["add_co_units"].queryset = units
        self.fields["withdraw_co_units"].queryset = selectors.active_co_units(suggestion)


class ExtendForm(VersionForm):
    due_on = forms.DateField(
        label=_("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the new due date."),
            "invalid": _("Enter a date such as 2026-09-30."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the deadline is extended.")},
    )
    approved_by = forms.CharField(
        label=_("Approved by"),
        max_length=MAX_APPROVER,
        help_text=_("The official who approved the extension (name and post)."),
        error_messages={"required": _("Fill in who approved the extension.")},
    )
