"""Telephone numbers as offices, stations and handling units write them on their contact
details: a mobile, or a landline with its area code, hyphens, spaces or brackets, and an
extension after 转 (0710-3511003转8001)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from congress.errors import DomainError

PHONE = re.compile(r"^\+?[0-9 ()\-]+(?:转[0-9]{1,6})?$")
DIGITS = (7, 20)


def contact_phone(value: str, *, field: str) -> str:
    """The number in its plain form (full-width digits and brackets, as a Chinese input method
    types them, made plain; spaces around it gone); empty stays empty. Refuses anything else
    on `field`."""
    phone = unicodedata.normalize("NFKC", value or "").strip()
    digits = sum(character in "0123456789" for character in phone)
    low, high = DIGITS
    if phone and not (PHONE.match(phone) and low <= digits <= high):
        raise DomainError(
            _("Enter a telephone number: digits, with a hyphen if needed."), field=field
        )
    return phone
