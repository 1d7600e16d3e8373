"""API shapes for reception days and group projects."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deputies.models import Deputy
from liaison.models import (
    Attendance,
    DeputyGroup,
    GroupProject,
    LiaisonStation,
    ProgressPhoto,
    ProjectProgress,
    ReceptionDay,
    ReceptionDuty,
)
from liaison.project_services import MAX_PHOTOS
from liaison.reception_services import MAX_VISITORS, RECORDED_ATTENDANCE

# As in the other shapes: choice fields are plain strings with a *_display beside them, so no
# choice set is named twice in the schema.


class ReceptionDeputySerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class ReceptionStationSerializer(serializers.ModelSerializer):
    class Meta:
        model = LiaisonStation
        fields = ["id", "name", "address"]


class ReceptionDutySerializer(serializers.ModelSerializer):
    deputy = ReceptionDeputySerializer(read_only=True)
    attendance = serializers.CharField(read_only=True)
    attendance_display = serializers.CharField(source="get_attendance_display", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ReceptionDuty
        fields = ["deputy", "attendance", "attendance_display", "recorded_by", "recorded_at"]


class ReceptionDaySerializer(serializers.ModelSerializer):
    station = ReceptionStationSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    schedule = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    is_day_off = serializers.SerializerMethodField(
        help_text="该日不是工作日（节假日、周末或本会设定的休息日）"
    )
    duties = ReceptionDutySerializer(many=True, read_only=True)

    class Meta:
        model = ReceptionDay
        fields = [
            "id",
            "station",
            "date",
            "start_time",
            "end_time",
            "topic",
            "status",
            "status_display",
            "schedule",
            "is_day_off",
            "visitor_count",
            "summary",
            "duties",
        ]

    def get_is_day_off(self, day: ReceptionDay) -> bool:
        return day.date in self.context.get("days_off", set())


class AttendanceEntrySerializer(serializers.Serializer):
    deputy = serializers.IntegerField(min_value=1, help_text="值班代表的 id")
    attendance = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in Attendance.choices if value in RECORDED_ATTENDANCE
        ]
    )


class AttendanceWriteSerializer(serializers.Serializer):
    attendance = AttendanceEntrySerializer(many=True, help_text="每位值班代表一条")
    visitor_count = serializers.IntegerField(min_value=0, max_value=MAX_VISITORS)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# Projects ------------------------------------------------------------------------------------


class ProjectGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeputyGroup
        fields = ["id", "name"]


class ProjectSerializer(serializers.ModelSerializer):
    group = ProjectGroupSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    progress_count = serializers.IntegerField(read_only=True)
    last_progress_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = GroupProject
        fields = [
            "id",
            "group",
            "year",
            "title",
            "goal",
            "budget",
            "partners",
            "status",
            "status_display",
            "claimed_on",
            "closed_on",
            "outcome",
            "progress_count",
            "last_progress_on",
        ]


class ProgressPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressPhoto
        fields = ["id", "url"]

    def get_url(self, photo: ProgressPhoto) -> str:
        # Served through the API, which checks that the reader may see the project.
        return reverse(
            "work_api:project_photo",
            kwargs={
                "congress_slug": self.context["congress_slug"],
                "project_id": self.context["project_id"],
                "progress_photo_id": photo.pk,
            },
        )


class ProjectProgressSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)
    photos = ProgressPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectProgress
        fields = ["id", "date", "text", "created_by", "created_at", "photos"]


class ProjectDetailSerializer(ProjectSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "progress"]

    @extend_schema_field(ProjectProgressSerializer(many=True))
    def get_progress(self, project: GroupProject) -> list[dict]:
        return ProjectProgressSerializer(
            self.context["progress"], many=True, context=self.context
        ).data


class ProjectWriteSerializer(serializers.Serializer):
    group = serializers.IntegerField(
        min_value=1, help_text="代表小组 id（仅认领时）；代表只能为自己任组长的小组认领"
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    goal = serializers.CharField()
    budget = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="预算（万元）",
    )
    partners = serializers.CharField(max_length=300, required=False, allow_blank=True)
    claimed_on = serializers.DateField(required=False)


class ProjectUpdateSerializer(ProjectWriteSerializer):
    group = None


class ProgressWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    text = serializers.CharField(max_length=2000)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_PHOTOS,
        help_text="最多 3 张照片（multipart 上传，字段名 photos 可重复）",
    )


class ProjectCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000)
    closed_on = serializers.DateField(required=False)


class ProjectDropSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    closed_on = serializers.DateField(required=False)
