"""Filters of the ranking board and the form that asks for a quarter to be ranked."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.widgets import LongSelect, RowChoices
from deputies.models import DeputyLevel

from .models import Period
from .ranking_selectors import EntryFilters
from .selectors import parse_quarter, previous_quarter


class BoardFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Ranking period"), required=False, choices=Period.choices, widget=LongSelect
    )
    group = forms.TypedChoiceField(
        label=_("Group"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *DeputyLevel.choices],
        widget=LongSelect,
    )
    station = forms.TypedChoiceField(
        label=_("Station"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = RowChoices(_("All groups"), choices["groups"])
        self.fields["station"].choices = RowChoices(_("All stations"), choices["stations"])

    def filters(self) -> EntryFilters:
        """The valid choices; a value that is not offered is ignored (and shown as an error)."""
        # cleaned_data keeps the fields that were valid, so one bad value does not drop the rest.
        self.is_valid()
        data = self.cleaned_data
        return EntryFilters(
            period=data.get("period") or Period.QUARTER,
            group_id=data.get("group"),
            station_id=data.get("station"),
            level=data.get("level") or "",
            q=(data.get("q") or "").strip(),
        )


def ended_quarters(today=None, count: int = 8) -> list[tuple[str, str]]:
    """The quarters that have ended, the latest first: the only ones that can be ranked."""
    today = today or timezone.localdate()
    year, quarter = previous_quarter(today.year, (today.month - 1) // 3 + 1)
    choices = []
    for _index in range(count):
        label = f"{year}Q{quarter}"
        choices.append((label, label))
        year, quarter = previous_quarter(year, quarter)
    return choices


class ComputeForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter to rank"), widget=LongSelect)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = ended_quarters(today)

    def clean_quarter(self) -> tuple[int, int]:
        parsed = parse_quarter(self.cleaned_data["quarter"])
        if parsed is None:  # pragma: no cover - the choices are all well formed
            raise forms.ValidationError(_("Choose a quarter that has ended."))
        return parsed
