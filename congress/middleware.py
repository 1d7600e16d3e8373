"""Request plumbing: the congress scope for tenant URLs, the platform admin, the idle timeout."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from congress.api_auth import authenticate_api_token
from congress.selectors import congress_get_active, membership_for

# /c/<slug>/ signed-in pages, /api/v1/c/<slug>/ the API, /p/<slug>/ public (QR) pages.
TENANT_PATH = re.compile(r"^/(?P<api>api/v1/)?(?P<area>[cp])/(?P<slug>[-a-zA-Z0-9_]+)/")

IDLE_SESSION_KEY = "last_seen"
# Writing the session on every request would cost a write per page; a minute's slack is enough.
IDLE_TOUCH_INTERVAL_SECONDS = 60


class CongressMiddleware:
    """Resolve the congress from the URL, check membership, and scope the whole request to it.

    Outsiders get 404 whether or not the congress exists, so nothing leaks about other tenants.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.congress = None
        request.membership = None
        match = TENANT_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)
        is_api = bool(match["api"])
        if match["area"] == "p":
            if is_api:
                raise Http404
            congress = congress_get_active(slug=match["slug"])
            if congress is None:
                raise Http404
            request.congress = congress
            with scope(congress=congress):
                return self.get_response(request)

        user = request.user
        if is_api and not user.is_authenticated:
            token_user = authenticate_api_token(request)
            if token_user is not None:
                user = token_user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse(
                    {"detail": _("Authentication credentials were not provided.")}, status=401
                )
            return redirect_to_login(request.get_full_path())

        congress = congress_get_active(slug=match["slug"])
        membership = membership_for(user=user, congress=congress) if congress else None
        if membership is None:
            raise Http404
        request.congress = congress
        request.membership = membership
        with scope(congress=congress):
            return self.get_response(request)


class PlatformAdminScopeMiddleware:
    """The Django admin is the platform superusers' tool and is not scope-aware.

    Scopes are disabled for it only, and only for active superusers (the admin site refuses
    everyone else anyway).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.prefix) and request.user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_TIMEOUT without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(IDLE_SESSION_KEY)
            limit = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                if TENANT_PATH.match(request.path_info) and request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Please sign in.")
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen > IDLE_TOUCH_INTERVAL_SECONDS:
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)
