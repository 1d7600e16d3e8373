"""Request plumbing: the congress scope for tenant URLs, the platform admin, the idle timeout,
and the steps that finish signing in."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_scopes import scope, scopes_disabled

from congress.account_services import user_session_touch
from congress.api_auth import authenticate_api_token
from congress.otp import otp_required
from congress.selectors import congress_get_active, membership_by_slug

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

        membership = membership_by_slug(user=user, slug=match["slug"])
        if membership is None:
            raise Http404
        congress = membership.congress
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
                if last_seen is not None:  # the sign-in itself wrote the first "last seen"
                    user_session_touch(session_key=request.session.session_key)
        return self.get_response(request)


class SignInCompletionMiddleware:
    """Until the one-time code is given and a staff-set password is changed, only the pages that
    finish signing in are open; the API answers 403 with the reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = (
                settings.STATIC_URL,
                reverse("logout"),
                reverse("health"),
                reverse("account_two_step_verify"),
            )
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        token = getattr(request, "api_token", None)
        if token is not None and not user.is_authenticated:
            user = token.user  # an API token is only issued after the one-time code
        elif user.is_authenticated and otp_required(request):
            return self._refuse(
                request,
                "account_two_step_verify",
                "otp_required",
                _("Enter the one-time code from your authenticator app first."),
                self.open_paths(),
            )
        if user.is_authenticated and user.must_change_password:
            return self._refuse(
                request,
                "password_change",
                "password_change_required",
                _("Change the initial password that was set for you first."),
                (*self.open_paths(), "/accounts/"),
            )
        return self.get_response(request)

    def _refuse(self, request, url_name, code, message, open_paths) -> HttpResponse:
        path = request.path_info
        if path.startswith(open_paths) or path == resolve_url(url_name):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": code}, status=403)
        target = resolve_url(url_name)
        if request.method == "GET" and path != "/":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect_to(request, target)


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also takes a whole-page HTMX request to the new page."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
