"""What the deputy's suggestion API reads and writes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congress.fields import MAX_ID
from deputies.models import Deputy
from liaison.models import ReceptionDay, VoterMessage
from suggestions.models import (
    CongressSession,
    Rating,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSource,
)


class MySuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    number = serializers.IntegerField(allow_null=True)
    number_display = serializers.CharField()
    category = serializers.CharField(source="category.name")
    session = serializers.CharField(source="session.name", allow_null=True, default=None)
    lead_deputy = serializers.CharField(source="lead_deputy.name")
    is_lead = serializers.BooleanField(source="i_lead", default=False)
    awaiting_my_rating = serializers.BooleanField(source="my_turn", default=False)
    round = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class MyAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse(
            "suggestion_files:attachment",
            kwargs={
                "congress_slug": attachment.suggestion.congress.slug,
                "suggestion_id": attachment.suggestion_id,
                "attachment_id": attachment.pk,
            },
        )


class MyCosignerSerializer(serializers.Serializer):
    deputy_id = serializers.IntegerField()
    name = serializers.CharField(source="deputy.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")


class MyReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    unit = serializers.CharField(source="unit.name")
    reply_class = serializers.CharField()
    reply_class_name = serializers.SerializerMethodField()
    text = serializers.CharField()
    replied_on = serializers.DateField()
    letter_url = serializers.SerializerMethodField()

    def get_reply_class_name(self, reply) -> str:
        names = {item["code"]: item["name"] for item in reply.suggestion.congress.reply_classes}
        return names.get(reply.reply_class, "")

    def get_letter_url(self, reply) -> str | None:
        if not reply.letter:
            return None
        return reverse(
            "suggestion_files:reply_letter",
            kwargs={
                "congress_slug": reply.suggestion.congress.slug,
                "suggestion_id": reply.suggestion_id,
                "reply_id": reply.pk,
            },
        )


class MyFeedbackSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    is_lead = serializers.BooleanField()
    rating = serializers.CharField()
    reason = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)


class MySuggestionDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    next_step = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    number_display = serializers.CharField()
    category_id = serializers.IntegerField()
    category = serializers.CharField(source="category.name")
    session_id = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    source_display = serializers.CharField(source="get_source_display")
    source_message_id = serializers.IntegerField(allow_null=True)
    source_reception_id = serializers.IntegerField(allow_null=True)
    source_reference = serializers.CharField()
    lead_deputy = serializers.CharField(source="lead_deputy.name")
    is_lead = serializers.BooleanField()
    return_reason = serializers.CharField()
    round = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    attachments = MyAttachmentSerializer(many=True, source="attachment_rows")
    cosigners = MyCosignerSerializer(many=True, source="cosigner_rows")
    replies = MyReplySerializer(many=True, source="reply_rows")
    my_feedback = MyFeedbackSerializer(many=True)
    awaiting_my_rating = serializers.BooleanField()
    my_cosign_status = serializers.CharField(allow_null=True)


def _one(model, pk, field: str, message):
    if pk is None:
        return None
    # Through the scoped manager: another congress's id is simply not found.
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: message})
    return found


class MyDraftInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuggestionKind.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    category = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="类别编号")
    session = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        default=None,
        help_text="会议编号；闭会期间留空",
    )
    source = serializers.ChoiceField(
        choices=SuggestionSource.choices, required=False, default=SuggestionSource.OWN_RESEARCH
    )
    source_message = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, default=None
    )
    source_reception = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, default=None
    )
    source_reference = serializers.CharField(
        max_length=100, allow_blank=True, required=False, default=""
    )
    cosigners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
    )
    version = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, required=False, allow_null=True
    )

    def validate(self, data):
        data = dict(data)
        data["category"] = _one(
            SuggestionCategory, data.get("category"), "category", _("Choose a category.")
        )
        data["session"] = _one(
            CongressSession, data.get("session"), "session", _("Choose a session of this congress.")
        )
        data["source_message"] = _one(
            VoterMessage,
            data.get("source_message"),
            "source_message",
            _("Choose one of your voter messages."),
        )
        data["source_reception"] = _one(
            ReceptionDay,
            data.get("source_reception"),
            "source_reception",
            _("Choose one of your reception days."),
        )
        ids = set(data.get("cosigners") or [])
        deputies = list(Deputy.objects.filter(pk__in=ids))
        if len(deputies) != len(ids):
            raise serializers.ValidationError(
                {"cosigners": _("Choose co-signers among the deputies of this congress.")}
            )
        data["cosigners"] = deputies
        return data


class MyVersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, required=False, allow_null=True
    )


class MyWithdrawInputSerializer(MyVersionInputSerializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class MyCosignInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))]
    )


class MyRateInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")
