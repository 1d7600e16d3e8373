"""Token authentication for API clients, shared by the congress middleware and DRF."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token


def authenticate_api_token(request: HttpRequest):
    """The active user behind an `Authorization: Token <key>` header, or None.

    The middleware needs the user before DRF runs, to check membership and open the scope;
    the result is kept on the request so DRF does not look the token up again.
    """
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"token":
        return None
    try:
        key = header[1].decode()
    except UnicodeError:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    request.api_token = token
    return token.user


class CongressTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        token = getattr(request._request, "api_token", None)
        if token is not None:
            return (token.user, token)
        return super().authenticate(request)
