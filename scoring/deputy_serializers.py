"""What the deputy's duty API reads and writes: records, points, categories, warnings."""

from __future__ import annotations

from rest_framework import serializers

from . import deputy_selectors as selectors


class DutyPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return selectors.photo_url(congress_slug=self.context["congress_slug"], photo_id=photo.pk)


class DutyRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category_code = serializers.CharField()
    category_name = serializers.CharField()
    kind = serializers.CharField()
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    origin = serializers.CharField()
    origin_display = serializers.CharField(source="get_origin_display")
    status = serializers.CharField(help_text="submitted | approved | rejected | confirmed")
    status_display = serializers.CharField(source="get_status_display")
    points = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Frozen when the quarter closes; empty until then.",
    )
    reject_reason = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    photos = DutyPhotoSerializer(many=True)


class DutyRecordEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    note = serializers.CharField()
    at = serializers.DateTimeField()

    def get_actor(self, event) -> str | None:
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username


class DutyRecordDetailSerializer(DutyRecordSerializer):
    events = DutyRecordEventSerializer(many=True)


class DutyReportInputSerializer(serializers.Serializer):
    """A duty the deputy reports; send photos as multipart form data (6 at most)."""

    category = serializers.CharField(max_length=30, help_text="A code from my/duties/categories/")
    occurred_on = serializers.DateField(required=False, help_text="Today when left out.")
    description = serializers.CharField(max_length=500)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=20
    )


class CategoryScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    records = serializers.IntegerField()
    raw_points = serializers.DecimalField(max_digits=9, decimal_places=2)
    points = serializers.DecimalField(max_digits=9, decimal_places=2)


class ScoreSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=9, decimal_places=2)
    records = serializers.IntegerField()
    categories = CategoryScoreSerializer(many=True)


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=9, decimal_places=2)
    previous_rank = serializers.IntegerField(allow_null=True)
    previous_points = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    points_change = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    rank_change = serializers.IntegerField(
        allow_null=True, help_text="Places gained since last quarter (positive is better)."
    )


class GroupRankSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField()


class StandingSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The ranked quarter, e.g. 2026Q1")
    deputy_count = serializers.IntegerField()
    quarter = RankSerializer(allow_null=True)
    year = RankSerializer(allow_null=True)
    groups = GroupRankSerializer(many=True)


class MyPointsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    label = serializers.CharField()
    source = serializers.CharField(
        help_text="ranking: the published snapshot; live: counted from the records so far.",
    )
    quarter_scores = ScoreSerializer()
    year_scores = ScoreSerializer()
    standing = StandingSerializer(allow_null=True)


class ReportableItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    cap_points = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    cap_period = serializers.CharField()
    evidence_required = serializers.BooleanField()
    recess_only = serializers.BooleanField()


class MyWarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField(help_text="yellow | orange | red")
    level_display = serializers.CharField(source="get_level_display")
    reason = serializers.CharField()
    status = serializers.CharField(help_text="active | cleared")
    status_display = serializers.CharField(source="get_status_display")
    raised_at = serializers.DateTimeField()
    raised_by = serializers.CharField(source="raised_by.label", help_text="The ranked quarter")
    cleared_at = serializers.DateTimeField(allow_null=True)
    cleared_by = serializers.CharField(source="cleared_by.label", allow_null=True, default=None)
