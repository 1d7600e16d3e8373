"""API shapes for warnings, their talks, and the rule sets with their items."""

from __future__ import annotations

from rest_framework import serializers

from .models import DutyWarning, RuleItem, RuleSet, TalkOutcome, WarningTalk
from .warning_services import MAX_HELD_BY, MAX_NOTES


class WarningDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WarningRuleBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    condition = serializers.CharField()
    condition_display = serializers.CharField(source="get_condition_display")
    level = serializers.CharField()


class RankingBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    label = serializers.CharField()


class DutyWarningSerializer(serializers.ModelSerializer):
    deputy = WarningDeputySerializer(read_only=True)
    rule = WarningRuleBriefSerializer(read_only=True)
    # Plain strings: the choices are in the *_display fields, and enum components named
    # "level" or "status" would collide with the roster's and the suggestions'.
    level = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    raised_by = RankingBriefSerializer(read_only=True)
    cleared_by = RankingBriefSerializer(read_only=True, allow_null=True)
    talk_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DutyWarning
        fields = [
            "id",
            "deputy",
            "rule",
            "level",
            "level_display",
            "reason",
            "status",
            "status_display",
            "raised_by",
            "raised_at",
            "cleared_by",
            "cleared_at",
            "talk_count",
        ]


class WarningTalkSerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = WarningTalk
        fields = [
            "id",
            "held_on",
            "held_by",
            "notes",
            "outcome",
            "outcome_display",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, talk) -> str:
        user = talk.recorded_by
        return (user.full_name or user.username) if user else ""


class DutyWarningDetailSerializer(DutyWarningSerializer):
    talks = WarningTalkSerializer(many=True, read_only=True)

    class Meta(DutyWarningSerializer.Meta):
        fields = [*DutyWarningSerializer.Meta.fields, "talks"]


class WarningTalkInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    held_by = serializers.CharField(max_length=MAX_HELD_BY)
    notes = serializers.CharField(max_length=MAX_NOTES)
    outcome = serializers.ChoiceField(choices=TalkOutcome.choices)


class RuleItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="duty、bonus 或 deduction")
    cap_period = serializers.CharField(read_only=True, help_text="month、quarter、year 或空")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    auto_sources = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RuleItem
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "points",
            "cap_points",
            "cap_period",
            "evidence_required",
            "recess_only",
            "auto_sources",
            "self_reported",
            "position",
        ]


class RuleSetSerializer(serializers.ModelSerializer):
    items = RuleItemSerializer(many=True, read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    closed_quarters = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="已按此版本结算的季度，如 2026Q1",
    )

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "year",
            "version",
            "name",
            "preset",
            "close_after_days",
            "note",
            "created_at",
            "is_current",
            "closed_quarters",
            "items",
        ]
