"""The forms of the suggestion office: the actions on a suggestion, assignment, paper entry,
setup and handling units."""

from __future__ import annotations

from congress.models import Role
from tests.security.form_cases import FormCase

FORMS = [
    FormCase(
        "units:create",
        Role.COMMITTEE_STAFF,
        {"name": "", "kind": "department", "contact_person": "陈科长", "contact_phone": "0710-abc"},
        kept=("陈科长", "0710-abc"),
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
