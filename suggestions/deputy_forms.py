"""Forms for writing a suggestion (on a phone, or by staff from paper), co-signing and rating."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import IdField, ScopedChoiceField, ScopedMultipleChoiceField
from congress.models import Membership
from deputies.models import Deputy
from liaison.models import ReceptionDay, VoterMessage
from suggestions import deputy_selectors as selectors
from suggestions.models import (
    CongressSession,
    Rating,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSource,
)

CHOOSE = _("Choose one.")


class VersionForm(forms.Form):
    """The version the page showed: a change made meanwhile by someone else is refused."""

    version = IdField(min_value=0, required=False, widget=forms.HiddenInput)

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class SuggestionForm(VersionForm):
    """The suggestion itself. The deputy is its leader; staff entering from paper choose one."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=SuggestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a suggestion or a motion.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Write a short title.")},
        help_text=_("For example: 关于改善某某路段交通安全的建议"),
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Write what you suggest, and why.")},
        help_text=_("What the problem is, why it matters, and what you suggest doing."),
    )
    category = ScopedChoiceField(
        label=_("Category"),
        queryset=SuggestionCategory.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a category."), "invalid_choice": CHOOSE},
    )
    session = ScopedChoiceField(
        label=_("When"),
        queryset=CongressSession.objects.none(),
        required=False,
        empty_label=_("In recess (between sessions)"),
        error_messages={"invalid_choice": CHOOSE},
    )
    source = forms.ChoiceField(
        label=_("Where it came from"),
        choices=SuggestionSource.choices,
        initial=SuggestionSource.OWN_RESEARCH,
        error_messages={"required": _("Choose where the suggestion came from.")},
    )
    source_message = ScopedChoiceField(
        label=_("The voter message"),
        queryset=VoterMessage.objects.none(),
        required=False,
        empty_label=_("Not linked"),
        help_text=_("When it came from a voter message."),
        error_messages={"invalid_choice": CHOOSE},
    )
    source_reception = ScopedChoiceField(
        label=_("The station visit"),
        queryset=ReceptionDay.objects.none(),
        required=False,
        empty_label=_("Not linked"),
        help_text=_("When it came from a reception day at a station."),
        error_messages={"invalid_choice": CHOOSE},
    )
    source_reference = forms.CharField(
        label=_("Work order, clue number or attendee"),
        max_length=100,
        required=False,
        help_text=_(
            "Needed for a hotline work order, a procuratorate clue or an attendee's proposal."
        ),
    )
    cosigners = ScopedMultipleChoiceField(
        label=_("Co-signers"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Each one is asked to confirm on their phone. Hold Ctrl (or ⌘) to choose more than one."
        ),
        error_messages={"invalid_choice": CHOOSE, "invalid_pk_value": CHOOSE},
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF, Word, Excel or WPS document, or a photo of a page (20 MB at most)."),
    )

    field_order = [
        "kind",
        "title",
        "content",
        "category",
        "session",
        "source",
        "source_message",
        "source_reception",
        "source_reference",
        "cosigners",
        "attachment",
        "version",
    ]

    def __init__(self, *args, membership: Membership, lead=None, with_attachment=True, **kwargs):
        super().__init__(*args, **kwargs)
        # Set after construction: the safe fields drop a queryset given to them at first.
        self.fields["category"].queryset = selectors.active_categories()
        self.fields["session"].queryset = CongressSession.objects.order_by("-starts_on", "-id")
        self.fields["source_message"].queryset = selectors.source_messages(membership=membership)
        self.fields["source_message"].label_from_instance = _message_label
        self.fields["source_reception"].queryset = selectors.source_receptions(
            membership=membership
        )
        self.fields["source_reception"].label_from_instance = _reception_label
        exclude = [lead.pk] if lead is not None else []
        self.fields["cosigners"].queryset = selectors.cosigner_candidates(exclude_ids=exclude)
        if not with_attachment:
            del self.fields["attachment"]

    def suggestion_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "kind",
                "session",
                "title",
                "content",
                "category",
                "source",
                "source_message",
                "source_reception",
                "source_reference",
            )
        } | {"source_reference": data.get("source_reference") or ""}


def _message_label(message: VoterMessage) -> str:
    text = message.text if len(message.text) <= 24 else message.text[:24] + "…"
    return f"{message.created_at:%Y-%m-%d} {text}"


def _reception_label(day: ReceptionDay) -> str:
    return f"{day.date:%Y-%m-%d} {day.station.name}"


class PaperSuggestionForm(SuggestionForm):
    """Staff type in a paper suggestion: they choose the leading deputy, and may send it at once."""

    lead_deputy = ScopedChoiceField(
        label=_("Leading deputy"),
        queryset=Deputy.objects.none(),
        error_messages={"required": _("Choose the leading deputy."), "invalid_choice": CHOOSE},
    )
    submit_now = forms.BooleanField(
        label=_("Send it to the committee now (it was handed in complete)"),
        required=False,
        initial=True,
    )

    field_order = ["lead_deputy", *SuggestionForm.field_order, "submit_now"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_attachment=True, **kwargs)
        self.fields["lead_deputy"].queryset = selectors.cosigner_candidates()
        self.fields["cosigners"].help_text = _(
            "They signed the paper, so they count as confirmed. "
            "Hold Ctrl (or ⌘) to choose more than one."
        )


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CosignForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))],
        error_messages={
            "required": _("Confirm or decline."),
            "invalid_choice": _("Confirm or decline."),
        },
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    reason = forms.CharField(
        label=_("Why (needed if you are not satisfied)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell us why you are not satisfied."))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        error_messages={"required": _("Choose a file.")},
        help_text=_("A PDF, Word, Excel or WPS document, or a photo of a page (20 MB at most)."),
    )
