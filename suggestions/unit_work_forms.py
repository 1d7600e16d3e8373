"""Forms of a handling unit's work page: return, co-handling opinion, contact, reply, solved."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.fields import IdField
from suggestions.models import ContactMethod, ContactStage


class VersionForm(forms.Form):
    # The version the page showed: a change made meanwhile by someone else is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReturnForm(VersionForm):
    assignment = IdField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why it is not ours"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say which unit should handle it, if you know."),
        error_messages={"required": _("Give the reason for returning it.")},
    )


class OpinionForm(VersionForm):
    assignment = IdField(widget=forms.HiddenInput, required=False)
    opinion = forms.CharField(
        label=_("Our opinion for the lead unit"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the opinion.")},
    )


class ContactForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("When"),
        choices=ContactStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when the contact took place.")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=ContactMethod.choices,
        error_messages={"required": _("Choose how the deputy was contacted.")},
    )
    contacted_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date of the contact."),
            "invalid": _("Enter a date such as 2026-03-15."),
        },
    )
    text = forms.CharField(
        label=_("What was discussed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write down what was discussed.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReplyForm(VersionForm):
    reply_class = forms.ChoiceField(
        label=_("Reply class"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the reply's class."),
            "invalid_choice": _("Choose one of the classes shown."),
        },
    )
    text = forms.CharField(
        label=_("The reply"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done, or why it cannot be done now, as in the signed letter."),
        error_messages={"required": _("Write the reply.")},
    )
    letter = forms.FileField(
        label=_("Signed reply letter"),
        help_text=_("A scan or the signed file: PDF, Word, WPS, JPEG or PNG, up to 20 MB."),
        error_messages={
            "required": _("Attach the signed reply letter."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        # The congress's own classes and what each means (A/B/C, or 甲/乙/丙 …).
        self.fields["reply_class"].choices = [
            (item["code"], f"{item['code']} · {item['name']}") for item in congress.reply_classes
        ]


class SolvedForm(VersionForm):
    solved_on = forms.DateField(
        label=_("Solved on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the day it was solved."),
            "invalid": _("Enter a date such as 2026-03-15."),
        },
    )
    note = forms.CharField(
        label=_("How it was solved"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how it was solved.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"solved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
