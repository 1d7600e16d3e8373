"""The forms of the congress's own pages: members, settings, calendar, accounts, security."""

from __future__ import annotations

from congress.models import Role
from tests.security.form_cases import FormCase

FORMS = [
    FormCase(
        "congress:member_create",
        Role.COMMITTEE_ADMIN,
        {"username": "wang xiuying!", "role": "deputy", "full_name": "王秀英", "phone": "1380"},
        kept=("wang xiuying!", "王秀英", "1380"),
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
