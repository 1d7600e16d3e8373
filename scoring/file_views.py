"""Duty record photos, streamed (never a public media URL) to the deputy who owns the record
and to the staff who may audit it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from congress.access import permission_required
from congress.permissions import membership_can
from scoring.models import DutyRecordPhoto

# Shown in place of a photo whose file is gone, so a page's <img> never breaks.
MISSING_PHOTO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 120">'
    b'<rect width="160" height="120" fill="#eceff1"/>'
    b'<path d="M40 90l30-36 22 26 14-16 24 26z" fill="#b0bec5"/></svg>'
)


@permission_required("scoring.view_record_photos")
def duty_photo(request: HttpRequest, congress_slug: str, duty_photo_id: int) -> HttpResponse:
    # Through the scope: another congress's photo is a 404.
    photo = get_object_or_404(DutyRecordPhoto.objects.select_related("record"), pk=duty_photo_id)
    membership = request.membership
    record = photo.record
    if not (
        membership_can(membership, "scoring.view_own_record", record)
        or membership_can(membership, "scoring.review_record", record)
    ):
        raise PermissionDenied
    try:
        # Stored photos are always the JPEG that clean_photo wrote.
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    except (FileNotFoundError, ValueError):
        response = HttpResponse(MISSING_PHOTO, content_type="image/svg+xml")
    # Evidence photos show people and homes: they stay out of shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
