"""Duty record photos: streamed to the deputy who owns the record and to the staff who audit it."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Role
from scoring.models import DutyRecordPhoto, RecordStatus
from tests.factories import (
    DeputyFactory,
    DutyRecordFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
)


def jpeg_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(output, format="JPEG")
    return output.getvalue()


@pytest.fixture
def photo(tenant_a):
    """A photo of a record by the deputy account's deputy, at a station the station staff
    member works at."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        station = LiaisonStationFactory(congress=congress)
        StationStaffFactory(station=station, user=tenant_a.user(Role.STATION_STAFF))
        deputy = DeputyFactory(congress=congress, user=tenant_a.user(Role.DEPUTY))
        StationDeputyFactory(station=station, deputy=deputy)
        record = DutyRecordFactory(congress=congress, deputy=deputy, status=RecordStatus.SUBMITTED)
        photo = DutyRecordPhoto(congress=congress, record=record)
        photo.image.save("evidence.jpg", ContentFile(jpeg_bytes()), save=True)
    return photo


def photo_url(tenant, photo) -> str:
    return reverse(
        "duty_files:photo",
        kwargs={"congress_slug": tenant.congress.slug, "duty_photo_id": photo.pk},
    )


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.STATION_STAFF, Role.COMMITTEE_STAFF])
def test_the_owner_and_the_reviewers_get_the_photo(tenant_a, client_as, photo, role):
    response = client_as(tenant_a.user(role)).get(photo_url(tenant_a, photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()
    assert response["Cache-Control"] == "private, max-age=3600"


def test_other_deputies_and_other_stations_staff_are_refused(tenant_a, client_as, photo):
    with scopes_disabled():  # test setup
        other_deputy = DeputyFactory(congress=tenant_a.congress)
        record = DutyRecordFactory(congress=tenant_a.congress, deputy=other_deputy)
        theirs = DutyRecordPhoto.objects.create(
            congress=tenant_a.congress, record=record, image="duties/theirs.jpg"
        )
    # The deputy does not own it; the station staff member's stations do not receive them.
    for role in (Role.DEPUTY, Role.STATION_STAFF):
        assert client_as(tenant_a.user(role)).get(photo_url(tenant_a, theirs)).status_code == 403
    for role in (Role.LEADER, Role.UNIT_LIAISON):
        assert client_as(tenant_a.user(role)).get(photo_url(tenant_a, photo)).status_code == 403


def test_another_congress_gets_404(tenant_a, tenant_b, client_as, photo):
    client = client_as(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert client.get(photo_url(tenant_a, photo)).status_code == 404
    # Under its own address, congress B does not find A's photo either.
    assert client.get(photo_url(tenant_b, photo)).status_code == 404


def test_a_missing_file_answers_with_a_placeholder(tenant_a, client_as, photo):
    with scopes_disabled():  # test setup
        photo.image = "duties/gone.jpg"
        photo.save()
    response = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(photo_url(tenant_a, photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
