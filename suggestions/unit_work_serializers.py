"""Shapes of the handling units' API: assigned suggestions, one item, and the actions' input."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from congress.fields import MAX_ID
from suggestions.models import (
    ContactLog,
    ContactMethod,
    ContactStage,
    Suggestion,
    SuggestionAssignment,
    SuggestionFeedback,
    SuggestionReply,
)


class UnitSuggestionSerializer(serializers.ModelSerializer):
    number_display = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lead_deputy = serializers.CharField(source="lead_deputy.name", read_only=True)
    category = serializers.CharField(source="category.name", read_only=True)
    our_role = serializers.CharField(read_only=True)
    lead_unit = serializers.CharField(source="lead_unit_name", read_only=True, allow_null=True)
    opinion_due_on = serializers.DateField(
        source="our_opinion_due", read_only=True, allow_null=True
    )
    overdue = serializers.BooleanField(read_only=True)
    days_left = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "number_display",
            "title",
            "lead_deputy",
            "category",
            "status",
            "status_display",
            "round",
            "assigned_on",
            "due_on",
            "days_left",
            "overdue",
            "our_role",
            "lead_unit",
            "opinion_due_on",
            "version",
        ]

    def get_days_left(self, suggestion) -> int | None:
        return getattr(suggestion, "days_left", None)


class UnitAssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
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
            "opinion",
            "opinion_at",
        ]


class UnitContactSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "unit",
            "stage",
            "stage_display",
            "method",
            "method_display",
            "contacted_on",
            "text",
        ]


class UnitReplySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    letter_url = serializers.SerializerMethodField()

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
            "letter_name",
            "letter_url",
            "solved_on",
            "solved_note",
        ]

    def get_letter_url(self, reply) -> str | None:
        if not reply.letter:
            return None
        return reverse(
            "suggestion_files:reply_letter",
            kwargs={
                "congress_slug": self.context["congress_slug"],
                "suggestion_id": reply.suggestion_id,
                "reply_id": reply.pk,
            },
        )


class UnitRatingSerializer(serializers.ModelSerializer):
    deputy = serializers.CharField(source="deputy.name", read_only=True)
    rating_display = serializers.CharField(source="get_rating_display", read_only=True)

    class Meta:
        model = SuggestionFeedback
        fields = ["round", "deputy", "is_lead", "rating", "rating_display", "reason"]


class UnitSuggestionDetailSerializer(serializers.Serializer):
    """One suggestion as its handling unit sees it (built from the page's selector)."""

    id = serializers.IntegerField(source="suggestion.pk")
    number = serializers.IntegerField(source="suggestion.number", allow_null=True)
    number_display = serializers.CharField(source="suggestion.number_display")
    title = serializers.CharField(source="suggestion.title")
    content = serializers.CharField(source="suggestion.content")
    lead_deputy = serializers.CharField(source="suggestion.lead_deputy.name")
    category = serializers.CharField(source="suggestion.category.name")
    status = serializers.CharField(source="suggestion.status")
    status_display = serializers.CharField(source="suggestion.get_status_display")
    round = serializers.IntegerField(source="suggestion.round")
    assigned_on = serializers.DateField(source="suggestion.assigned_on", allow_null=True)
    due_on = serializers.DateField(source="suggestion.due_on", allow_null=True)
    version = serializers.IntegerField(source="suggestion.version")
    can_reply = serializers.BooleanField()
    attachments = serializers.SerializerMethodField()
    our_assignments = UnitAssignmentSerializer(many=True)
    other_assignments = UnitAssignmentSerializer(many=True)
    contacts = UnitContactSerializer(many=True)
    replies = UnitReplySerializer(many=True)
    ratings = UnitRatingSerializer(many=True)

    def get_attachments(self, detail) -> list[dict]:
        return [
            {
                "id": attachment.pk,
                "name": attachment.name,
                "url": reverse(
                    "suggestion_files:attachment",
                    kwargs={
                        "congress_slug": self.context["congress_slug"],
                        "suggestion_id": attachment.suggestion_id,
                        "attachment_id": attachment.pk,
                    },
                ),
            }
            for attachment in detail.attachments
        ]


class UnitFollowUpSerializer(serializers.ModelSerializer):
    suggestion_id = serializers.IntegerField(read_only=True)
    number_display = serializers.CharField(source="suggestion.number_display", read_only=True)
    title = serializers.CharField(source="suggestion.title", read_only=True)
    lead_deputy = serializers.CharField(source="suggestion.lead_deputy.name", read_only=True)
    version = serializers.IntegerField(source="suggestion.version", read_only=True)

    class Meta:
        model = SuggestionReply
        fields = [
            "id",
            "suggestion_id",
            "number_display",
            "title",
            "lead_deputy",
            "reply_class",
            "replied_on",
            "version",
        ]


# Input ------------------------------------------------------------------------------------------


class UnitVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="页面或列表显示时的 version；他人已改动时返回 409"
    )


class UnitReturnInputSerializer(UnitVersionInput):
    reason = serializers.CharField(max_length=500)
    assignment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class UnitOpinionInputSerializer(UnitVersionInput):
    opinion = serializers.CharField(max_length=5000)
    assignment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class UnitContactInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ContactStage.choices)
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    contacted_on = serializers.DateField()
    text = serializers.CharField(max_length=2000)


class UnitReplyInputSerializer(UnitVersionInput):
    reply_class = serializers.CharField(max_length=4)
    text = serializers.CharField(max_length=20000)
    letter = serializers.FileField(
        help_text="签发的答复函（PDF、Word、WPS、JPEG 或 PNG，20 MB 以内）"
    )


class UnitSolvedInputSerializer(UnitVersionInput):
    solved_on = serializers.DateField()
    note = serializers.CharField(max_length=1000)
