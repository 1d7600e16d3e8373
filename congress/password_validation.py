"""Password rules, with messages in our own catalog (Django's Chinese one lags its 5.2 wording)."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A username this short (a surname, "admin") turns up inside ordinary passwords by chance.
SHORTEST_USERNAME_CHECKED = 4
# The platform's floor (等级保护 level 3): a congress's security administrator may ask for
# more (Congress.password_min_length and password_min_classes), never for less.
PASSWORD_FLOOR_LENGTH = 10
PASSWORD_FLOOR_CLASSES = 3


def congress_policy(user) -> tuple[int, int]:
    """The strictest (length, character kinds) of the congresses the person is an active
    member of; (0, 0) for someone in none (a new account, the platform admin)."""
    from django.db.models import Max

    from congress.models import Congress

    if user is None or user.pk is None:
        return 0, 0
    # Congresses are not scoped: every congress the person belongs to, whichever one asks.
    strictest = Congress.objects.filter(
        memberships__user=user, memberships__is_active=True
    ).aggregate(length=Max("password_min_length"), classes=Max("password_min_classes"))
    return strictest["length"] or 0, strictest["classes"] or 0


class MinimumLengthValidator:
    def __init__(self, min_length: int = PASSWORD_FLOOR_LENGTH):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        required = max(self.min_length, congress_policy(user)[0])
        if len(password) < required:
            raise ValidationError(self.message(required), code="password_too_short")

    def get_help_text(self) -> str:
        return self.message(self.min_length)

    def message(self, count: int) -> str:
        return ngettext(
            "The password must have at least %(count)d character.",
            "The password must have at least %(count)d characters.",
            count,
        ) % {"count": count}


def character_classes(password: str) -> int:
    """How many of lower-case letters, capital letters, digits and symbols the password uses.

    Letters without case (Chinese characters) count as symbols: they are as hard to guess.
    """
    found = set()
    for char in password:
        if char.islower():
            found.add("lower")
        elif char.isupper():
            found.add("upper")
        elif char in string.digits:
            found.add("digit")
        elif not char.isspace():
            found.add("symbol")
    return len(found)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = PASSWORD_FLOOR_CLASSES):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        required = max(self.min_classes, congress_policy(user)[1])
        if character_classes(password) < required:
            raise ValidationError(self.message(required), code="password_too_simple")

    def get_help_text(self) -> str:
        return self.message(self.min_classes)

    def message(self, count: int) -> str:
        return _(
            "The password must use at least %(count)d of these: lower-case letters, capital "
            "letters, digits, symbols."
        ) % {"count": count}


class PersonalDataValidator:
    """A mobile number or username is the first thing someone who knows the person would try."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.casefold()
        phone = getattr(user, "phone", "") or ""
        if phone and phone in password:
            raise ValidationError(
                _("The password must not contain your mobile number."),
                code="password_has_phone",
            )
        username = (user.get_username() or "").casefold()
        if len(username) >= SHORTEST_USERNAME_CHECKED and username in lowered:
            raise ValidationError(
                _("The password must not contain your username."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("The password must not contain your mobile number or your username.")


def rules_text() -> str:
    """Every rule in force, as one paragraph for a password field's help text."""
    from django.contrib.auth.password_validation import password_validators_help_texts

    return " ".join(password_validators_help_texts())


rules_text_lazy = lazy(rules_text, str)
