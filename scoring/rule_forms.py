"""Forms of the rule set pages: starting a year from a preset, and editing a version's items."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AutoSource, CapPeriod, ItemKind
from .presets import PRESETS
from .services import MAX_ITEMS


def _year_field():
    message = _("Enter a year between 2000 and 2100.")
    return forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class PresetForm(forms.Form):
    year = _year_field()
    preset = forms.ChoiceField(
        label=_("Preset"),
        widget=forms.RadioSelect,
        choices=[(code, preset.name) for code, preset in PRESETS.items()],
        error_messages={
            "required": _("Choose one of the presets."),
            "invalid_choice": _("Choose one of the presets."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "preset": "six"})
        super().__init__(*args, **kwargs)

    @property
    def presets(self) -> list:
        return list(PRESETS.values())


class RuleSetReviseForm(forms.Form):
    name = forms.CharField(
        label=_("Rule set name"),
        max_length=100,
        error_messages={"required": _("Give the rule set a name.")},
    )
    close_after_days = forms.IntegerField(
        label=_("Days to report after a quarter"),
        min_value=0,
        max_value=60,
        help_text=_(
            "The quarterly job closes a quarter this many days after it ends, once no record "
            "awaits audit."
        ),
        error_messages={
            key: _("The days to report after a quarter are between 0 and 60.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        help_text=_("Kept with the version, so everyone sees why the rules changed."),
        error_messages={"required": _("Say what changed.")},
    )


POINT_ERRORS = {
    "invalid": _("Enter a number such as 10 or -1."),
    "max_digits": _("Enter a number such as 10 or -1."),
    "max_decimal_places": _("Use at most two decimal places."),
    "max_whole_digits": _("Enter a number such as 10 or -1."),
}


class RuleItemForm(forms.Form):
    """One row of the rule items table."""

    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        validators=[validate_slug],
        error_messages={
            "required": _("Give the item a code."),
            "invalid": _("Use letters, digits, - and _ only."),
        },
    )
    name = forms.CharField(
        label=_("Item name"), max_length=50, error_messages={"required": _("Give the item a name.")}
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.DUTY)
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=6,
        decimal_places=2,
        error_messages={"required": _("Enter the points."), **POINT_ERRORS},
    )
    cap_points = forms.DecimalField(
        label=_("Cap"),
        required=False,
        max_digits=7,
        decimal_places=2,
        error_messages=POINT_ERRORS,
    )
    cap_period = forms.ChoiceField(label=_("Cap period"), choices=CapPeriod.choices, required=False)
    evidence_required = forms.BooleanField(label=_("Evidence"), required=False)
    recess_only = forms.BooleanField(label=_("Recess only"), required=False)
    self_reported = forms.BooleanField(label=_("Self-reported"), required=False)
    auto_sources = forms.MultipleChoiceField(
        label=_("Recorded automatically from"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[choice for choice in AutoSource.choices if choice[0]],
    )


class BaseRuleItemFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove the item")

    def items(self) -> list[dict]:
        """The rows to keep, in their order: neither removed nor left empty."""
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and form in self.extra_forms:
                continue
            data = dict(form.cleaned_data)
            data.pop("DELETE", None)
            rows.append(data)
        return rows


RuleItemFormSet = forms.formset_factory(
    RuleItemForm,
    formset=BaseRuleItemFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS + 10,
)


def item_initial(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "points": item.points,
        "cap_points": item.cap_points,
        "cap_period": item.cap_period,
        "evidence_required": item.evidence_required,
        "recess_only": item.recess_only,
        "self_reported": item.self_reported,
        "auto_sources": list(item.auto_sources or []),
    }
