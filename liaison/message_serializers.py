"""API shapes for voter messages: the list row, the full message, and the actions' inputs."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.fields import MAX_ID
from congress.masking import mask_in_text
from liaison import message_selectors as selectors
from liaison.message_services import MAX_ANSWER, MAX_NOTE, MAX_REASON, MAX_TEXT
from liaison.models import (
    ForwardTarget,
    MessageTopic,
    VoterMessage,
    VoterMessageEvent,
)

# Choice fields are plain strings in the read shapes (each has its *_display beside it), so
# each choice set appears in one schema component only and its enum name stays unambiguous.


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    topic = serializers.CharField(read_only=True)
    topic_display = serializers.CharField(source="get_topic_display", read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    forward_target = serializers.CharField(read_only=True)
    deputy = NamedSerializer(read_only=True, allow_null=True)
    station = NamedSerializer(read_only=True, allow_null=True)
    forwarded_to_deputy = NamedSerializer(read_only=True, allow_null=True)
    forwarded_to_unit = NamedSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    tracking_code = serializers.SerializerMethodField()

    class Meta:
        model = VoterMessage
        fields = [
            "id",
            "tracking_code",
            "source",
            "source_display",
            "topic",
            "topic_display",
            "status",
            "status_display",
            "deputy",
            "station",
            "forward_target",
            "forwarded_to_deputy",
            "forwarded_to_unit",
            "created_at",
            "due_on",
            "is_overdue",
            "answered_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tracking_code(self, message: VoterMessage) -> str | None:
        # The code lets its holder rate the answer: only the staff who hand it to the voter see it.
        return message.tracking_code if self.context.get("shows_code") else None

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, message: VoterMessage) -> bool:
        overdue = getattr(message, "overdue", None)
        return message.is_overdue() if overdue is None else bool(overdue)


class MessageEventSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    to_status_display = serializers.CharField(source="get_to_status_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = VoterMessageEvent
        fields = ["from_status", "to_status", "to_status_display", "actor", "note", "at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: VoterMessageEvent) -> str | None:
        # None: the voter acted (sent the message or rated the answer).
        return str(event.actor) if event.actor_id else None


class MessageDetailSerializer(MessageSerializer):
    voter_name = serializers.SerializerMethodField()
    voter_phone = serializers.SerializerMethodField()
    satisfaction = serializers.CharField(read_only=True)
    answered_by = serializers.SerializerMethodField()
    answered_in_time = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(MessageSerializer.Meta):
        fields = [
            *MessageSerializer.Meta.fields,
            "text",
            "voter_name",
            "voter_phone",
            "answer",
            "answered_on_the_spot",
            "answered_by",
            "answered_in_time",
            "satisfaction",
            "feedback",
            "rated_at",
            "photos",
            "events",
        ]

    def _shows_contact(self) -> bool:
        return bool(self.context.get("shows_contact"))

    def to_representation(self, instance: VoterMessage) -> dict:
        data = super().to_representation(instance)
        if not self._shows_contact():
            # A number the voter wrote into the text is contact data too.
            data["text"] = mask_in_text(data.get("text"))
        return data

    @extend_schema_field(serializers.CharField())
    def get_voter_name(self, message: VoterMessage) -> str:
        # Only the deputy it was sent to and staff see who wrote; others get an empty string.
        return message.voter_name if self._shows_contact() else ""

    @extend_schema_field(serializers.CharField())
    def get_voter_phone(self, message: VoterMessage) -> str:
        return message.voter_phone if self._shows_contact() else ""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_answered_by(self, message: VoterMessage) -> str | None:
        return str(message.answered_by) if message.answered_by_id else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_answered_in_time(self, message: VoterMessage) -> bool | None:
        return selectors.answered_in_time(message)

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_photos(self, message: VoterMessage) -> list[str]:
        request = self.context.get("request")
        urls = []
        for photo in selectors.message_photos(message=message):
            path = reverse(
                "messages:photo",
                kwargs={
                    "congress_slug": message.congress.slug,
                    "message_id": message.pk,
                    "photo_id": photo.pk,
                },
            )
            urls.append(request.build_absolute_uri(path) if request else path)
        return urls

    @extend_schema_field(MessageEventSerializer(many=True))
    def get_events(self, message: VoterMessage) -> list[dict]:
        return MessageEventSerializer(selectors.message_timeline(message=message), many=True).data


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_ANSWER)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True)


class EraseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=MAX_REASON, help_text="删除的原因（选民何时、如何提出），记入审计日志"
    )
    same_voter = serializers.BooleanField(
        required=False, default=False, help_text="同时删除同一电话号码或设备的其他留言"
    )


class EraseResultSerializer(serializers.Serializer):
    erased = serializers.ListField(child=serializers.IntegerField(), help_text="已删除的留言 id")


class ForwardInputSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=ForwardTarget.choices)
    deputy = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True)


class VisitInputSerializer(serializers.Serializer):
    station = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    deputy = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    topic = serializers.ChoiceField(choices=MessageTopic.choices)
    text = serializers.CharField(max_length=MAX_TEXT)
    voter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    voter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    consent_confirmed = serializers.BooleanField()
    answered_on_the_spot = serializers.BooleanField(required=False, default=False)
    answer = serializers.CharField(max_length=MAX_ANSWER, required=False, allow_blank=True)
