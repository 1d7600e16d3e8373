"""Form fields for ids from the browser: numbers no database column holds are refused, not a 500."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django_scopes.forms import SafeModelChoiceField, SafeModelMultipleChoiceField

# The largest primary key a 64-bit integer column holds (SQLite and PostgreSQL alike).
MAX_ID = 2**63 - 1


def fits_an_id(value) -> bool:
    """False for a whole number out of range; anything else is left to the field's own checks."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return True
    return 0 < number <= MAX_ID


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ScopedChoiceField(SafeModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not fits_an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ScopedMultipleChoiceField(SafeModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not fits_an_id(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)
