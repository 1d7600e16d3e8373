"""Roster API: staff list, read and write the roster; a deputy reads their own profile."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.fields import MAX_ID
from congress.permissions import membership_can
from deputies import selectors, services
from deputies.models import Deputy, DeputyLevel, DeputyStatus
from deputies.serializers import DeputySerializer, DeputyWriteSerializer


class DeputyFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    q = django_filters.CharFilter(method="filter_q", label="姓名、拼音首字母或手机号")
    level = django_filters.ChoiceFilter(choices=DeputyLevel.choices)
    status = django_filters.ChoiceFilter(choices=DeputyStatus.choices)
    group = django_filters.NumberFilter(
        method="filter_group", label="代表小组 id", min_value=1, max_value=MAX_ID
    )
    station = django_filters.NumberFilter(
        method="filter_station", label="联络站 id", min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = Deputy
        fields = ["q", "level", "status", "group", "station"]

    def filter_q(self, queryset, name, value):
        return selectors.deputy_search(queryset, value)

    def filter_group(self, queryset, name, value):
        return selectors.deputy_in_group(queryset, int(value))

    def filter_station(self, queryset, name, value):
        return selectors.deputy_at_station(queryset, int(value))


class DeputyListView(CongressAPIView, generics.ListAPIView):
    required_permission = {"GET": "deputies.view_roster", "POST": "deputies.manage_roster"}
    serializer_class = DeputySerializer
    filterset_class = DeputyFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Deputy.objects.none()
        return selectors.deputy_list(membership=self.membership)

    @extend_schema(request=DeputyWriteSerializer, responses={201: DeputySerializer})
    def post(self, request, congress_slug: str):
        serializer = DeputyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deputy = services.deputy_create(
            actor=request.user, congress=self.congress, **serializer.validated_data
        )
        return Response(
            DeputySerializer(deputy, context={"full_phone": True}).data,
            status=status.HTTP_201_CREATED,
        )


class DeputyDetailView(CongressAPIView):
    required_permission = {"GET": "deputies.view_roster", "PATCH": "deputies.manage_roster"}

    def get_deputy(self, deputy_id: int) -> Deputy:
        deputy = get_object_or_404(selectors.deputy_list(membership=self.membership), pk=deputy_id)
        if not membership_can(self.membership, "deputies.view_deputy", deputy):
            raise exceptions.PermissionDenied
        return deputy

    @extend_schema(responses=DeputySerializer, summary="代表详情")
    def get(self, request, congress_slug: str, deputy_id: int):
        full = membership_can(self.membership, "deputies.manage_roster")
        return Response(
            DeputySerializer(self.get_deputy(deputy_id), context={"full_phone": full}).data
        )

    @extend_schema(
        request=DeputyWriteSerializer, responses=DeputySerializer, summary="修改代表信息"
    )
    def patch(self, request, congress_slug: str, deputy_id: int):
        deputy = self.get_deputy(deputy_id)
        serializer = DeputyWriteSerializer(deputy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        deputy = services.deputy_update(
            actor=request.user, deputy=deputy, **serializer.validated_data
        )
        return Response(DeputySerializer(deputy, context={"full_phone": True}).data)


class OwnProfileView(CongressAPIView):
    required_permission = "deputies.view_own_profile"

    @extend_schema(responses=DeputySerializer, summary="代表本人的名册信息")
    def get(self, request, congress_slug: str):
        deputy = selectors.deputy_list(membership=self.membership).filter(user=request.user).first()
        if deputy is None:
            raise exceptions.NotFound(_("Your account is not linked to a deputy on this roster."))
        return Response(DeputySerializer(deputy, context={"full_phone": True}).data)
