"""API shapes for the committee staff: the supervision list, a suggestion's full record and the
bodies of the staff's actions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.fields import MAX_ID
from suggestions.models import (
    ContactLog,
    Suggestion,
    SuggestionAssignment,
    SuggestionAttachment,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionExtension,
    SuggestionFeedback,
    SuggestionReply,
    SupervisionEntry,
)
from suggestions.office_services import MAX_NAME, MAX_REASON, MAX_SUPERVISION_TEXT

# As in the other shapes: choice fields are plain strings with a *_display beside them, so no
# choice set is named twice in the schema.


class StaffNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StaffDeadlineSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    days = serializers.IntegerField(help_text="剩余天数；负数为已逾期的天数")
    overdue = serializers.BooleanField()
    due_soon = serializers.BooleanField()


class StaffSuggestionRowSerializer(serializers.ModelSerializer):
    """One row of the staff list."""

    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    number_display = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    session = StaffNamedSerializer(read_only=True, allow_null=True)
    category = StaffNamedSerializer(read_only=True)
    lead_deputy = StaffNamedSerializer(read_only=True)
    lead_unit = StaffNamedSerializer(read_only=True, allow_null=True)
    deadline = StaffDeadlineSerializer(
        read_only=True, allow_null=True, help_text="办理中时的答复期限（其他状态为空）"
    )
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "kind_display",
            "series",
            "number",
            "number_display",
            "title",
            "status",
            "status_display",
            "session",
            "category",
            "lead_deputy",
            "lead_unit",
            "assigned_on",
            "due_on",
            "deadline",
            "replied_on",
            "reply_class",
            "is_key",
            "merged_into",
            "version",
            "submitted_at",
        ]


class StaffCosignerSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    deputy = StaffNamedSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SuggestionCosigner
        fields = ["deputy", "status", "status_display", "invited_at", "responded_at"]


class StaffAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionAttachment
        fields = ["id", "name", "size", "created_at"]


class StaffAssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    unit = StaffNamedSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    assigned_by = serializers.StringRelatedField(read_only=True, allow_null=True)

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
            "opinion",
            "opinion_at",
            "return_reason",
            "returned_at",
            "assigned_by",
        ]


class StaffExtensionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SuggestionExtension
        fields = ["from_due_on", "to_due_on", "reason", "approved_by", "recorded_by", "created_at"]


class StaffContactSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(read_only=True)
    method = serializers.CharField(read_only=True)
    unit = StaffNamedSerializer(read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = ContactLog
        fields = [
            "unit",
            "stage",
            "stage_display",
            "method",
            "method_display",
            "contacted_on",
            "text",
        ]


class StaffReplySerializer(serializers.ModelSerializer):
    unit = StaffNamedSerializer(read_only=True)
    on_time = serializers.BooleanField(read_only=True)
    has_letter = serializers.SerializerMethodField()

    class Meta:
        model = SuggestionReply
        fields = [
            "id",
            "round",
            "unit",
            "reply_class",
            "text",
            "replied_on",
            "due_on",
            "on_time",
            "has_letter",
            "letter_name",
            "solved_on",
            "solved_note",
        ]

    def get_has_letter(self, reply: SuggestionReply) -> bool:
        return bool(reply.letter)


class StaffFeedbackSerializer(serializers.ModelSerializer):
    rating = serializers.CharField(read_only=True)
    deputy = StaffNamedSerializer(read_only=True)
    rating_display = serializers.CharField(source="get_rating_display", read_only=True)
    rated_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        # The token is the deputy's key to the rating page: it never leaves through the API.
        model = SuggestionFeedback
        fields = [
            "round",
            "deputy",
            "is_lead",
            "rating",
            "rating_display",
            "reason",
            "rated_at",
            "rated_by",
        ]


class StaffSupervisionEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SupervisionEntry
        fields = ["id", "kind", "kind_display", "date", "text", "recorded_by", "created_at"]


class StaffEventSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    actor = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = SuggestionEvent
        fields = ["action", "label", "from_status", "to_status", "actor", "note", "at"]


class StaffFollowerSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    number_display = serializers.CharField(read_only=True)
    lead_deputy = StaffNamedSerializer(read_only=True)

    class Meta:
        model = Suggestion
        fields = ["id", "number", "number_display", "title", "status", "lead_deputy"]


class StaffSuggestionRecordSerializer(StaffSuggestionRowSerializer):
    """The full record: the suggestion and everything that happened to it."""

    source = serializers.CharField(read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    first_rating = serializers.CharField(read_only=True)
    final_rating = serializers.CharField(read_only=True)
    cosigners = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    supervision = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    followers = serializers.SerializerMethodField()

    class Meta(StaffSuggestionRowSerializer.Meta):
        fields = [
            *StaffSuggestionRowSerializer.Meta.fields,
            "content",
            "source",
            "source_display",
            "source_reference",
            "from_paper",
            "accepted_at",
            "return_reason",
            "round",
            "first_due_on",
            "first_replied_on",
            "follow_up_done_on",
            "first_rating",
            "final_rating",
            "key_leading_official",
            "key_supervisor",
            "joint_supervision",
            "closed_at",
            "cosigners",
            "attachments",
            "assignments",
            "extensions",
            "contacts",
            "replies",
            "feedback",
            "supervision",
            "events",
            "followers",
        ]

    def _part(self, name: str, serializer):
        return serializer(self.context["record"][name], many=True).data

    @extend_schema_field(StaffCosignerSerializer(many=True))
    def get_cosigners(self, suggestion):
        return self._part("cosigners", StaffCosignerSerializer)

    @extend_schema_field(StaffAttachmentSerializer(many=True))
    def get_attachments(self, suggestion):
        return self._part("attachments", StaffAttachmentSerializer)

    @extend_schema_field(StaffAssignmentSerializer(many=True))
    def get_assignments(self, suggestion):
        return self._part("assignments", StaffAssignmentSerializer)

    @extend_schema_field(StaffExtensionSerializer(many=True))
    def get_extensions(self, suggestion):
        return self._part("extensions", StaffExtensionSerializer)

    @extend_schema_field(StaffContactSerializer(many=True))
    def get_contacts(self, suggestion):
        return self._part("contacts", StaffContactSerializer)

    @extend_schema_field(StaffReplySerializer(many=True))
    def get_replies(self, suggestion):
        return self._part("replies", StaffReplySerializer)

    @extend_schema_field(StaffFeedbackSerializer(many=True))
    def get_feedback(self, suggestion):
        return self._part("feedback", StaffFeedbackSerializer)

    @extend_schema_field(StaffSupervisionEntrySerializer(many=True))
    def get_supervision(self, suggestion):
        return self._part("supervision", StaffSupervisionEntrySerializer)

    @extend_schema_field(StaffEventSerializer(many=True))
    def get_events(self, suggestion):
        return self._part("events", StaffEventSerializer)

    @extend_schema_field(StaffFollowerSerializer(many=True))
    def get_followers(self, suggestion):
        return self._part("followers", StaffFollowerSerializer)


# Action bodies -------------------------------------------------------------------------------


class StaffVersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="客户端看到的版本号；有人已先改动时返回 409",
    )


class StaffNoteSerializer(StaffVersionedSerializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_REASON, default=""
    )


class StaffReasonSerializer(StaffVersionedSerializer):
    # Emptiness is the service's refusal, so the page and the API say the same thing.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StaffMergeSerializer(StaffNoteSerializer):
    main = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="并入的主办建议 id")


class StaffKeySerializer(StaffNoteSerializer):
    leading_official = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_NAME * 2
    )
    supervisor = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_NAME * 2
    )


class StaffSupervisionWriteSerializer(StaffVersionedSerializer):
    kind = serializers.CharField(help_text="visit（督办走访）或 note（备注）")
    date = serializers.DateField()
    text = serializers.CharField(allow_blank=True, max_length=MAX_SUPERVISION_TEXT * 2)
