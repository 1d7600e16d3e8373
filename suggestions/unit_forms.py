"""Forms for handling units and their liaison accounts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField
from congress.models import Membership, User
from suggestions.models import HandlingUnit


class UnitForm(forms.ModelForm):
    class Meta:
        model = HandlingUnit
        fields = ["name", "kind", "contact_person", "contact_phone", "is_active"]


class UnitLiaisonForm(forms.Form):
    # Any member of this congress: whether they have the unit liaison role is the service's rule
    # to explain; people outside the congress are simply not a valid choice.
    user = ScopedChoiceField(
        label=_("Liaison account"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose a person.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            pk__in=Membership.objects.values("user_id")
        )
