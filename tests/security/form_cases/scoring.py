"""The forms of duty points (the deputy's records, review, rules, warnings, rankings) and of
the exports."""

from __future__ import annotations

from congress.models import Role
from tests.security.conftest import World
from tests.security.form_cases import FormCase


def _rule_items(world: World) -> dict:
    return {"rule_set_id": world.ids["rule_set_id"][0]}


def _rule_set_data() -> dict:
    # The set's new name is fine; its only item has a code with spaces and points that are text.
    return {
        "name": "2026年履职积分规则（修订）",
        "close_after_days": "15",
        "note": "按常委会会议决定调整",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-code": "走访 选民",
        "items-0-name": "走访联系选民",
        "items-0-kind": "duty",
        "items-0-points": "十分",
    }


FORMS = [
    FormCase(
        "my_duties:report",
        Role.DEPUTY,
        {"category": "study", "occurred_on": "2026-02-30", "description": "参加东津镇代表履职培训"},
        kept=("2026-02-30", "参加东津镇代表履职培训"),
    ),
    FormCase(
        "duty_rules:edit",
        Role.COMMITTEE_STAFF,
        _rule_set_data(),
        kept=(
            "2026年履职积分规则（修订）",
            "按常委会会议决定调整",
            "走访 选民",
            "走访联系选民",
            "十分",
        ),
        ids=_rule_items,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
