"""Duty points: rule sets, duty records and their review, quarterly rankings, warnings."""

from .rankings import (
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RankingRollup,
    RollupKind,
)
from .records import (
    COUNTED_STATUSES,
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    RecordOrigin,
    RecordStatus,
    quarter_of,
)
from .rules import AutoSource, CapPeriod, ItemKind, RuleItem, RuleSet
from .warnings import (
    DutyWarning,
    TalkOutcome,
    WarningCondition,
    WarningLevel,
    WarningRule,
    WarningStatus,
    WarningTalk,
)

__all__ = [
    "COUNTED_STATUSES",
    "AutoSource",
    "CapPeriod",
    "DutyQuarter",
    "DutyRecord",
    "DutyRecordEvent",
    "DutyRecordPhoto",
    "DutyWarning",
    "ItemKind",
    "Period",
    "Ranking",
    "RankingCategoryScore",
    "RankingEntry",
    "RankingGroupEntry",
    "RankingRollup",
    "RecordOrigin",
    "RecordStatus",
    "RollupKind",
    "RuleItem",
    "RuleSet",
    "TalkOutcome",
    "WarningCondition",
    "WarningLevel",
    "WarningRule",
    "WarningStatus",
    "WarningTalk",
    "quarter_of",
]
