"""Forms a voter fills in on a phone: a message to a deputy or station, a code, a rating."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congress.images import clean_photo
from liaison.captcha import captcha_check
from liaison.intake import MAX_PHOTOS, MAX_TEXT_LENGTH
from liaison.models import MessageTopic, Satisfaction

PHOTO_FIELDS = tuple(f"photo_{number}" for number in range(1, MAX_PHOTOS + 1))
# The only non-digits a voter might type in a telephone number.
PHONE_SEPARATORS = re.compile(r"[\s\-－—()（）.·]")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# An area code (010, 02x: three digits; the others four) and a seven- or eight-digit number.
LANDLINE = re.compile(r"^0(?:[12]\d|[3-9]\d{2})\d{7,8}$")
LOCAL_NUMBER = re.compile(r"^[2-9]\d{6,7}$")
CODE_CHARACTERS = re.compile(r"[\s\-－—]")


def normalize_phone(value: str) -> str | None:
    """A mainland mobile or landline number in one written form, or None when it is not one."""
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if MOBILE.match(digits) or LOCAL_NUMBER.match(digits):
        return digits
    if LANDLINE.match(digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    return None


def normalize_code(value: str) -> str:
    """A tracking code as typed (spaces, dashes, lower case, full-width) in its stored form."""
    return CODE_CHARACTERS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


class PhotoInput(forms.FileInput):
    """Opens the camera on a phone; the content is checked on the server whatever it says."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"accept": "image/*", "capture": "environment", **(attrs or {})})


class VoterMessageForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=MessageTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose what your message is about."),
            "invalid_choice": _("Please choose what your message is about."),
        },
    )
    text = forms.CharField(
        label=_("Your message"),
        # Checked in clean_text, after line breaks are counted the way the browser counts them.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_TEXT_LENGTH}),
        help_text=_(
            "Say what happened, where, and what you would like done. At most 2000 characters."
        ),
        error_messages={"required": _("Please write what you would like to say.")},
    )
    photo_1 = forms.FileField(label=_("Photo 1"), required=False, widget=PhotoInput)
    photo_2 = forms.FileField(label=_("Photo 2"), required=False, widget=PhotoInput)
    photo_3 = forms.FileField(label=_("Photo 3"), required=False, widget=PhotoInput)
    voter_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Please keep the name under 50 characters.")},
    )
    voter_phone = forms.CharField(
        label=_("Your telephone (optional)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only if you would like to be called back. It is never shown on any page."),
        error_messages={
            "max_length": _(
                "Please enter a mobile number such as 13812345678 or a landline number such as "
                "0710-3512345."
            )
        },
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree to it."),
        error_messages={
            "required": _("Please read the privacy notice and tick the box to agree to it.")
        },
    )
    # The honeypot: hidden from people by a CSS class, irresistible to form-filling robots.
    homepage = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    captcha_id = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha_answer = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, congress_id: int, captcha_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.congress_id = congress_id
        self.captcha_required = captcha_required

    def is_robot(self) -> bool:
        return self.is_bound and bool(self.data.get("homepage", "").strip())

    def clean_text(self) -> str:
        text = (self.cleaned_data.get("text") or "").replace("\r\n", "\n").strip()
        if not text:
            raise ValidationError(self.fields["text"].error_messages["required"], code="required")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(
                _(
                    "A message can be at most %(limit)d characters long; this one has %(count)d. "
                    "Please shorten it a little."
                ),
                code="max_length",
                params={"limit": MAX_TEXT_LENGTH, "count": len(text)},
            )
        return text

    def clean_voter_name(self) -> str:
        return " ".join((self.cleaned_data.get("voter_name") or "").split())

    def clean_voter_phone(self) -> str:
        value = (self.cleaned_data.get("voter_phone") or "").strip()
        if not value:
            return ""
        phone = normalize_phone(value)
        if phone is None:
            raise ValidationError(
                _(
                    "Please enter a mobile number such as 13812345678 or a landline number such "
                    "as 0710-3512345."
                ),
                code="invalid",
            )
        return phone

    def _clean_photo(self, name: str):
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        return clean_photo(upload)

    def clean_photo_1(self):
        return self._clean_photo("photo_1")

    def clean_photo_2(self):
        return self._clean_photo("photo_2")

    def clean_photo_3(self):
        return self._clean_photo("photo_3")

    def clean(self):
        cleaned = super().clean()
        if self.captcha_required:
            answer = (self.data.get("captcha_answer") or "").strip()
            solved = captcha_check(
                self.data.get("captcha_id"), answer, congress_id=self.congress_id
            )
            if not answer:
                self.add_error(
                    "captcha_answer", _("Please work out the sum in the picture and enter it.")
                )
            elif not solved:
                self.add_error(
                    "captcha_answer",
                    _("That answer is not right. Here is a new sum: please try once more."),
                )
        return cleaned

    def photos(self) -> list:
        return [self.cleaned_data[name] for name in PHOTO_FIELDS if self.cleaned_data.get(name)]


class TrackingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCDE23456",
            }
        ),
        help_text=_("The ten letters and digits you received after sending your message."),
        error_messages={"required": _("Please enter your tracking code.")},
    )

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[
            (Satisfaction.SATISFIED, _("Satisfied")),
            (Satisfaction.UNSATISFIED, _("Not satisfied")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose whether you are satisfied with the answer."),
            "invalid_choice": _("Please choose whether you are satisfied with the answer."),
        },
    )
    feedback = forms.CharField(
        label=_("Anything you would like to add (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        error_messages={"max_length": _("A comment can be at most 500 characters long.")},
    )
