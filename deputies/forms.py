"""Forms for the roster: a deputy's profile, a status change, an account, the list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import IdField
from congress.images import clean_photo
from deputies.models import Deputy, DeputyLevel, DeputyStatus
from deputies.services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeputyForm(forms.ModelForm):
    class Meta:
        model = Deputy
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "birth_date": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # An unchanged photo is the stored file; only a new upload needs checking.
        if photo and hasattr(photo, "content_type"):
            return clean_photo(photo)
        return photo

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        if not self.cleaned_data.get("photo") and self.instance.pk:
            values.pop("photo")
            if self.cleaned_data.get("photo") is False:  # the "clear" box was ticked
                values["photo"] = None
        return values


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=DeputyStatus.choices)
    changed_on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: resignation accepted at the 12th meeting of the standing committee."
        ),
    )


class AccountForm(forms.Form):
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "The deputy signs in with the mobile number and this password. If an account with "
            "this mobile number exists already, it is linked and keeps its own password."
        ),
    )


class DeputyFilterForm(forms.Form):
    """The list's filters; invalid values are dropped rather than failing the page."""

    q = forms.CharField(required=False, max_length=50)
    level = forms.ChoiceField(required=False, choices=[("", ""), *DeputyLevel.choices])
    status = forms.ChoiceField(required=False, choices=[("", ""), *DeputyStatus.choices])
    group = IdField(required=False)
    station = IdField(required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "q": data.get("q") or "",
            "level": data.get("level") or "",
            "status": data.get("status") or "",
            "group_id": data.get("group"),
            "station_id": data.get("station"),
        }
