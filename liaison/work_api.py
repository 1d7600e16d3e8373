"""Reception day and group project API: readers list and read them (each role what it reaches),
planners record attendance, group leaders and staff claim projects and record progress."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, Max, OuterRef
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.fields import MAX_ID
from congress.permissions import membership_can
from liaison import project_selectors, project_services, reception_selectors, reception_services
from liaison.models import (
    DeputyGroup,
    GroupProject,
    ProgressPhoto,
    ProjectStatus,
    ReceptionDay,
    ReceptionDuty,
    ReceptionStatus,
)
from liaison.project_views import PLACEHOLDER_PHOTO
from liaison.selectors import deputy_ids_for_user, project_visible, reception_visible
from liaison.work_serializers import (
    AttendanceWriteSerializer,
    ProgressWriteSerializer,
    ProjectCloseSerializer,
    ProjectDetailSerializer,
    ProjectDropSerializer,
    ProjectProgressSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ProjectWriteSerializer,
    ReceptionDaySerializer,
)


class LooksUpBeforeRefusingTheMethod:
    """A POST-only action still looks its object up when asked with another method, so another
    congress's id answers 404 as everywhere else, not a 405 that would tell it exists."""

    def lookup(self, **kwargs):
        raise NotImplementedError

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.lookup(**kwargs)
        return super().http_method_not_allowed(request, *args, **kwargs)


# Reception days ------------------------------------------------------------------------------


class ReceptionDayFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    station = django_filters.NumberFilter(
        field_name="station_id", label="联络站 id", min_value=1, max_value=MAX_ID
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")
    status = django_filters.ChoiceFilter(choices=ReceptionStatus.choices, label="状态")
    mine = django_filters.BooleanFilter(method="filter_mine", label="只看本人值班的接待日")

    class Meta:
        model = ReceptionDay
        fields = ["station", "date_from", "date_to", "status", "mine"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        mine = deputy_ids_for_user(user=self.request.user)
        return queryset.filter(
            Exists(ReceptionDuty.objects.filter(reception_day=OuterRef("pk"), deputy_id__in=mine))
        )


def _reception_queryset(membership):
    """Soonest first, the deputies on duty prefetched: a fixed number of queries per page."""
    return (
        reception_visible(membership=membership)
        .select_related("station")
        .prefetch_related(reception_selectors.duties_prefetch())
        .order_by("date", "start_time", "pk")
    )


class ReceptionDayListView(CongressAPIView, generics.ListAPIView):
    required_permission = "liaison.view_receptions"
    serializer_class = ReceptionDaySerializer
    filterset_class = ReceptionDayFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return ReceptionDay.objects.none()
        return _reception_queryset(self.membership)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {
            **self.get_serializer_context(),
            "days_off": reception_selectors.days_off(day.date for day in rows),
        }
        data = ReceptionDaySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(summary="接待日列表（代表只看到本人值班的，联络站工作人员只看到本站的）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _reception_get(view: CongressAPIView, reception_id: int) -> ReceptionDay:
    day = get_object_or_404(_reception_queryset(view.membership), pk=reception_id)
    return day


def _reception_data(view: CongressAPIView, reception_id: int) -> dict:
    day = _reception_get(view, reception_id)
    context = {"days_off": reception_selectors.days_off([day.date])}
    return ReceptionDaySerializer(day, context=context).data


class ReceptionDayDetailView(CongressAPIView):
    required_permission = "liaison.view_receptions"

    @extend_schema(responses=ReceptionDaySerializer, summary="接待日详情（含值班代表和到岗情况）")
    def get(self, request, congress_slug: str, reception_id: int):
        # Through the visibility selector: a day out of the member's reach is simply not found.
        return Response(_reception_data(self, reception_id))


class ReceptionAttendanceView(LooksUpBeforeRefusingTheMethod, CongressAPIView):
    required_permission = "liaison.plan_receptions"

    def lookup(self, *, reception_id: int, **kwargs) -> ReceptionDay:
        return get_object_or_404(ReceptionDay.objects.select_related("station"), pk=reception_id)

    @extend_schema(
        request=AttendanceWriteSerializer,
        responses=ReceptionDaySerializer,
        summary="登记接待日到岗情况、接待人数和小结（接待日即标为已举行）",
    )
    def post(self, request, congress_slug: str, reception_id: int):
        day = self.lookup(reception_id=reception_id)
        if not membership_can(self.membership, "liaison.manage_reception", day):
            raise exceptions.PermissionDenied(
                _("Only committee staff and the station's staff record this day.")
            )
        serializer = AttendanceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attendance = {entry["deputy"]: entry["attendance"] for entry in data["attendance"]}
        if len(attendance) != len(data["attendance"]):
            raise exceptions.ValidationError(
                {"attendance": [_("Each deputy may appear only once.")]}
            )
        reception_services.reception_day_record(
            actor=request.user,
            day=day,
            attendance=attendance,
            visitor_count=data["visitor_count"],
            summary=data.get("summary", ""),
        )
        return Response(_reception_data(self, day.pk))


# Projects ------------------------------------------------------------------------------------


class ProjectFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="year", label="年度", min_value=2000, max_value=2100
    )
    group = django_filters.NumberFilter(
        field_name="group_id", label="代表小组 id", min_value=1, max_value=MAX_ID
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label="状态")

    class Meta:
        model = GroupProject
        fields = ["year", "group", "status"]


def _project_queryset(membership):
    return (
        project_visible(membership=membership)
        .select_related("group")
        .annotate(progress_count=Count("progress"), last_progress_on=Max("progress__date"))
        .order_by("-year", "group__name", "title", "pk")
    )


def _project_data(view: CongressAPIView, project_id: int) -> dict:
    project = get_object_or_404(_project_queryset(view.membership), pk=project_id)
    context = {
        "progress": project_selectors.project_detail(project=project)["progress"],
        "congress_slug": view.congress.slug,
        "project_id": project.pk,
    }
    return ProjectDetailSerializer(project, context=context).data


def _project_to_manage(view: CongressAPIView, project_id: int) -> GroupProject:
    project = get_object_or_404(project_visible(membership=view.membership), pk=project_id)
    if not membership_can(view.membership, "liaison.manage_project", project):
        raise exceptions.PermissionDenied(
            _("Only committee staff and the deputy who leads the group manage this project.")
        )
    return project


class ProjectListView(CongressAPIView, generics.ListAPIView):
    required_permission = {"GET": "liaison.view_projects", "POST": "liaison.claim_projects"}
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return GroupProject.objects.none()
        return _project_queryset(self.membership)

    @extend_schema(summary="代表小组为民办实事项目列表（代表只看到本人所在小组的）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ProjectWriteSerializer,
        responses={201: ProjectDetailSerializer},
        summary="认领项目（工作人员为任一小组，代表为本人任组长的小组）",
    )
    def post(self, request, congress_slug: str):
        serializer = ProjectWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Through the scoped manager: a group of another congress is simply not found.
        group = DeputyGroup.objects.filter(pk=data.pop("group")).first()
        if group is None:
            raise exceptions.ValidationError({"group": [_("No such group.")]})
        if not membership_can(self.membership, "liaison.manage_project", group):
            raise exceptions.PermissionDenied(
                _("Only committee staff and the deputy who leads the group can claim for it.")
            )
        project = project_services.project_create(
            actor=request.user, congress=self.congress, group=group, **data
        )
        return Response(_project_data(self, project.pk), status=status.HTTP_201_CREATED)


class ProjectDetailView(CongressAPIView):
    required_permission = {"GET": "liaison.view_projects", "PATCH": "liaison.claim_projects"}

    @extend_schema(responses=ProjectDetailSerializer, summary="项目详情（含进展和照片）")
    def get(self, request, congress_slug: str, project_id: int):
        return Response(_project_data(self, project_id))

    @extend_schema(
        request=ProjectUpdateSerializer, responses=ProjectDetailSerializer, summary="修改项目"
    )
    def patch(self, request, congress_slug: str, project_id: int):
        project = _project_to_manage(self, project_id)
        serializer = ProjectUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        project_services.project_update(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(_project_data(self, project.pk))


class ProjectProgressView(LooksUpBeforeRefusingTheMethod, CongressAPIView):
    required_permission = "liaison.claim_projects"

    def lookup(self, *, project_id: int, **kwargs) -> GroupProject:
        return _project_to_manage(self, project_id)

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ProgressWriteSerializer},
        responses={201: ProjectProgressSerializer},
        summary="记录项目进展（可附最多 3 张照片，定位信息会被去除）",
    )
    def post(self, request, congress_slug: str, project_id: int):
        project = self.lookup(project_id=project_id)
        serializer = ProgressWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        progress = project_services.project_progress_add(
            actor=request.user,
            project=project,
            date=data["date"],
            text=data["text"],
            photos=data.get("photos", []),
        )
        context = {"congress_slug": self.congress.slug, "project_id": project.pk}
        return Response(
            ProjectProgressSerializer(progress, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class ProjectCloseView(LooksUpBeforeRefusingTheMethod, CongressAPIView):
    required_permission = "liaison.claim_projects"

    def lookup(self, *, project_id: int, **kwargs) -> GroupProject:
        return _project_to_manage(self, project_id)

    @extend_schema(
        request=ProjectCloseSerializer, responses=ProjectDetailSerializer, summary="项目完成"
    )
    def post(self, request, congress_slug: str, project_id: int):
        project = _project_to_manage(self, project_id)
        serializer = ProjectCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project_services.project_close(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(_project_data(self, project.pk))


class ProjectDropView(LooksUpBeforeRefusingTheMethod, CongressAPIView):
    required_permission = "liaison.claim_projects"

    def lookup(self, *, project_id: int, **kwargs) -> GroupProject:
        return _project_to_manage(self, project_id)

    @extend_schema(
        request=ProjectDropSerializer, responses=ProjectDetailSerializer, summary="放弃项目"
    )
    def post(self, request, congress_slug: str, project_id: int):
        project = _project_to_manage(self, project_id)
        serializer = ProjectDropSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project_services.project_drop(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(_project_data(self, project.pk))


class ProjectPhotoView(CongressAPIView):
    required_permission = "liaison.view_projects"

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="照片"),
        },
        summary="项目进展照片（仅能查看该项目的成员可取）",
    )
    def get(self, request, congress_slug: str, project_id: int, progress_photo_id: int):
        project = get_object_or_404(project_visible(membership=self.membership), pk=project_id)
        photo = get_object_or_404(
            ProgressPhoto.objects.all(), pk=progress_photo_id, progress__project=project
        )
        try:
            handle = photo.image.open("rb")
        except (FileNotFoundError, ValueError):
            response = HttpResponse(PLACEHOLDER_PHOTO, content_type="image/svg+xml")
        else:
            response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response
