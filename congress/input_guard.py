"""Requests whose address, query, cookies or credentials carry a NUL character are refused with
400 before anything reads them: PostgreSQL cannot store or even compare text that holds one (it
raised a server error), and nothing a person types or a browser sends contains it. Form fields
are checked by the forms and serializers themselves (Django and DRF refuse NUL there)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.META.get("HTTP_AUTHORIZATION", ""):
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            message = _("The request contains a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
