"""Forms of the committee staff's pages: the list's filters and the actions on a suggestion."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField
from congress.widgets import FlatChoices, LongSelect, RowChoices
from suggestions import office_selectors as selectors
from suggestions.models import Suggestion, SuggestionKind, SuggestionStatus, SupervisionKind
from suggestions.office_services import MAX_NAME, MAX_REASON, MAX_SUPERVISION_TEXT


def _with_blank(choices, label) -> list[tuple[str, str]]:
    return [("", label), *choices]


class SuggestionFilterForm(forms.Form):
    """The list's filters. A value that does not fit is dropped, never an error page.

    The selects are written in one pass (LongSelect), the same markup as Django's Select without
    a template per option, and the lists read from the database are given as they are
    (FlatChoices, RowChoices) instead of being checked pair by pair on every request.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(SuggestionStatus.choices, _("All statuses")),
        widget=LongSelect,
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=_with_blank(SuggestionKind.choices, _("Suggestions and motions")),
        widget=LongSelect,
    )
    session = forms.ChoiceField(label=_("Session"), required=False, widget=LongSelect)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    unit = forms.TypedChoiceField(
        label=_("Lead unit"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    key = forms.BooleanField(label=_("Key supervision only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=0, max_value=366
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come as (id, name) lists fetched once, so checking a value costs no query.
        self.fields["session"].choices = FlatChoices(
            [
                ("", _("Sessions and recess")),
                (selectors.RECESS, _("Recess")),
                *[(str(pk), name) for pk, name in choices["sessions"]],
            ]
        )
        self.fields["category"].choices = RowChoices(_("All categories"), choices["categories"])
        self.fields["unit"].choices = RowChoices(_("All units"), choices["units"])
        self.fields["due_within"].widget.attrs.update({"placeholder": "15", "size": "4"})

    def filters(self) -> selectors.SuggestionFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return selectors.SuggestionFilters(
            search=data.get("q", ""),
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            session=data.get("session", ""),
            category_id=data.get("category"),
            unit_id=data.get("unit"),
            key_only=bool(data.get("key")),
            overdue_only=bool(data.get("overdue")),
            due_within=data.get("due_within"),
        )


class VersionedForm(forms.Form):
    """Every action posts the version of the suggestion the page showed: a stale page is refused
    instead of silently overwriting what someone else did meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, suggestion: Suggestion | None = None, **kwargs):
        if suggestion is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {})["version"] = suggestion.version
        super().__init__(*args, **kwargs)


class NoteForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.TextInput(attrs={"placeholder": _("Optional")}),
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why.")},
    )


class MergeForm(NoteForm):
    main = ScopedChoiceField(
        label=_("Handle together with"),
        queryset=Suggestion.objects.none(),
        empty_label=_("Choose the main suggestion"),
        error_messages={"required": _("Choose the suggestion to handle it together with.")},
    )
    field_order = ["main", "note", "version"]

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, suggestion=suggestion, **kwargs)
        self.fields["main"].queryset = selectors.merge_candidates(suggestion=suggestion)
        self.fields["main"].label_from_instance = lambda item: (
            f"{item.number_display} {item.title}（{item.lead_deputy.name}）"
        )


class KeyForm(NoteForm):
    leading_official = forms.CharField(
        label=_("Leading official"),
        max_length=MAX_NAME,
        help_text=_("The government leader who leads the handling."),
        error_messages={"required": _("Name the leading official.")},
    )
    supervisor = forms.CharField(
        label=_("Supervising committee leader"),
        max_length=MAX_NAME,
        error_messages={"required": _("Name the supervising committee leader.")},
    )
    field_order = ["leading_official", "supervisor", "note", "version"]

    def __init__(self, *args, suggestion: Suggestion | None = None, **kwargs):
        if suggestion is not None and suggestion.is_key and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {}).update(
                leading_official=suggestion.key_leading_official,
                supervisor=suggestion.key_supervisor,
            )
        super().__init__(*args, suggestion=suggestion, **kwargs)


class SupervisionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionKind.choices)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Fill in the date.")},
    )
    text = forms.CharField(
        label=_("What was done or found"),
        max_length=MAX_SUPERVISION_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what was done or found.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
