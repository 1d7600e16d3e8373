"""The forms where voters and deputies meet: voter messages, reception days, group projects,
the public pages."""

from __future__ import annotations

from congress.models import Role
from tests.security.form_cases import FormCase, my_deputy

FORMS = [
    FormCase(
        "public:deputy_message",
        None,
        {
            "topic": "urban",
            "text": "小区门口的路灯坏了两个月，晚上出行很不方便。",
            "voter_name": "李大爷",
            "voter_phone": "139123",
        },
        kept=("小区门口的路灯坏了两个月，晚上出行很不方便。", "李大爷", "139123"),
        ids=lambda world: {"deputy_token": my_deputy(world).public_token},
    ),
    FormCase(
        "receptions:create",
        Role.COMMITTEE_STAFF,
        {
            "date": "2026-06-31",
            "start_time": "9点",
            "end_time": "11:30",
            "topic": "听取老旧小区改造意见",
        },
        kept=("2026-06-31", "9点", "听取老旧小区改造意见"),
        query="?station={station}",
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
