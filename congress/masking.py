"""Masking personal data (telephone numbers, identity card numbers) for lists and public pages.

The rule the pages follow (Personal Information Protection Law): a list, a public page, an API
list and a printout show a number masked; the full number appears only on one record's own page,
and only to the people entitled to it (committee staff for deputies' telephones; for a voter's
contact details, see liaison.message_selectors.shows_voter_contact).
"""

from __future__ import annotations

import re

MASK = "****"

# A mainland mobile number (optionally +86), an identity card number (17 digits and a digit or
# X), and a landline with its area code: the shapes a voter or clerk types into free text.
_MOBILE = r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}"
_ID_NUMBER = r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]"
_LANDLINE = r"0\d{2,3}[ -]?\d{7,8}"
_IN_TEXT = re.compile(rf"(?<![\dA-Za-z])(?:{_ID_NUMBER}|{_MOBILE}|{_LANDLINE})(?![\dA-Za-z])")
_ID_SHAPE = re.compile(rf"^{_ID_NUMBER}$")


def mask_phone(value: object) -> str:
    """138****5678: enough to recognise a number or tell two apart, not enough to call it.

    Empty stays empty; anything too short to keep three and four digits is all mask.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    digits = re.sub(r"[^\d]", "", text)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # the country code in front of a mobile number
    if len(digits) < 8:
        return MASK
    return f"{digits[:3]}{MASK}{digits[-4:]}"


def mask_id_number(value: object) -> str:
    """420602**********1X style: the first three and last two characters, the length kept."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) < 8:
        return MASK
    return f"{text[:3]}{'*' * (len(text) - 5)}{text[-2:]}"


def _mask_match(match: re.Match) -> str:
    found = match.group(0)
    if _ID_SHAPE.match(found):
        return mask_id_number(found)
    return mask_phone(found)


def mask_in_text(value: object) -> str:
    """Free text with every telephone and identity card number in it masked, the rest kept:
    voters write their number into the message itself."""
    text = "" if value is None else str(value)
    return _IN_TEXT.sub(_mask_match, text) if text else ""
