"""Public pages of deputies and stations, reached by QR code without signing in."""

from __future__ import annotations

import mimetypes
from functools import wraps

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from deputies.models import Deputy, DeputyStatus
from liaison import selectors
from liaison.models import LiaisonStation

# Only raster formats are streamed back: an SVG or HTML file could carry script.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
# A neutral head-and-shoulders outline, shown where a deputy has no photo.
PLACEHOLDER_PHOTO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 160">'
    b'<rect width="120" height="160" fill="#eceff1"/>'
    b'<circle cx="60" cy="62" r="26" fill="#b0bec5"/>'
    b'<path d="M14 160c0-34 20-52 46-52s46 18 46 52z" fill="#b0bec5"/></svg>'
)


def public_page(view):
    """No caching anywhere (a rotated token must stop working at once) and no search engines."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_safe(wrapped)


def _not_found(request: HttpRequest) -> HttpResponse:
    # A voter holding an old card learns that the code was replaced, in plain words, and nothing
    # about whether the token ever existed.
    return render(request, "public/not_found.html", status=404)


def _deputy_for_token(token: str) -> Deputy | None:
    # Through the scoped manager: a token of another congress under this address finds nothing.
    return Deputy.objects.filter(public_token=token).first()


@public_page
def deputy_page(request: HttpRequest, congress_slug: str, deputy_token: str) -> HttpResponse:
    deputy = _deputy_for_token(deputy_token)
    if deputy is None:
        return _not_found(request)
    serving = deputy.status == DeputyStatus.SERVING
    context = {"deputy": deputy, "serving": serving, "groups": [], "stations": []}
    if serving:
        context["groups"] = selectors.deputy_groups_for_display(deputy=deputy)
        context["stations"] = selectors.deputy_open_stations(deputy=deputy)
    return render(request, "public/deputy.html", context)


@public_page
def deputy_photo(request: HttpRequest, congress_slug: str, deputy_token: str) -> HttpResponse:
    deputy = _deputy_for_token(deputy_token)
    if deputy is None:
        return HttpResponse(status=404)
    content_type, _encoding = mimetypes.guess_type(deputy.photo.name or "")
    # A deputy who no longer serves keeps only their name on the public page.
    if deputy.status == DeputyStatus.SERVING and deputy.photo and content_type in PHOTO_TYPES:
        try:
            photo = deputy.photo.open("rb")
        except FileNotFoundError:
            pass
        else:
            return FileResponse(photo, content_type=content_type)
    # The page's <img> always points here, so a missing photo is a neutral outline, not an error.
    return HttpResponse(PLACEHOLDER_PHOTO, content_type="image/svg+xml")


@public_page
def station_page(request: HttpRequest, congress_slug: str, station_token: str) -> HttpResponse:
    station = LiaisonStation.objects.filter(public_token=station_token).first()
    if station is None:
        return _not_found(request)
    deputies = []
    if station.is_active:
        deputies = selectors.station_serving_deputies(station=station)
    return render(request, "public/station.html", {"station": station, "deputies": deputies})
