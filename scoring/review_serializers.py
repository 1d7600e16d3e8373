"""API shapes for the staff's duty work: records to audit, batch audit and entry, quarters."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from congress.fields import MAX_ID
from scoring.models import DutyRecord
from scoring.services import MAX_BATCH, MAX_DESCRIPTION, MAX_REASON


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ReviewDeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewRecordSerializer(serializers.ModelSerializer):
    deputy = ReviewDeputySerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    origin_display = serializers.CharField(source="get_origin_display", read_only=True)
    quarter_label = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    reviewed_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id",
            "deputy",
            "category_code",
            "category_name",
            "kind",
            "occurred_on",
            "quarter_label",
            "description",
            "origin",
            "origin_display",
            "status",
            "status_display",
            "reject_reason",
            "reviewed_by",
            "reviewed_at",
            "created_at",
            "photos",
        ]
        read_only_fields = fields

    def get_quarter_label(self, record: DutyRecord) -> str:
        return f"{record.year}Q{record.quarter}"

    def get_photos(self, record: DutyRecord) -> list[str]:
        # The photo view checks who asks; the URL alone opens nothing.
        slug = self.context["congress_slug"]
        return [
            reverse("duty_files:photo", kwargs={"congress_slug": slug, "duty_photo_id": photo.pk})
            for photo in record.photos.all()
        ]


class RecordIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=_id(), min_length=1, max_length=MAX_BATCH)


class RejectInputSerializer(RecordIdsSerializer):
    reason = serializers.CharField(max_length=MAX_REASON)


class AuditResultSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="通过或退回的条数")
    left = serializers.IntegerField(help_text="未处理的条数：已审核、季度已结束或不在审核范围内")


class EntryInputSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=30)
    occurred_on = serializers.DateField()
    description = serializers.CharField(max_length=MAX_DESCRIPTION)
    deputy_ids = serializers.ListField(child=_id(), min_length=1, max_length=MAX_BATCH)


class EntryResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="新记录的 id")
    skipped = ReviewDeputySerializer(many=True, help_text="同日已有同类记录而跳过的代表")


class QuarterCountsSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    confirmed = serializers.IntegerField()


class QuarterSerializer(serializers.Serializer):
    label = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    has_ended = serializers.BooleanField()
    is_closed = serializers.BooleanField()
    closed_at = serializers.DateTimeField(source="state.closed_at", allow_null=True, default=None)
    closed_by = serializers.CharField(source="state.closed_by", allow_null=True, default=None)
    counts = QuarterCountsSerializer(source="status_counts")
