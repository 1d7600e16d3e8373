"""Forms for accounts, members and congress settings."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from congress.models import Congress, Role
from congress.password_validation import rules_text_lazy


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class MemberCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("For a deputy, use the mobile number. An existing account is reused."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "An account for an administrator or auditor stays inactive until the security "
            "administrator activates it."
        ),
    )
    full_name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=11, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=format_lazy(
            "{} {}",
            _("Only for a new account; the person changes it at first sign-in."),
            rules_text_lazy(),
        ),
    )


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class CongressSettingsForm(forms.ModelForm):
    reply_classes_text = forms.CharField(
        label=_("Reply classes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One class per line: code, a space, then its meaning. For example: A 已解决"),
    )

    reminder_days_text = forms.CharField(
        label=_("Reminder days before the due date"),
        required=False,
        max_length=60,
        help_text=_(
            "Whole numbers of days, separated by commas or spaces. For example: 30, 15, 7, 3"
        ),
    )

    class Meta:
        model = Congress
        fields = [
            "reply_deadline_months",
            "reply_deadline_max_months",
            "rehandling_deadline_months",
            "voter_message_reply_working_days",
            "motion_min_cosigners",
            "co_handling_opinion_months",
            "unit_return_working_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["reply_classes_text"].initial = "\n".join(
                f"{item['code']} {item['name']}" for item in self.instance.reply_classes
            )
            self.fields["reminder_days_text"].initial = ", ".join(
                str(day) for day in self.instance.suggestion_reminder_days
            )

    def clean_reminder_days_text(self) -> list[int]:
        import re

        parts = [
            part
            for part in re.split(r"[\s,，、]+", self.cleaned_data["reminder_days_text"])
            if part
        ]
        if not all(part.isdigit() and 1 <= int(part) <= 180 for part in parts) or len(parts) > 10:
            raise forms.ValidationError(
                _("Enter up to ten whole numbers of days between 1 and 180.")
            )
        return sorted({int(part) for part in parts}, reverse=True)

    def clean_reply_classes_text(self) -> list[dict[str, str]]:
        classes = []
        for number, line in enumerate(self.cleaned_data["reply_classes_text"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            code, _space, name = line.partition(" ")
            if not name.strip():
                raise forms.ValidationError(
                    _("Line %(number)s needs a code, a space and a meaning."),
                    params={"number": number},
                )
            classes.append({"code": code.strip(), "name": name.strip()})
        return classes

    def settings_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        values["reply_classes"] = self.cleaned_data["reply_classes_text"]
        values["suggestion_reminder_days"] = self.cleaned_data["reminder_days_text"]
        return values


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditSearchForm(forms.Form):
    """The auditor's search of the audit log; the same fields filter the export."""

    date_from = forms.DateField(label=_("Date from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Date to"), required=False, widget=DateInput())
    account = forms.CharField(
        label=_("Account"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("Account, mobile number or name")}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("All")), ("yes", _("successful")), ("no", _("failed"))],
    )
    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Summary, object number or address")}),
    )

    def __init__(self, *args, **kwargs):
        from congress.audit import AuditAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *AuditAction.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def search(self):
        """The search the valid form asks for (an empty one for an invalid form)."""
        from congress.audit_selectors import AuditSearch

        if not self.is_valid():
            return AuditSearch()
        data = self.cleaned_data
        return AuditSearch(
            date_from=data["date_from"],
            date_to=data["date_to"],
            account=data["account"].strip(),
            action=data["action"],
            success=None if not data["result"] else data["result"] == "yes",
            text=data["q"].strip(),
        )


class PasswordPolicyForm(forms.ModelForm):
    class Meta:
        model = Congress
        fields = ["password_min_length", "password_min_classes"]
