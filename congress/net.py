"""The client's address, also behind the reverse proxies the server mode runs behind."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with LVZHI_TRUSTED_PROXIES = N, the address the N-th proxy from us saw.

    Only the entries our own proxies appended to X-Forwarded-For are trusted: anything further
    left was written by the client and could say anything.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.LVZHI_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
