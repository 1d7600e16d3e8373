"""API shapes for assignment (units and deadlines) and for sessions and categories."""

from __future__ import annotations

from rest_framework import serializers

from congress.fields import MAX_ID
from suggestions.assign_services import MAX_APPROVER, MAX_REASON
from suggestions.lifecycle import MAX_NOTE
from suggestions.models import (
    CongressSession,
    Suggestion,
    SuggestionAssignment,
    SuggestionCategory,
    SuggestionExtension,
)


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class AssignedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HandlingAssignmentSerializer(serializers.ModelSerializer):
    unit = AssignedUnitSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SuggestionAssignment
        fields = [
            "id",
            "unit",
            "role",
            "role_display",
            "status",
            "status_display",
            "assigned_on",
            "return_by",
            "opinion_due_on",
            "return_reason",
        ]


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionExtension
        fields = ["id", "from_due_on", "to_due_on", "reason", "approved_by", "created_at"]


class SuggestionHandlingSerializer(serializers.ModelSerializer):
    """A suggestion's assignment state: status, version, dates, units and extensions."""

    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    number_display = serializers.CharField(read_only=True)
    assignments = HandlingAssignmentSerializer(many=True, read_only=True)
    extensions = DeadlineExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "title",
            "number",
            "number_display",
            "status",
            "status_display",
            "version",
            "round",
            "assigned_on",
            "due_on",
            "assignments",
            "extensions",
        ]


class AssignInputSerializer(serializers.Serializer):
    lead_unit = _id()
    co_units = serializers.ListField(child=_id(), required=False, default=list, max_length=50)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE)
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class ReassignInputSerializer(serializers.Serializer):
    lead_unit = _id(required=False, allow_null=True)
    add_co_units = serializers.ListField(child=_id(), required=False, default=list, max_length=50)
    withdraw_co_units = serializers.ListField(
        child=_id(), required=False, default=list, max_length=50
    )
    restart_deadline = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=MAX_REASON)
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class ExtendInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=MAX_REASON)
    approved_by = serializers.CharField(max_length=MAX_APPROVER)
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class CongressSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CongressSession
        fields = ["id", "name", "term", "number", "starts_on", "ends_on"]
        # Uniqueness within the congress is the service's rule, with a message naming it.
        validators: list = []


class SuggestionCategorySerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)
    position = serializers.IntegerField(read_only=True)

    class Meta:
        model = SuggestionCategory
        fields = ["id", "name", "position", "is_active"]
        validators: list = []
