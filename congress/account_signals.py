"""Sign-in and sign-out as the accounts pages need them: the list of sessions, the second step."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from congress.account_services import user_session_end, user_session_start
from congress.otp import (
    LOGIN_NAME_SESSION_KEY,
    OTP_FAILURES_SESSION_KEY,
    OTP_REQUIRED_SESSION_KEY,
    USERNAME_FIELD,
    confirmed_device,
)


@receiver(user_logged_in, dispatch_uid="congress.accounts.signed_in")
def signed_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    user_session_start(request=request, user=user)
    if confirmed_device(user) is not None:
        request.session[OTP_REQUIRED_SESSION_KEY] = True
        request.session[OTP_FAILURES_SESSION_KEY] = 0
        typed = request.POST.get(USERNAME_FIELD, "") if request.method == "POST" else ""
        request.session[LOGIN_NAME_SESSION_KEY] = (typed or user.get_username())[:150]


@receiver(user_logged_out, dispatch_uid="congress.accounts.signed_out")
def signed_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        user_session_end(session_key=request.session.session_key)
