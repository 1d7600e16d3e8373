"""The forms of suggestions as deputies, handling units and the public see them: the deputy's
own, a unit's work, the feedback page."""

from __future__ import annotations

from congress.models import Role
from tests.security.form_cases import FormCase

FORMS = [
    FormCase(
        "my_suggestions:new",
        Role.DEPUTY,
        {
            "kind": "suggestion",
            "title": "关于增设老旧小区电梯的建议",
            "content": "",
            "source": "own_research",
        },
        kept=("关于增设老旧小区电梯的建议",),
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
