"""Forms for groups, stations, their members and staff, and the station standard."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField, ScopedMultipleChoiceField
from congress.models import Membership, User
from deputies.models import Deputy, DeputyStatus
from liaison.models import DeputyGroup, LiaisonStation, StationStandard
from liaison.selectors import ChecklistItem


class GroupForm(forms.ModelForm):
    class Meta:
        model = DeputyGroup
        fields = ["name", "kind", "area", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StationForm(forms.ModelForm):
    class Meta:
        model = LiaisonStation
        fields = [
            "name",
            "kind",
            "address",
            "opening_hours",
            "contact_phone",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StandardForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("Smaller numbers come first. Leave empty to put a new point last."),
    )

    class Meta:
        model = StationStandard
        fields = ["title", "description", "position", "is_active"]


class DeputyPickForm(forms.Form):
    """The deputies ticked in the picker's results."""

    deputies = ScopedMultipleChoiceField(
        label=_("Deputies"),
        queryset=Deputy.objects.none(),
        error_messages={"required": _("Choose at least one deputy.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the scoped manager needs the congress scope that is active now.
        self.fields["deputies"].queryset = Deputy.objects.filter(status=DeputyStatus.SERVING)


class LeaderForm(forms.Form):
    # Any deputy of the congress: whether they are a member is the service's rule to explain.
    leader = ScopedChoiceField(
        label=_("Group leader"), queryset=Deputy.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Deputy.objects.all()


class StationStaffForm(forms.Form):
    # Any member of this congress: whether they have the station staff role is the service's
    # rule to explain; people outside the congress are simply not a valid choice.
    user = ScopedChoiceField(
        label=_("Station staff member"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose a person.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            pk__in=Membership.objects.values("user_id")
        )


class ChecklistForm(forms.Form):
    """One row per active standard: met or not, and a note."""

    def __init__(self, *args, items: list[ChecklistItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            check = item.check
            self.fields[f"met_{item.standard.pk}"] = forms.BooleanField(
                label=str(item.standard), required=False, initial=item.is_met
            )
            self.fields[f"note_{item.standard.pk}"] = forms.CharField(
                label=_("Note"),
                max_length=300,
                required=False,
                initial=check.note if check else "",
            )

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"met_{item.standard.pk}"], self[f"note_{item.standard.pk}"])
            for item in self.items
        ]

    def results(self) -> dict[int, tuple[bool, str]]:
        return {
            item.standard.pk: (
                self.cleaned_data[f"met_{item.standard.pk}"],
                self.cleaned_data[f"note_{item.standard.pk}"],
            )
            for item in self.items
        }
