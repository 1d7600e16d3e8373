"""Password rules, with messages in our own catalog (Django's Chinese one lags its 5.2 wording)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self._message(), code="password_too_short")

    def get_help_text(self) -> str:
        return self._message()

    def _message(self) -> str:
        return ngettext(
            "The password must have at least %(count)d character.",
            "The password must have at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}
