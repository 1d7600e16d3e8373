"""The rule sets a congress starts from, as the committees' reports describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import AutoSource, CapPeriod, ItemKind


@dataclass(frozen=True)
class PresetItem:
    code: str
    name: str
    points: Decimal
    kind: str = ItemKind.DUTY
    cap_points: Decimal | None = None
    cap_period: str = CapPeriod.NONE
    evidence_required: bool = False
    recess_only: bool = False
    auto_sources: tuple[str, ...] = ()
    self_reported: bool = True


@dataclass(frozen=True)
class Preset:
    code: str
    name: str
    description: str
    items: tuple[PresetItem, ...] = field(default_factory=tuple)


D = Decimal
# Deductions and bonuses are entered by staff; a deputy never reports them.
ABSENCE = PresetItem(
    "absent_without_leave",
    "无故缺席人代会",
    D("-1"),
    kind=ItemKind.DEDUCTION,
    self_reported=False,
)
COMMENDED = PresetItem(
    "commended",
    "履职受到表彰",
    D("5"),
    kind=ItemKind.BONUS,
    cap_points=D("10"),
    cap_period=CapPeriod.YEAR,
    self_reported=False,
)

# Luji: six kinds of duty, 10 points each; the station audits monthly self-reports.
SIX_CATEGORIES = Preset(
    code="six",
    name=_("Six categories, 10 points each"),
    description=_(
        "Congress meetings, study and training, inspection and research, contacting voters, "
        "suggestions, reporting to voters."
    ),
    items=(
        PresetItem("congress_meeting", "参加人代会", D("10")),
        PresetItem("study", "学习培训", D("10"), evidence_required=True),
        PresetItem("inspection", "视察调研", D("10"), evidence_required=True, recess_only=True),
        PresetItem(
            "contact_voters",
            "联系选民",
            D("10"),
            evidence_required=True,
            recess_only=True,
            auto_sources=(
                AutoSource.RECEPTION_ATTENDED,
                AutoSource.MESSAGE_ANSWERED,
                AutoSource.PROJECT_DONE,
            ),
        ),
        PresetItem(
            "suggestion",
            "提出建议",
            D("10"),
            auto_sources=(AutoSource.SUGGESTION_ACCEPTED,),
            self_reported=False,
        ),
        PresetItem("report_to_voters", "向选民述职", D("10"), evidence_required=True),
        ABSENCE,
        COMMENDED,
    ),
)

# Xiangcheng: twelve kinds scored as they happen, with caps so one kind cannot carry a year.
TWELVE_CATEGORIES = Preset(
    code="twelve",
    name=_("Twelve categories with caps"),
    description=_(
        "Twelve kinds of duty with their own points; repeated kinds are capped per month, "
        "quarter or year."
    ),
    items=(
        PresetItem("congress_meeting", "参加人代会", D("10")),
        PresetItem("standing_meeting", "列席常委会会议", D("5")),
        PresetItem(
            "study",
            "学习培训",
            D("3"),
            evidence_required=True,
            cap_points=D("12"),
            cap_period=CapPeriod.QUARTER,
        ),
        PresetItem("inspection", "视察调研", D("5"), evidence_required=True, recess_only=True),
        PresetItem("law_enforcement", "执法检查", D("5"), evidence_required=True, recess_only=True),
        PresetItem(
            "reception_day",
            "进站接待选民",
            D("5"),
            recess_only=True,
            auto_sources=(AutoSource.RECEPTION_ATTENDED,),
            self_reported=False,
        ),
        PresetItem(
            "voter_message",
            "办理选民留言",
            D("2"),
            cap_points=D("10"),
            cap_period=CapPeriod.MONTH,
            auto_sources=(AutoSource.MESSAGE_ANSWERED,),
            self_reported=False,
        ),
        PresetItem(
            "suggestion",
            "领衔或附议建议",
            D("5"),
            cap_points=D("30"),
            cap_period=CapPeriod.YEAR,
            auto_sources=(AutoSource.SUGGESTION_ACCEPTED,),
            self_reported=False,
        ),
        PresetItem("report_to_voters", "向选民述职", D("10"), evidence_required=True),
        PresetItem(
            "group_activity",
            "代表小组活动",
            D("3"),
            evidence_required=True,
            recess_only=True,
            cap_points=D("9"),
            cap_period=CapPeriod.QUARTER,
        ),
        PresetItem(
            "livelihood_project",
            "为民办实事",
            D("10"),
            auto_sources=(AutoSource.PROJECT_DONE,),
            self_reported=False,
        ),
        PresetItem("appraisal", "参加评议询问", D("3"), evidence_required=True),
        ABSENCE,
        COMMENDED,
    ),
)

PRESETS: dict[str, Preset] = {preset.code: preset for preset in (SIX_CATEGORIES, TWELVE_CATEGORIES)}

# Hai'an's grades and Xiangcheng's watch lists, as warning rules a congress starts with.
DEFAULT_WARNING_RULES = (
    {"condition": "bottom_quarter", "level": "yellow", "share_percent": 10},
    {"condition": "bottom_quarters_running", "level": "orange", "share_percent": 10, "runs": 2},
    {"condition": "bottom_years_running", "level": "red", "share_percent": 10, "runs": 2},
    {"condition": "few_recess_activities", "level": "red", "minimum": 3},
    {"condition": "no_suggestion_in_term", "level": "red", "grace_months": 12},
)
