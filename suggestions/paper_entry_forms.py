"""Forms for staff typing in what came back on paper: a unit's signed reply, deputies' ratings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.fields import ScopedChoiceField
from suggestions.models import Rating, SuggestionFeedback
from suggestions.unit_work_forms import ReplyForm


class PaperReplyForm(ReplyForm):
    """The lead unit's reply as its signed letter gives it (same fields as the unit's own form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Type the reply as the signed letter gives it, or its essentials."
        )


class FeedbackChoiceField(ScopedChoiceField):
    def label_from_instance(self, feedback):
        if feedback.is_lead:
            return _("%(name)s (leading deputy)") % {"name": feedback.deputy.name}
        return _("%(name)s (co-signer)") % {"name": feedback.deputy.name}


class PaperRatingForm(forms.Form):
    feedback = FeedbackChoiceField(
        label=_("Deputy"),
        queryset=SuggestionFeedback.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The deputy who signed the returned feedback form."),
        error_messages={
            "required": _("Choose whose feedback form this is."),
            "invalid_choice": _(
                "This deputy's rating has already been entered, or they were not asked to "
                "rate this reply. Choose one of the deputies listed."
            ),
        },
    )
    rating = forms.ChoiceField(
        label=_("Rating on the form"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the rating the deputy ticked."),
            "invalid_choice": _("Choose one of the ratings shown."),
        },
    )
    reason = forms.CharField(
        label=_("Reason given (needed when unsatisfied)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback"].queryset = rows

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Fill in why the deputy is not satisfied, as written on the form.")
            )
        return data
