"""The person's own account pages: password, two-step sign-in, the devices signed in."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from congress import account_services, otp
from congress.account_forms import AccountPasswordChangeForm, CodeForm, TwoStepOffForm


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Password -------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password; the first sign-in of an account staff created lands here."""

    template_name = "registration/password_change.html"
    form_class = AccountPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = self.request.user.must_change_password
        context["next"] = _next_url(self.request, "")
        return context

    def form_valid(self, form):
        form.save()
        account_services.password_changed(request=self.request, user=form.user)
        target = _next_url(self.request, "")
        if target:
            messages.success(self.request, _("Your password was changed."))
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(self.get_success_url())


# --- Two-step sign-in -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_step(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in on (scan, then confirm with a code) or off (a code or the password)."""
    user = request.user
    if not otp.otp_allowed(user):
        return render(request, "registration/two_step.html", {"not_allowed": True})
    device = otp.confirmed_device(user)
    pending = None if device else otp.pending_device(user)
    action = request.POST.get("action", "")
    code_form = CodeForm()
    off_form = TwoStepOffForm()

    if request.method == "POST":
        if action == "start" and device is None:
            account_services.otp_device_start(user=user)
            return redirect("account_two_step")
        if action == "cancel" and pending is not None:
            pending.delete()
            return redirect("account_two_step")
        if action == "confirm" and pending is not None:
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                if otp.wait_seconds(pending):
                    code_form.add_error("code", _wait_message(pending))
                elif otp.code_verify(pending, code_form.cleaned_data["code"]):
                    account_services.otp_device_confirm(request=request, device=pending)
                    messages.success(
                        request,
                        _("Two-step sign-in is on. From now on, signing in also asks for a code."),
                    )
                    return redirect("account_two_step")
                else:
                    code_form.add_error("code", WRONG_CODE)
        if action == "off" and device is not None:
            off_form = TwoStepOffForm(request.POST)
            if off_form.is_valid():
                if _off_form_proves_identity(off_form, device, user):
                    account_services.otp_devices_remove(request=request, user=user)
                    messages.success(request, _("Two-step sign-in is off."))
                    return redirect("account_two_step")
                off_form.add_error(None, _("The code or the password is wrong."))
                if otp.record_code_failure(request, user.get_username()):
                    logout(request)
                    return redirect("login")

    context = {
        "device": device,
        "pending": pending,
        "code_form": code_form,
        "off_form": off_form,
    }
    if pending is not None:
        context["qr_svg"] = otp.qr_svg_inline(pending)
        context["secret"] = otp.secret_text(pending)
    return render(request, "registration/two_step.html", context)


def _off_form_proves_identity(form: TwoStepOffForm, device, user) -> bool:
    code = form.cleaned_data.get("code")
    if code and otp.code_verify(device, code):
        return True
    password = form.cleaned_data.get("password")
    return bool(password) and user.check_password(password)


WRONG_CODE = gettext_lazy("The code is wrong or has expired. Try the current one.")


def _wait_message(device) -> str:
    seconds = otp.wait_seconds(device)
    return ngettext(
        "Too many tries. Wait %(count)d second, then enter the current code.",
        "Too many tries. Wait %(count)d seconds, then enter the current code.",
        seconds,
    ) % {"count": seconds}


@login_required
@require_http_methods(["GET", "POST"])
def two_step_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the 6-digit code after the password."""
    target = _next_url(request, reverse("root"))
    if not otp.otp_required(request):
        return HttpResponseRedirect(target)
    device = otp.confirmed_device(request.user)
    if device is None:  # turned off from another session meanwhile
        request.session.pop(otp.OTP_REQUIRED_SESSION_KEY, None)
        return HttpResponseRedirect(target)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.wait_seconds(device):
            form.add_error("code", _wait_message(device))
        elif otp.code_verify(device, form.cleaned_data["code"]):
            otp_login(request, device)
            request.session.pop(otp.OTP_FAILURES_SESSION_KEY, None)
            return HttpResponseRedirect(target)
        else:
            failures = request.session.get(otp.OTP_FAILURES_SESSION_KEY, 0) + 1
            request.session[otp.OTP_FAILURES_SESSION_KEY] = failures
            login_name = request.session.get(
                otp.LOGIN_NAME_SESSION_KEY, request.user.get_username()
            )
            locked = otp.record_code_failure(request, login_name)
            if locked or failures >= settings.AXES_FAILURE_LIMIT:
                logout(request)
                messages.error(request, _("Too many wrong codes. Please sign in again."))
                return redirect("login")
            form.add_error("code", WRONG_CODE)
    return render(
        request,
        "registration/two_step_verify.html",
        {"form": form, "next": target},
    )


# --- Sessions -------------------------------------------------------------------------------

# (pattern, label) in order: the first match names the app or browser, then the system.
BROWSERS = [
    (re.compile(r"MicroMessenger", re.I), "WeChat"),
    (re.compile(r"DingTalk", re.I), "DingTalk"),
    (re.compile(r"\bQQ/|MQQBrowser|QQBrowser", re.I), "QQ Browser"),
    (re.compile(r"UCBrowser", re.I), "UC Browser"),
    (re.compile(r"Edg/|Edge/", re.I), "Edge"),
    (re.compile(r"Firefox/", re.I), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/", re.I), "Chrome"),
    (re.compile(r"Safari/", re.I), "Safari"),
]
SYSTEMS = [
    (re.compile(r"HarmonyOS|OpenHarmony", re.I), "HarmonyOS"),
    (re.compile(r"iPhone", re.I), "iPhone"),
    (re.compile(r"iPad", re.I), "iPad"),
    (re.compile(r"Android", re.I), "Android"),
    (re.compile(r"Windows", re.I), "Windows"),
    (re.compile(r"Mac OS X|Macintosh", re.I), "Mac"),
    (re.compile(r"Linux", re.I), "Linux"),
]


def device_label(user_agent: str) -> str:
    """A short name for a browser people recognise ("WeChat · Android"), not the raw string."""
    if not user_agent:
        return _("Unknown device")
    browser = next((name for pattern, name in BROWSERS if pattern.search(user_agent)), "")
    system = next((name for pattern, name in SYSTEMS if pattern.search(user_agent)), "")
    names = {"WeChat": _("WeChat"), "DingTalk": _("DingTalk"), "QQ Browser": _("QQ Browser")}
    parts = [names.get(browser, browser), system]
    return " · ".join(part for part in parts if part) or _("Unknown device")


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """Where this account is signed in, with "sign out everywhere else"."""
    if request.method == "POST" and request.POST.get("action") == "end_others":
        count = account_services.user_sessions_end_others(request=request)
        messages.success(
            request,
            ngettext(
                "Signed out on %(count)d other device.",
                "Signed out on %(count)d other devices.",
                count,
            )
            % {"count": count},
        )
        return redirect("account_sessions")
    current_key = request.session.session_key
    rows = [
        {
            "session": session,
            "device": device_label(session.user_agent),
            "is_current": session.session_key == current_key,
        }
        for session in account_services.user_session_list_open(user=request.user)
    ]
    rows.sort(key=lambda row: not row["is_current"])
    return render(
        request,
        "registration/sessions.html",
        {"rows": rows, "others": sum(1 for row in rows if not row["is_current"])},
    )
