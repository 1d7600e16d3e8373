"""What the rankings API reads: snapshots, their entries and rollups, a deputy's traced line."""

from __future__ import annotations

from rest_framework import serializers

from deputies.models import DeputyLevel

from .models import Period, RollupKind

POINTS = {"max_digits": 9, "decimal_places": 2}


class RankingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="2025Q3")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    deputy_count = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    rule_set = serializers.IntegerField(source="rule_set_id")
    rule_set_name = serializers.CharField(source="rule_set.name")
    rule_set_version = serializers.IntegerField(source="rule_set.version")


class RankingNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RankedDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField(help_text="national | provincial | city | county | township")
    level_display = serializers.CharField(source="get_level_display")


class RankingEntryCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(**POINTS, allow_null=True, help_text="Empty: no records.")


class RankingEntryWarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField(help_text="yellow | orange | red")
    reason = serializers.CharField()


class RankingTraceEntrySerializer(serializers.Serializer):
    """A deputy's line in a ranking: total, rank and the change since last quarter."""

    rank = serializers.IntegerField()
    rank_from_bottom = serializers.IntegerField()
    points = serializers.DecimalField(**POINTS)
    record_count = serializers.IntegerField()
    recess_count = serializers.IntegerField(
        help_text="Counted duties done outside the days a congress session sat."
    )
    previous_points = serializers.DecimalField(**POINTS, allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    points_change = serializers.DecimalField(**POINTS, allow_null=True)
    rank_change = serializers.IntegerField(
        allow_null=True, help_text="Places gained since last quarter (negative: places lost)."
    )


class RankingEntrySerializer(RankingTraceEntrySerializer):
    """The line on the board: also who the deputy is, their groups, categories and warnings."""

    deputy = RankedDeputySerializer()
    groups = RankingNamedSerializer(many=True, source="deputy.deputy_groups.all")
    stations = RankingNamedSerializer(many=True, source="deputy.stations.all")
    period = serializers.CharField(help_text="quarter | year")
    categories = RankingEntryCategorySerializer(many=True, source="category_cells")
    warnings = RankingEntryWarningSerializer(many=True)


class RankingRollupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="group | station")
    target = serializers.SerializerMethodField(help_text="The group's or the station's id.")
    name = serializers.CharField()
    deputy_count = serializers.IntegerField()
    points_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    points_average = serializers.DecimalField(**POINTS)
    rank = serializers.IntegerField()

    def get_target(self, rollup) -> int:
        return rollup.group_id or rollup.station_id


class RankingTraceRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    origin = serializers.CharField(help_text="deputy | staff | automatic")
    status = serializers.CharField(help_text="approved | confirmed")
    source_type = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class RankingTraceCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    record_count = serializers.IntegerField(help_text="Records the snapshot counted.")
    raw_points = serializers.DecimalField(**POINTS, allow_null=True)
    points = serializers.DecimalField(**POINTS, allow_null=True)
    capped = serializers.BooleanField(help_text="The cap kept the points below the raw sum.")
    records = RankingTraceRecordSerializer(many=True)


class RankingGroupRankSerializer(serializers.Serializer):
    group = serializers.IntegerField(source="group_id")
    group_name = serializers.CharField(source="group.name")
    rank = serializers.IntegerField()


class RankingTraceSerializer(serializers.Serializer):
    ranking = RankingSerializer()
    deputy = RankedDeputySerializer()
    period = serializers.CharField(help_text="quarter | year")
    quarters = serializers.ListField(child=serializers.IntegerField())
    entry = RankingTraceEntrySerializer(allow_null=True, help_text="Empty: not in this ranking.")
    group_ranks = RankingGroupRankSerializer(many=True)
    categories = RankingTraceCategorySerializer(many=True)


class RankingEntryQuerySerializer(serializers.Serializer):
    """The entries' filters, from the query string."""

    period = serializers.ChoiceField(choices=Period.values, required=False)
    group = serializers.IntegerField(required=False, min_value=1)
    station = serializers.IntegerField(required=False, min_value=1)
    level = serializers.ChoiceField(choices=DeputyLevel.values, required=False)
    q = serializers.CharField(required=False, max_length=50, allow_blank=True)


class RankingRollupQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.values, required=False)
    kind = serializers.ChoiceField(choices=RollupKind.values, required=False)
