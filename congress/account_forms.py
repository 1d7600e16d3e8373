"""Forms of the accounts pages: the password, the one-time code, turning two-step sign-in off."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from congress.otp import CODE_DIGITS, clean_code
from congress.password_validation import rules_text_lazy


def code_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
                "class": "code-input",
            }
        ),
    )


class AccountPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the rules written out in plain sentences under the new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = rules_text_lazy()


class CodeForm(forms.Form):
    code = code_field()

    def clean_code(self) -> str:
        code = clean_code(self.cleaned_data["code"])
        if len(code) != CODE_DIGITS or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return code


class TwoStepOffForm(forms.Form):
    """Either a current code or the password: a lost phone must not lock the person out."""

    code = code_field(label=_("6-digit code"))
    password = forms.CharField(
        label=_("or your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].widget.attrs.pop("autofocus", None)

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("password"):
            raise forms.ValidationError(_("Enter a current code from the app, or your password."))
        return data
