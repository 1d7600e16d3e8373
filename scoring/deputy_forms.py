"""The form a deputy reports a duty with on the phone: category, date and words, photos."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import RuleItem
from .selectors import reportable_items
from .services import MAX_DESCRIPTION


class CameraInput(forms.FileInput):
    """Several photos at once; phones offer the camera first."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        base = {
            "accept": "image/*",
            "capture": "environment",
            "multiple": True,
            # Read by the page's script, which makes the photos smaller before sending.
            "data-compress-photos": "",
            "data-working": _("Making the photos smaller…"),
            "data-ready": _("The photos are ready to send."),
        }
        super().__init__({**base, **(attrs or {})})


class PhotosField(forms.FileField):
    """A list of uploaded files (maybe empty); the service checks that each is a real photo."""

    widget = CameraInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(item, initial) for item in files if item]


class DutyReportForm(forms.Form):
    category = forms.CharField(
        label=_("What kind of duty"),
        max_length=30,
        error_messages={"required": _("Choose what kind of duty it was.")},
    )
    occurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date of the duty."),
            "invalid": _("Enter a real date, like 2026-05-01."),
        },
    )
    description = forms.CharField(
        label=_("What you did"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say in a few words what you did.")},
        help_text=_("For example: 到联络站接待选民，收集意见 3 条"),
    )
    photos = PhotosField(
        label=_("Photos"),
        help_text=_("Take them with the camera, or choose from the album (6 at most)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        self.fields["occurred_on"].initial = today
        self.day = self._day_shown(today)

    def _day_shown(self, today: date) -> date:
        """The date the categories are offered for: the one typed, else today."""
        if self.is_bound:
            try:
                return date.fromisoformat(str(self.data.get("occurred_on", "")).strip())
            except ValueError:
                return today
        return today

    def items(self) -> list[RuleItem]:
        return reportable_items(day=self.day)

    def chosen_category(self) -> str:
        return str(self.data.get("category", "")) if self.is_bound else ""
