"""Forms for group projects: claiming, progress with photos from the phone's camera, closing."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField
from congress.images import check_photo
from liaison.models import DeputyGroup, GroupProject
from liaison.project_selectors import claimable_groups
from liaison.project_services import MAX_PHOTOS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Phones open the back camera; the check of what arrives is clean_photo's, not the browser's.
CAMERA_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})


class ProjectForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = GroupProject
        fields = ["year", "title", "goal", "budget", "partners", "claimed_on"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "claimed_on": DATE_WIDGET,
        }
        help_texts = {
            "budget": _("In units of 10,000 yuan; leave empty if there is none."),
            "partners": _("Departments, enterprises or volunteers working with the group."),
        }


class ProjectCreateForm(ProjectForm):
    group = ScopedChoiceField(
        label=_("Group"),
        queryset=DeputyGroup.objects.none(),
        error_messages={"required": _("Choose the group.")},
    )

    class Meta(ProjectForm.Meta):
        fields = ["group", *ProjectForm.Meta.fields]

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = claimable_groups(membership=membership)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("claimed_on", today)


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the progress.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        for number in range(1, MAX_PHOTOS + 1):
            self.fields[f"photo_{number}"] = forms.FileField(
                label=_("Photo %(number)s") % {"number": number},
                required=False,
                widget=CAMERA_WIDGET,
            )
        self.fields[f"photo_{MAX_PHOTOS}"].help_text = _(
            "Up to three photos. Location data is removed from them. If the form comes back "
            "with an error, choose the photos again."
        )

    def clean(self):
        cleaned = super().clean()
        # A file that is no photo is told at once, with the other errors; the service still
        # re-encodes the real ones.
        for number in range(1, MAX_PHOTOS + 1):
            name = f"photo_{number}"
            if cleaned.get(name):
                try:
                    check_photo(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def photos(self) -> list:
        return [
            self.cleaned_data[f"photo_{number}"]
            for number in range(1, MAX_PHOTOS + 1)
            if self.cleaned_data.get(f"photo_{number}")
        ]

    def add_photo_error(self, message: str) -> None:
        self.add_error("photo_1", message)


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what the project achieved.")},
    )
    closed_on = forms.DateField(label=_("Completed on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closed_on", timezone.localdate())


class DropForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the project is dropped.")},
    )
    closed_on = forms.DateField(label=_("Dropped on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closed_on", timezone.localdate())
