"""The forms of duty points (the deputy's records, review, rules, warnings, rankings) and of
the exports."""

from __future__ import annotations

from django_scopes import scope

from congress.models import Role
from scoring.models import WarningCondition, WarningRule
from scoring.warning_services import warning_rules_install
from tests.security.conftest import World
from tests.security.form_cases import FormCase


def _warning(world: World) -> dict:
    return {"warning_id": world.ids["warning_id"][0]}


def _submitted_record(world: World) -> dict:
    # The deputy's own report, waiting for audit.
    return {"record_id": world.ids["record_id"][1]}


def _warning_rules(world: World) -> None:
    congress = world.tenant.congress
    with scope(congress=congress):
        warning_rules_install(actor=world.tenant.user(Role.COMMITTEE_STAFF), congress=congress)
        rule = WarningRule.objects.get(condition=WarningCondition.BOTTOM_QUARTER)
    world.ids["warning_rule_id"] = [rule.pk]


def _warning_rule(world: World) -> dict:
    return {"warning_rule_id": world.ids["warning_rule_id"][0]}


# A reason pasted from the audit notes, longer than a reason may be.
LONG_REASON = "活动照片缺失，签到表未加盖联络站公章，请补充材料后重新提交。" * 12


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
    FormCase(
        "duty_rules:create",
        Role.COMMITTEE_STAFF,
        {"year": "二〇二七", "preset": "six"},
        kept=("二〇二七",),
    ),
    # A quarter that has not ended is not offered; nothing typed to keep.
    FormCase(
        "duty_rankings:compute",
        Role.COMMITTEE_STAFF,
        {"quarter": "2099Q1"},
        kept=(),
        page="duty_rankings:board",
        context=("compute_form",),
    ),
    # The reason is refused before the ticked ids are looked at, so any id serves.
    FormCase(
        "duty_review:queue",
        Role.COMMITTEE_STAFF,
        {"action": "reject", "ids": ["1", "2"], "reason": LONG_REASON},
        kept=(LONG_REASON,),
        context=("reject_form",),
    ),
    FormCase(
        "duty_review:record",
        Role.COMMITTEE_STAFF,
        {"action": "reject", "reason": LONG_REASON},
        kept=(LONG_REASON,),
        ids=_submitted_record,
        context=("reject_form",),
    ),
    FormCase(
        "duty_review:enter",
        Role.COMMITTEE_STAFF,
        {
            "category": "",
            "occurred_on": "2026-02-30",
            "description": "参加区人大常委会组织的城区道路建设视察",
            "names": "张桂芳\n李 明",
        },
        kept=("2026-02-30", "参加区人大常委会组织的城区道路建设视察", "李 明"),
    ),
    FormCase(
        "duty_warnings:talk_create",
        Role.COMMITTEE_STAFF,
        {
            "held_on": "2026-04-31",
            "held_by": "代表工委主任 张伟",
            "notes": "了解本季度未参加活动的原因，代表表示将按时参加联络站接待。",
            "outcome": "",
        },
        kept=("2026-04-31", "代表工委主任 张伟", "了解本季度未参加活动的原因"),
        ids=_warning,
        page="duty_warnings:detail",
    ),
    FormCase(
        "duty_warnings:rule_edit",
        Role.COMMITTEE_STAFF,
        {"share_percent": "百分之十", "is_active": "on"},
        kept=("百分之十",),
        ids=_warning_rule,
        setup=_warning_rules,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {
    "duty_review:quarter_close": "'close and rank' on an ended quarter's row; its quarter hidden",
    "duty_warnings:rules_install": "'install the starting rules'; nothing typed",
}
