"""API shapes for groups and stations."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.masking import mask_phone
from congress.models import User
from deputies.models import Deputy
from liaison.models import DeputyGroup, GroupKind, LiaisonStation, StationKind

# Choice fields are plain strings in the read shapes (each has its *_display beside it), so
# each choice set appears in one schema component only and its enum name stays unambiguous.


class DeputyBriefSerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = ["id", "name", "level", "level_display", "workplace_title", "status", "phone"]

    @extend_schema_field(serializers.CharField())
    def get_phone(self, deputy: Deputy) -> str:
        # A list of deputies (a group's, a station's): masked for every reader; the full number
        # is on the deputy's own record, for committee staff.
        return mask_phone(deputy.phone)


class GroupMemberSerializer(serializers.Serializer):
    deputy = DeputyBriefSerializer()
    joined_on = serializers.DateField(allow_null=True)
    is_leader = serializers.BooleanField()


class LeaderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class GroupSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    leader = LeaderSerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DeputyGroup
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "area",
            "description",
            "leader",
            "member_count",
            "created_at",
        ]


class GroupDetailSerializer(GroupSerializer):
    members = serializers.SerializerMethodField()

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "members"]

    @extend_schema_field(GroupMemberSerializer(many=True))
    def get_members(self, group: DeputyGroup) -> list[dict]:
        rows = [
            {
                "deputy": link.deputy,
                "joined_on": link.joined_on,
                "is_leader": link.deputy_id == group.leader_id,
            }
            for link in self.context["members"]
        ]
        return GroupMemberSerializer(rows, many=True, context=self.context).data


class GroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    area = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    leader = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="代表 id，须是本小组成员；null 表示不设组长（仅修改时可用）",
    )


class StationStaffUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class ChecklistItemSerializer(serializers.Serializer):
    standard_id = serializers.IntegerField(source="standard.pk")
    code = serializers.CharField(source="standard.code")
    title = serializers.CharField(source="standard.title")
    is_met = serializers.BooleanField()
    note = serializers.SerializerMethodField()
    checked_on = serializers.SerializerMethodField()
    checked_by = serializers.SerializerMethodField()

    def get_note(self, item) -> str:
        return item.check.note if item.check else ""

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_checked_on(self, item):
        return item.check.checked_on if item.check else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_checked_by(self, item) -> str | None:
        if item.check is None or item.check.checked_by is None:
            return None
        return str(item.check.checked_by)


class StationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    deputy_count = serializers.IntegerField(read_only=True)
    standards_met = serializers.IntegerField(read_only=True)

    class Meta:
        model = LiaisonStation
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "address",
            "opening_hours",
            "contact_phone",
            "description",
            "is_active",
            "deputy_count",
            "standards_met",
        ]


class StationDetailSerializer(StationSerializer):
    deputies = serializers.SerializerMethodField()
    staff = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()

    class Meta(StationSerializer.Meta):
        fields = [*StationSerializer.Meta.fields, "deputies", "staff", "checklist"]

    @extend_schema_field(DeputyBriefSerializer(many=True))
    def get_deputies(self, station: LiaisonStation) -> list[dict]:
        deputies = [link.deputy for link in self.context["deputy_links"]]
        return DeputyBriefSerializer(deputies, many=True, context=self.context).data

    @extend_schema_field(StationStaffUserSerializer(many=True))
    def get_staff(self, station: LiaisonStation) -> list[dict]:
        users = [link.user for link in self.context["staff_links"]]
        return StationStaffUserSerializer(users, many=True).data

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, station: LiaisonStation) -> list[dict]:
        return ChecklistItemSerializer(self.context["checklist"], many=True).data


class StationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=StationKind.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    opening_hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
