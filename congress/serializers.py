"""API shapes for the tenant app."""

from __future__ import annotations

from rest_framework import serializers

from congress.masking import mask_phone
from congress.models import Congress, JobRun, Membership, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone"]


class CongressSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Congress
        fields = [
            "slug",
            "name",
            "level",
            "level_display",
            "region_code",
            "reply_deadline_months",
            "reply_deadline_max_months",
            "rehandling_deadline_months",
            "voter_message_reply_working_days",
            "motion_min_cosigners",
            "co_handling_opinion_months",
            "unit_return_working_days",
            "suggestion_reminder_days",
            "reply_classes",
        ]
        read_only_fields = ["slug", "name", "level", "region_code"]


class ReplyClassSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=4)
    name = serializers.CharField(max_length=100)


class CongressSettingsSerializer(serializers.Serializer):
    reply_deadline_months = serializers.IntegerField(min_value=1, max_value=6, required=False)
    reply_deadline_max_months = serializers.IntegerField(min_value=1, max_value=12, required=False)
    rehandling_deadline_months = serializers.IntegerField(min_value=1, max_value=6, required=False)
    voter_message_reply_working_days = serializers.IntegerField(
        min_value=1, max_value=60, required=False
    )
    motion_min_cosigners = serializers.IntegerField(min_value=1, max_value=100, required=False)
    co_handling_opinion_months = serializers.IntegerField(min_value=1, max_value=3, required=False)
    unit_return_working_days = serializers.IntegerField(min_value=1, max_value=30, required=False)
    suggestion_reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=180), max_length=10, required=False
    )
    reply_classes = ReplyClassSerializer(many=True, required=False)


class ListedUserSerializer(UserSerializer):
    """A member in a list: the mobile number masked (the member's own page shows it)."""

    # Masked ("139****0000"), so not described by the input's pattern.
    phone = serializers.CharField(read_only=True, help_text="手机号，部分隐去")

    def to_representation(self, instance: User) -> dict:
        data = super().to_representation(instance)
        data["phone"] = mask_phone(data.get("phone"))
        return data


class MembershipSerializer(serializers.ModelSerializer):
    user = ListedUserSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_display", "is_active", "created_at"]


class MeSerializer(serializers.Serializer):
    user = UserSerializer()
    congress = CongressSerializer()
    role = serializers.CharField()
    role_display = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())


class JobRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = JobRun
        fields = [
            "id",
            "label",
            "status",
            "status_display",
            "progress",
            "message",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]
