"""API shapes for the roster."""

from __future__ import annotations

from rest_framework import serializers

from congress.masking import mask_phone
from deputies.models import Deputy
from deputies.services import EDITABLE_FIELDS


class DeputyGroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="group.id")
    name = serializers.CharField(source="group.name")
    kind = serializers.CharField(source="group.kind")


class DeputyStationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="station.id")
    name = serializers.CharField(source="station.name")
    kind = serializers.CharField(source="station.kind")


class DeputySerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    groups = DeputyGroupRefSerializer(source="group_memberships", many=True, read_only=True)
    stations = DeputyStationRefSerializer(source="station_links", many=True, read_only=True)
    has_account = serializers.SerializerMethodField()
    # Often masked ("139****0000"), so not described by the input's pattern.
    phone = serializers.CharField(read_only=True, help_text="手机号，多数情况下部分隐去")

    class Meta:
        model = Deputy
        fields = [
            "id",
            *[name for name in EDITABLE_FIELDS if name != "photo"],
            "level_display",
            "status",
            "status_display",
            "status_changed_on",
            "groups",
            "stations",
            "has_account",
        ]
        read_only_fields = ["status", "status_changed_on"]

    def get_has_account(self, deputy: Deputy) -> bool:
        return deputy.user_id is not None

    def to_representation(self, instance: Deputy) -> dict:
        data = super().to_representation(instance)
        # Masked in the list and for readers other than committee staff; the views that may
        # show the full number (one deputy, to staff or to the deputy themself) say so.
        if not self.context.get("full_phone"):
            data["phone"] = mask_phone(data.get("phone"))
        return data


class DeputyWriteSerializer(serializers.ModelSerializer):
    """What a client may set; validation of uniqueness and rules happens in the services."""

    class Meta:
        model = Deputy
        fields = [name for name in EDITABLE_FIELDS if name != "photo"]
        extra_kwargs = {"phone": {"validators": []}}
