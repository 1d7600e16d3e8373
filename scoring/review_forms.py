"""Forms of the staff's duty pages: the queue's filters, batch audit, batch entry, quarters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import fits_an_id
from scoring.review_selectors import ReviewFilters
from scoring.selectors import parse_quarter
from scoring.services import MAX_DESCRIPTION, MAX_REASON

MAX_PASTED_NAMES = 2000


def ids_from(values) -> list[int]:
    """Whole numbers that can be ids, in order and once; anything else is dropped, not an error."""
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        if text.isdigit() and fits_an_id(text):
            ids.append(int(text))
    return list(dict.fromkeys(ids))


def points_label(points) -> str:
    """+10, -1, +0.5: a rule item's points as staff write them."""
    return f"{points:+.2f}".rstrip("0").rstrip(".")


class ReviewFilterForm(forms.Form):
    """The queue's filters. A value that does not fit is dropped, never an error page."""

    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=10)
    category = forms.ChoiceField(label=_("Category"), required=False)
    station = forms.TypedChoiceField(
        label=_("Station"), required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(label=_("Deputy"), required=False, max_length=50)

    def __init__(self, *args, categories, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["station"].choices = [("", _("All stations")), *stations]
        self.fields["quarter"].widget.attrs.update({"placeholder": "2026Q1", "size": "7"})
        self.fields["q"].widget.attrs.update({"placeholder": _("Name or pinyin initials")})

    def clean_quarter(self):
        text = self.cleaned_data.get("quarter", "")
        return parse_quarter(text) if text else None

    def filters(self) -> ReviewFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        year, quarter = data.get("quarter") or (None, None)
        return ReviewFilters(
            year=year,
            quarter=quarter,
            category=data.get("category", ""),
            station_id=data.get("station"),
            search=(data.get("q") or "").strip(),
        )


class RejectForm(forms.Form):
    # The reason sits beside the approve button: a browser-side "required" would block approving.
    use_required_attribute = False

    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=MAX_REASON,
        error_messages={"required": _("Say why the records are rejected.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. no photo of the activity")}),
    )


class EntryForm(forms.Form):
    """One duty for many deputies: ticked in the list, or pasted by name one per line."""

    category = forms.ChoiceField(
        label=_("Category"), error_messages={"required": _("Choose one of the categories.")}
    )
    occurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of the duty.")},
    )
    description = forms.CharField(
        label=_("What was done"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say in a few words what the deputies did.")},
    )
    names = forms.CharField(
        label=_("Or paste names, one per line"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Names are matched exactly among the deputies you may enter records for."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a category"))]
        for item in items:
            label = f"{item.name}（{points_label(item.points)}）"
            if item.kind != "duty":
                label = f"{label} · {item.get_kind_display()}"
            choices.append((item.code, label))
        self.fields["category"].choices = choices

    def pasted_names(self) -> list[str]:
        text = self.cleaned_data.get("names", "") or ""
        names = []
        for line in text.replace("，", "\n").replace("、", "\n").replace(",", "\n").splitlines():
            # Attendance lists often carry spaces inside two-character names (张  三).
            name = "".join(line.split())
            if name:
                names.append(name)
        return names[:MAX_PASTED_NAMES]
