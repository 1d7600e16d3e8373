"""Forms for members' work on voter messages: list filters, walk-in visits and the actions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField
from congress.images import clean_photo
from congress.models import Membership, Role
from deputies.models import Deputy
from liaison import message_selectors as selectors
from liaison.message_services import MAX_ANSWER, MAX_NOTE, MAX_PHOTOS, MAX_REASON, MAX_TEXT
from liaison.models import (
    ForwardTarget,
    LiaisonStation,
    MessageSource,
    MessageStatus,
    MessageTopic,
)
from suggestions.models import HandlingUnit


def _too_long(text: str, count: int) -> str:
    """A field's "at most N characters" in the service's own words, translated when shown."""
    return lazy(lambda: gettext(text) % {"count": count}, str)()


# The services' messages, so that a form and the service say the same thing.
NOTE_TOO_LONG = _too_long("A note can be at most %(count)s characters.", MAX_NOTE)
ANSWER_TOO_LONG = _too_long("The answer can be at most %(count)s characters.", MAX_ANSWER)
REASON_TOO_LONG = _too_long("A reason can be at most %(count)s characters.", MAX_REASON)
TEXT_TOO_LONG = _too_long("The message can be at most %(count)s characters.", MAX_TEXT)


def _with_blank(choices, label) -> list[tuple[str, str]]:
    return [("", label), *choices]


class MessageFilterForm(forms.Form):
    """The list's filters. A value that does not fit is dropped, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(MessageStatus.choices, _("All statuses")),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=_with_blank(MessageTopic.choices, _("All topics"))
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=_with_blank(MessageSource.choices, _("All sources")),
    )
    station = ScopedChoiceField(
        label=_("Station"),
        queryset=LiaisonStation.objects.none(),
        required=False,
        empty_label=_("All stations"),
    )
    deputy = ScopedChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.none(),
        required=False,
        empty_label=_("All deputies"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_soon = forms.BooleanField(label=_("Due within 2 working days"), required=False)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        # Units and deputies get their own few messages; places matter to staff only.
        self.by_place = membership.role not in (Role.UNIT_LIAISON, Role.DEPUTY)
        if self.by_place:
            self.fields["station"].queryset = selectors.stations_for_filter(membership=membership)
            self.fields["deputy"].queryset = selectors.deputies_for_member(membership=membership)
        else:
            del self.fields["station"]
            del self.fields["deputy"]

    def filters(self) -> selectors.MessageFilters:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        station = data.get("station")
        deputy = data.get("deputy")
        return selectors.MessageFilters(
            status=data.get("status", ""),
            topic=data.get("topic", ""),
            source=data.get("source", ""),
            station_id=station.pk if station else None,
            deputy_id=deputy.pk if deputy else None,
            overdue=bool(data.get("overdue")),
            due_soon=bool(data.get("due_soon")),
            search=data.get("q", ""),
        )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos, each checked and re-encoded without location data."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"})
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [upload for upload in uploads if upload]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(count)s photos can be attached.") % {"count": MAX_PHOTOS}
            )
        return [clean_photo(super(PhotosField, self).clean(upload, initial)) for upload in uploads]


class VisitForm(forms.Form):
    """A visit written down by station or committee staff: the public form's fields, with the
    staff member confirming the voter's consent instead of a captcha."""

    station = ScopedChoiceField(
        label=_("Station"),
        queryset=LiaisonStation.objects.none(),
        empty_label=_("Choose the station"),
        error_messages={"required": _("Choose the station the voter came to.")},
    )
    deputy = ScopedChoiceField(
        label=_("Deputy the voter asked for"),
        queryset=Deputy.objects.none(),
        required=False,
        empty_label=_("No particular deputy"),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=_with_blank(MessageTopic.choices, _("Choose a topic")),
        error_messages={"required": _("Choose a topic.")},
    )
    text = forms.CharField(
        label=_("What the voter said"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write down what the voter said."),
            "max_length": TEXT_TOO_LONG,
        },
    )
    voter_name = forms.CharField(label=_("Voter's name"), max_length=50, required=False)
    voter_phone = forms.CharField(
        label=_("Voter's telephone"),
        max_length=20,
        required=False,
        help_text=_("Only if the voter wants to be called back."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    photos = PhotosField(
        label=_("Photos"),
        help_text=_("Up to 3 photos; location data is removed."),
    )
    consent_confirmed = forms.BooleanField(
        label=_("The voter agreed to the privacy notice"),
        error_messages={"required": _("Confirm that the voter agreed to the privacy notice.")},
    )
    answered_on_the_spot = forms.BooleanField(label=_("Answered on the spot"), required=False)
    answer = forms.CharField(
        label=_("Answer given on the spot"),
        max_length=MAX_ANSWER,
        required=False,
        error_messages={"max_length": ANSWER_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        stations = selectors.stations_for_visits(membership=membership)
        self.fields["station"].queryset = stations
        self.fields["deputy"].queryset = selectors.deputies_for_member(membership=membership)

    def clean(self):
        data = super().clean()
        if data.get("answered_on_the_spot") and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write down the answer given on the spot."))
        return data


class ForwardForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Forward to"),
        choices=ForwardTarget.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where to forward the message.")},
    )
    deputy = ScopedChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.none(),
        required=False,
        help_text=_("For a deputy, or the deputy who will take it up as a suggestion."),
    )
    unit = ScopedChoiceField(
        label=_("Handling unit"), queryset=HandlingUnit.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = selectors.deputies_for_member(membership=membership)
        self.fields["unit"].queryset = selectors.active_units()

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target in (ForwardTarget.DEPUTY, ForwardTarget.SUGGESTION) and not data.get("deputy"):
            self.add_error("deputy", _("Choose the deputy."))
        if target == ForwardTarget.UNIT and not data.get("unit"):
            self.add_error("unit", _("Choose the handling unit."))
        return data


class NoteForm(forms.Form):
    """Starting the handling or closing: an optional note for the timeline."""

    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE,
        required=False,
        error_messages={"max_length": NOTE_TOO_LONG},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the voter"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write the answer for the voter."),
            "max_length": ANSWER_TOO_LONG,
        },
    )


class EraseForm(forms.Form):
    """Erasing a voter's personal data: the reason is required and goes to the audit log."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "When and how the voter asked. It is kept in the audit log: do not write the "
            "voter's name or number here."
        ),
        error_messages={
            "required": _("Say why the data is erased (the voter's request)."),
            "max_length": REASON_TOO_LONG,
        },
    )
    same_voter = forms.BooleanField(
        label=_("Also erase every other message from the same telephone number or device"),
        required=False,
    )
