"""Forms for congress sessions and suggestion categories."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from suggestions.models import CongressSession, SuggestionCategory

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
DATE_ERRORS = {"invalid": _("Enter a date such as 2026-01-10.")}


class SessionForm(forms.ModelForm):
    class Meta:
        model = CongressSession
        fields = ["name", "term", "number", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(**DATE_WIDGET),
            "ends_on": forms.DateInput(**DATE_WIDGET),
        }
        error_messages = {
            "name": {"required": _("Fill in the session's name.")},
            "starts_on": {"required": _("Fill in the day it opens."), **DATE_ERRORS},
            "ends_on": {"required": _("Fill in the day it closes."), **DATE_ERRORS},
        }

    def validate_unique(self):
        # The service checks the name within this congress, with a message naming the thing.
        pass


class CategoryForm(forms.ModelForm):
    class Meta:
        model = SuggestionCategory
        fields = ["name"]
        error_messages = {"name": {"required": _("Fill in the category's name.")}}

    def validate_unique(self):
        pass


class CategoryMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", _("up")), ("down", _("down"))],
        error_messages={
            "required": _("Choose whether to move the category up or down."),
            "invalid_choice": _("Choose whether to move the category up or down."),
        },
    )
