"""Group and station API: readers list and read them, committee staff create and change them."""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.permissions import membership_can
from deputies.models import Deputy
from liaison import selectors, services
from liaison.models import DeputyGroup, GroupKind, LiaisonStation, StationKind
from liaison.serializers import (
    GroupDetailSerializer,
    GroupSerializer,
    GroupWriteSerializer,
    StationDetailSerializer,
    StationSerializer,
    StationWriteSerializer,
)


class GroupFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    kind = django_filters.ChoiceFilter(choices=GroupKind.choices)
    q = django_filters.CharFilter(method="filter_q", label="小组名称或地区")

    class Meta:
        model = DeputyGroup
        fields = ["kind", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(area__contains=value))


class StationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StationKind.choices)
    q = django_filters.CharFilter(method="filter_q", label="联络站名称或地址")

    class Meta:
        model = LiaisonStation
        fields = ["kind", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(address__contains=value))


def _leader(value: int | None) -> Deputy | None:
    if value is None:
        return None
    # Through the scoped manager: a deputy of another congress is simply not found.
    deputy = Deputy.objects.filter(pk=value).first()
    if deputy is None:
        raise exceptions.ValidationError({"leader": [_("No such deputy on this roster.")]})
    return deputy


class GroupListView(CongressAPIView, generics.ListAPIView):
    required_permission = {"GET": "liaison.view_groups", "POST": "liaison.manage_groups"}
    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return DeputyGroup.objects.none()
        return selectors.group_list()

    @extend_schema(
        request=GroupWriteSerializer, responses={201: GroupDetailSerializer}, summary="新建代表小组"
    )
    @transaction.atomic
    def post(self, request, congress_slug: str):
        serializer = GroupWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        has_leader = "leader" in data
        leader = _leader(data.pop("leader", None))
        group = services.group_create(actor=request.user, congress=self.congress, **data)
        if has_leader:
            # A new group has no members yet, so any leader is refused with a clear message.
            services.group_set_leader(actor=request.user, group=group, deputy=leader)
        return Response(_group_detail(self, group.pk), status=status.HTTP_201_CREATED)


def _group_detail(view: CongressAPIView, group_id: int) -> dict:
    group = get_object_or_404(selectors.group_list(), pk=group_id)
    context = {
        "members": selectors.group_members(group=group),
    }
    return GroupDetailSerializer(group, context=context).data


class GroupDetailView(CongressAPIView):
    required_permission = {"GET": "liaison.view_groups", "PATCH": "liaison.manage_groups"}

    @extend_schema(responses=GroupDetailSerializer, summary="代表小组详情（含成员）")
    def get(self, request, congress_slug: str, group_id: int):
        return Response(_group_detail(self, group_id))

    @extend_schema(
        request=GroupWriteSerializer, responses=GroupDetailSerializer, summary="修改代表小组"
    )
    @transaction.atomic
    def patch(self, request, congress_slug: str, group_id: int):
        group = get_object_or_404(DeputyGroup.objects.all(), pk=group_id)
        serializer = GroupWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        has_leader = "leader" in data
        leader = _leader(data.pop("leader", None))
        if data:
            services.group_update(actor=request.user, group=group, **data)
        if has_leader:
            services.group_set_leader(actor=request.user, group=group, deputy=leader)
        return Response(_group_detail(self, group.pk))


class StationListView(CongressAPIView, generics.ListAPIView):
    required_permission = {"GET": "liaison.view_stations", "POST": "liaison.manage_stations"}
    serializer_class = StationSerializer
    filterset_class = StationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return LiaisonStation.objects.none()
        # Station staff see only the stations they work at.
        return selectors.station_list(membership=self.membership)

    @extend_schema(
        request=StationWriteSerializer,
        responses={201: StationDetailSerializer},
        summary="新建联络站",
    )
    def post(self, request, congress_slug: str):
        serializer = StationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        station = services.station_create(
            actor=request.user, congress=self.congress, **serializer.validated_data
        )
        return Response(_station_detail(self, station.pk), status=status.HTTP_201_CREATED)


def _station_detail(view: CongressAPIView, station_id: int) -> dict:
    station = get_object_or_404(selectors.station_list(membership=view.membership), pk=station_id)
    context = {
        "deputy_links": selectors.station_deputies(station=station),
        "staff_links": selectors.station_staff(station=station),
        "checklist": selectors.station_checklist(station=station),
    }
    return StationDetailSerializer(station, context=context).data


class StationDetailView(CongressAPIView):
    required_permission = {"GET": "liaison.view_stations", "PATCH": "liaison.manage_stations"}

    def get_station(self, station_id: int) -> LiaisonStation:
        station = get_object_or_404(LiaisonStation.objects.all(), pk=station_id)
        if not membership_can(self.membership, "liaison.view_station", station):
            raise exceptions.PermissionDenied
        return station

    @extend_schema(
        responses=StationDetailSerializer, summary="联络站详情（含进站代表、工作人员和达标情况）"
    )
    def get(self, request, congress_slug: str, station_id: int):
        station = self.get_station(station_id)
        return Response(_station_detail(self, station.pk))

    @extend_schema(
        request=StationWriteSerializer, responses=StationDetailSerializer, summary="修改联络站"
    )
    def patch(self, request, congress_slug: str, station_id: int):
        station = self.get_station(station_id)
        serializer = StationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.station_update(actor=request.user, station=station, **serializer.validated_data)
        return Response(_station_detail(self, station.pk))
