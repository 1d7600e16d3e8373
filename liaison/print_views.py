"""Printable QR cards (A6) and station posters (A4), and rotating the tokens their codes carry."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from congress.access import permission_required
from deputies.models import Deputy, DeputyStatus
from deputies.services import deputy_rotate_public_token
from liaison import qr, selectors
from liaison.models import LiaisonStation
from liaison.services import station_rotate_public_token


def _back_url(request: HttpRequest, url_name: str, **kwargs) -> str:
    kwargs["congress_slug"] = request.congress.slug
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        # The detail page belongs to another part of the project; home is always there.
        return reverse("congress:home", kwargs={"congress_slug": request.congress.slug})


def _svg_download(url: str, file_name: str) -> HttpResponse:
    response = HttpResponse(qr.qr_svg_file(url), content_type="image/svg+xml")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{file_name}.svg"
    )
    return response


@permission_required("deputies.manage_roster")
@require_safe
def deputy_card(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy.objects, pk=deputy_id)
    public_url = qr.public_url(request, "public:deputy", deputy_token=deputy.public_token)
    if request.GET.get("format") == "svg":
        name = _("QR code of deputy %(name)s") % {"name": deputy.name}
        return _svg_download(public_url, name)
    groups = selectors.deputy_groups_for_display(deputy=deputy)
    stations = selectors.deputy_open_stations(deputy=deputy)
    context = {
        "deputy": deputy,
        "serving": deputy.status == DeputyStatus.SERVING,
        "groups": groups,
        "stations": stations,
        "public_url": public_url,
        "qr_svg": qr.qr_svg_inline(public_url),
        "back_url": _back_url(request, "deputies:detail", deputy_id=deputy.pk),
        "rotate_url": reverse(
            "print:deputy_rotate", kwargs={"congress_slug": congress_slug, "deputy_id": deputy.pk}
        ),
    }
    return render(request, "print/deputy_card.html", context)


@permission_required("deputies.manage_roster")
def deputy_rotate(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    """A new token for a lost or misused card: the old code stops working at once."""
    # POST only, but the lookup comes before the method check so that another congress's id is
    # a 404 whatever the method; the permission (outermost) still comes before both.
    deputy = get_object_or_404(Deputy.objects, pk=deputy_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    deputy_rotate_public_token(actor=request.user, deputy=deputy)
    messages.success(
        request, _("The QR code was replaced. The old code stops working now: print again.")
    )
    return redirect("print:deputy_card", congress_slug=congress_slug, deputy_id=deputy.pk)


@permission_required("liaison.manage_stations")
@require_safe
def station_poster(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    station = get_object_or_404(LiaisonStation.objects, pk=station_id)
    public_url = qr.public_url(request, "public:station", station_token=station.public_token)
    if request.GET.get("format") == "svg":
        name = _("QR code of %(station)s") % {"station": station.name}
        return _svg_download(public_url, name)
    deputies = selectors.station_serving_deputies(station=station)
    context = {
        "station": station,
        "deputies": deputies,
        "public_url": public_url,
        "qr_svg": qr.qr_svg_inline(public_url),
        "back_url": _back_url(request, "liaison:station_detail", station_id=station.pk),
        "rotate_url": reverse(
            "print:station_rotate",
            kwargs={"congress_slug": congress_slug, "station_id": station.pk},
        ),
    }
    return render(request, "print/station_poster.html", context)


@permission_required("liaison.manage_stations")
def station_rotate(request: HttpRequest, congress_slug: str, station_id: int) -> HttpResponse:
    """A new token for the station's poster; POST only, checked after the lookup (see above)."""
    station = get_object_or_404(LiaisonStation.objects, pk=station_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    station_rotate_public_token(actor=request.user, station=station)
    messages.success(
        request, _("The QR code was replaced. The old code stops working now: print again.")
    )
    return redirect("print:station_poster", congress_slug=congress_slug, station_id=station.pk)
