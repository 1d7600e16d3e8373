"""Public pages where a voter sends a message, keeps its tracking code, and follows it up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from congress.calendar import add_working_days
from congress.errors import DomainError
from congress.images import MAX_UPLOAD_BYTES
from congress.net import client_address
from deputies.models import Deputy, DeputyStatus
from liaison import captcha, intake
from liaison.intake_forms import PHOTO_FIELDS, RatingForm, TrackingCodeForm, VoterMessageForm
from liaison.models import (
    OPEN_STATUSES,
    LiaisonStation,
    MessageStatus,
    VoterMessage,
    new_tracking_code,
)
from liaison.public_views import public_page

DEVICE_COOKIE = "lvzhi_device"
DEVICE_COOKIE_SECONDS = 2 * 365 * 24 * 60 * 60
DEVICE_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9]{32}$")
# Three photos at the per-photo limit, plus the text fields and the multipart framing.
MAX_BODY_BYTES = intake.MAX_PHOTOS * MAX_UPLOAD_BYTES + 256 * 1024
# Past this the body is not read at all: no phone sends that much through this form.
REFUSE_UNREAD_BYTES = 64 * 1024 * 1024
SENT_SALT = "lvzhi.voter-message-sent"
# The confirmation page can be reloaded for a week; the tracking page works for ever.
SENT_MAX_AGE_SECONDS = 7 * 24 * 60 * 60


# The steps a voter sees, in the words of the issue: 已收到 / 已转交 / 办理中 / 已答复 / 已办结.
def _voter_steps():
    return [
        (MessageStatus.REGISTERED, _("Received")),
        (MessageStatus.FORWARDED, _("Passed on")),
        (MessageStatus.HANDLED, _("Being dealt with")),
        (MessageStatus.ANSWERED, _("Answered")),
        (MessageStatus.CLOSED, _("Completed")),
    ]


def public_form(view):
    """A public page that also takes a POST: never cached, never indexed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_http_methods(["GET", "HEAD", "POST"])(wrapped)


# --- Devices ----------------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return client_address(request)


def _device_cookie(request: HttpRequest) -> tuple[str, bool]:
    """The phone's long-lived random cookie, and whether it is new (to be set on the response)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if DEVICE_COOKIE_VALUE.match(value):
        return value, False
    return get_random_string(32), True


def _device(request: HttpRequest, cookie: str) -> str:
    return intake.device_hash(
        address=_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        cookie=cookie,
    )


def _keep_device_cookie(response: HttpResponse, cookie: str, is_new: bool) -> HttpResponse:
    if is_new:
        response.set_cookie(
            DEVICE_COOKIE,
            cookie,
            max_age=DEVICE_COOKIE_SECONDS,
            path="/p/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


# --- The message form -------------------------------------------------------------------------


class _DiscardFiles(FileUploadHandler):
    """Reads the text fields of an oversized form and lets every file go by unsaved."""

    def new_file(self, *args, **kwargs):
        raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return REFUSE_UNREAD_BYTES + 1


# The form views are csrf_exempt only so that the middleware does not read (and spool) the body
# before the upload handlers are chosen; this checks the token afterwards, as it would have.
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


@dataclass(frozen=True)
class Recipient:
    """The deputy or the station whose QR page the voter came from."""

    deputy: Deputy | None = None
    station: LiaisonStation | None = None

    @property
    def kind(self) -> str:
        return "deputy" if self.deputy is not None else "station"

    @property
    def key(self) -> str:
        return f"{self.kind}:{(self.deputy or self.station).pk}"

    @property
    def receives_messages(self) -> bool:
        if self.deputy is not None:
            return self.deputy.status == DeputyStatus.SERVING
        return self.station.is_active

    def url(self, request: HttpRequest, name: str) -> str:
        """public:<kind>_<name> (or public:<kind> for the page itself) for this recipient."""
        url_name = f"public:{self.kind}_{name}" if name else f"public:{self.kind}"
        if self.deputy is not None:
            token = {"deputy_token": self.deputy.public_token}
        else:
            token = {"station_token": self.station.public_token}
        return reverse(url_name, kwargs={"congress_slug": request.congress.slug, **token})


def _recipient(deputy_token: str | None = None, station_token: str | None = None):
    # Through the scoped managers: a token of another congress under this address finds nothing.
    if deputy_token is not None:
        deputy = Deputy.objects.filter(public_token=deputy_token).first()
        return Recipient(deputy=deputy) if deputy is not None else None
    station = LiaisonStation.objects.filter(public_token=station_token).first()
    return Recipient(station=station) if station is not None else None


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "public/not_found.html", status=404)


@csrf_exempt  # checked in _message_page, once the upload handlers are chosen
@public_form
def message_form(
    request: HttpRequest,
    congress_slug: str,
    deputy_token: str | None = None,
    station_token: str | None = None,
) -> HttpResponse:
    recipient = _recipient(deputy_token, station_token)
    if recipient is None:
        return _not_found(request)
    if not recipient.receives_messages:
        # The deputy's or station's page explains, in plain words, where to go instead.
        return redirect(recipient.url(request, ""))
    return _message_page(request, recipient)


def _message_page(request: HttpRequest, recipient: Recipient) -> HttpResponse:
    congress = request.congress
    deputy, station = recipient.deputy, recipient.station
    cookie, new_cookie = _device_cookie(request)
    device = _device(request, cookie)
    status = 200
    photos_lost = False
    if request.method != "POST":
        form = VoterMessageForm(congress_id=congress.pk)
    else:
        length = _content_length(request)
        if length > REFUSE_UNREAD_BYTES:
            # Not read, so nothing to give back; no phone sends this much through the form.
            form = VoterMessageForm(data={}, congress_id=congress.pk)
            form.full_clean()
            form.errors.clear()
            form.add_error(
                None, _("What you sent is far too large. Please try again with fewer photos.")
            )
            response = _render_form(request, form, recipient, device, photos_lost, 413)
            return _keep_device_cookie(response, cookie, new_cookie)
        too_large = length > MAX_BODY_BYTES
        if too_large:
            # Read the text so that nothing typed is lost, but let the photos go by unsaved.
            request.upload_handlers = [_DiscardFiles()]
        refusal = _csrf.process_view(request, None, (), {})
        if refusal is not None:
            return refusal
        form = VoterMessageForm(
            request.POST,
            request.FILES,
            congress_id=congress.pk,
            captcha_required=intake.captcha_required(
                device=device, deputy=deputy, station=station, unknown_device=new_cookie
            ),
        )
        if form.is_robot():
            # A robot filled the hidden field: it is told "sent", and nothing is kept.
            response = _sent_redirect(
                request, recipient, code=new_tracking_code(), due_on=_due_on(request)
            )
            return _keep_device_cookie(response, cookie, new_cookie)
        photos_lost = too_large or any(name in request.FILES for name in PHOTO_FIELDS)
        if too_large:
            form.is_valid()
            form.add_error(
                None,
                _(
                    "The photos together are larger than %(size)d MB. Please choose smaller or "
                    "fewer photos."
                )
                % {"size": MAX_BODY_BYTES // (1024 * 1024)},
            )
            status = 413
        elif "new_question" in request.POST:
            # "Another sum, please": a new picture, everything typed kept, and no complaints
            # about fields the voter has not finished yet.
            form = VoterMessageForm(request.POST, congress_id=congress.pk)
            form._errors = ErrorDict()
        elif form.is_valid():
            try:
                message = intake.voter_message_submit(
                    congress=congress,
                    deputy=deputy,
                    station=station,
                    topic=form.cleaned_data["topic"],
                    text=form.cleaned_data["text"],
                    voter_name=form.cleaned_data["voter_name"],
                    voter_phone=form.cleaned_data["voter_phone"],
                    photos=form.photos(),
                    device=device,
                    network=intake.network_hash(address=_address(request)),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 429 if error.code == "rate_limited" else 200
            else:
                response = _sent_redirect(
                    request, recipient, code=message.tracking_code, due_on=message.due_on
                )
                return _keep_device_cookie(response, cookie, new_cookie)
    unknown_device = request.method == "POST" and new_cookie
    response = _render_form(
        request, form, recipient, device, photos_lost, status, unknown_device=unknown_device
    )
    return _keep_device_cookie(response, cookie, new_cookie)


def _render_form(
    request, form, recipient: Recipient, device, photos_lost, status, *, unknown_device=False
) -> HttpResponse:
    congress = request.congress
    challenge = None
    if intake.captcha_required(
        device=device,
        deputy=recipient.deputy,
        station=recipient.station,
        unknown_device=unknown_device,
    ):
        challenge = captcha.captcha_new(congress_id=congress.pk)
    if form.is_bound:
        # An answer belongs to the picture it solved; a new picture starts with an empty box.
        form.data = form.data.copy()
        form.data["captcha_answer"] = ""
        form.data["captcha_id"] = challenge or ""
    else:
        form.initial["captcha_id"] = challenge or ""
    context = {
        "form": form,
        "deputy": recipient.deputy,
        "station": recipient.station,
        "challenge": challenge,
        "captcha_url": recipient.url(request, "captcha"),
        "back_url": recipient.url(request, ""),
        "photos_lost": photos_lost and form.is_bound,
        "photo_fields": [form[name] for name in PHOTO_FIELDS],
        "reply_days": congress.voter_message_reply_working_days,
        "max_photo_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "public/message_form.html", context, status=status)


def _due_on(request: HttpRequest) -> date:
    return add_working_days(timezone.localdate(), request.congress.voter_message_reply_working_days)


def _sent_redirect(request, recipient: Recipient, *, code: str, due_on: date) -> HttpResponse:
    # Post/redirect/get: a reload of the confirmation sends nothing twice. The signed ticket
    # carries what the page shows, so a robot's pretend "success" looks exactly like a real one.
    ticket = signing.dumps(
        {"k": request.congress.pk, "r": recipient.key, "c": code, "d": due_on.isoformat()},
        salt=SENT_SALT,
    )
    return redirect(f"{recipient.url(request, 'message_sent')}?t={ticket}")


@public_page
def message_sent(
    request: HttpRequest,
    congress_slug: str,
    deputy_token: str | None = None,
    station_token: str | None = None,
) -> HttpResponse:
    recipient = _recipient(deputy_token, station_token)
    if recipient is None:
        return _not_found(request)
    sent = None
    try:
        ticket = signing.loads(
            request.GET.get("t", ""), salt=SENT_SALT, max_age=SENT_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        ticket = None
    if (
        isinstance(ticket, dict)
        and ticket.get("k") == request.congress.pk
        and ticket.get("r") == recipient.key
    ):
        try:
            sent = {"code": str(ticket["c"]), "due_on": date.fromisoformat(ticket["d"])}
        except (KeyError, TypeError, ValueError):
            sent = None
    context = {
        "sent": sent,
        "deputy": recipient.deputy,
        "station": recipient.station,
        "track_lookup_url": recipient.url(request, "track"),
    }
    return render(request, "public/message_sent.html", context)


@public_page
def captcha_image(
    request: HttpRequest,
    congress_slug: str,
    deputy_token: str | None = None,
    station_token: str | None = None,
) -> HttpResponse:
    if _recipient(deputy_token, station_token) is None:
        return HttpResponse(status=404)
    question = captcha.captcha_question(request.GET.get("c"), congress_id=request.congress.pk)
    return HttpResponse(captcha.captcha_image(question), content_type="image/png")


# --- Tracking ---------------------------------------------------------------------------------


def _lookup_identity(request: HttpRequest) -> tuple[str, str]:
    cookie = request.COOKIES.get(DEVICE_COOKIE, "")
    if not DEVICE_COOKIE_VALUE.match(cookie):
        cookie = ""
    return _device(request, cookie), intake.network_hash(address=_address(request))


def _lookup_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "public/track_lookup.html", context, status=status)


@public_form
def track_lookup(
    request: HttpRequest,
    congress_slug: str,
    deputy_token: str | None = None,
    station_token: str | None = None,
) -> HttpResponse:
    """Where a voter types the code, reached from the deputy's or the station's page."""
    recipient = _recipient(deputy_token, station_token)
    if recipient is None:
        return _not_found(request)
    context = {"back_url": recipient.url(request, ""), "lookup": True}
    if request.method != "POST":
        return _lookup_page(request, {**context, "form": TrackingCodeForm()})
    device, network = _lookup_identity(request)
    if intake.lookup_blocked(device=device, network=network):
        return _lookup_page(request, {**context, "blocked": True}, status=429)
    form = TrackingCodeForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if VoterMessage.objects.filter(tracking_code=code).exists():
            return redirect("public:track_message", congress_slug=congress_slug, tracking_code=code)
        intake.lookup_failed(device=device, network=network)
        form.add_error(
            "code",
            _(
                "We could not find this code. Please check it letter by letter; the code has "
                "no letter O or I and no digit 0 or 1."
            ),
        )
    return _lookup_page(request, {**context, "form": form})


@public_form
def track_message(request: HttpRequest, congress_slug: str, tracking_code: str) -> HttpResponse:
    device, network = _lookup_identity(request)
    if intake.lookup_blocked(device=device, network=network):
        return _lookup_page(request, {"blocked": True}, status=429)
    # Through the scoped manager: another congress's code under this address finds nothing.
    message = (
        VoterMessage.objects.filter(tracking_code=tracking_code.upper())
        .select_related("deputy", "station")
        .first()
    )
    if message is None:
        intake.lookup_failed(device=device, network=network)
        return _lookup_page(request, {"not_found": True}, status=404)
    rating_form = RatingForm()
    if request.method == "POST":
        rating_form = RatingForm(request.POST)
        if rating_form.is_valid():
            try:
                intake.voter_message_rate(
                    message=message,
                    satisfaction=rating_form.cleaned_data["satisfaction"],
                    feedback=rating_form.cleaned_data["feedback"],
                )
            except DomainError as error:
                field = error.field if error.field in rating_form.fields else None
                rating_form.add_error(field, error.message)
            else:
                return redirect(
                    "public:track_message",
                    congress_slug=congress_slug,
                    tracking_code=message.tracking_code,
                )
        message.refresh_from_db()
    return render(request, "public/track.html", _track_context(message, rating_form))


def _track_context(message: VoterMessage, rating_form: RatingForm) -> dict:
    order = [status for status, _label in _voter_steps()]
    current = order.index(message.status)
    # Steps the message went through; one answered straight away never was "passed on", and
    # the voter is not told that it was.
    passed = set(message.events.values_list("to_status", flat=True))
    passed |= {MessageStatus.REGISTERED, message.status}
    if message.forward_target:
        passed.add(MessageStatus.FORWARDED)
    if message.answered_at:
        passed.add(MessageStatus.ANSWERED)
    steps = []
    for index, (status, label) in enumerate(_voter_steps()):
        if index < current and status not in passed:
            continue
        state = "done" if index < current else "current" if index == current else "todo"
        steps.append({"label": label, "state": state})
    has_answer = message.status in (MessageStatus.ANSWERED, MessageStatus.CLOSED) and bool(
        message.answer
    )
    return {
        "message": message,
        "code": message.tracking_code,
        "steps": steps,
        "status_label": dict(_voter_steps())[message.status],
        "is_open": message.status in OPEN_STATUSES,
        "is_overdue": message.is_overdue(),
        "has_answer": has_answer,
        "can_rate": message.status == MessageStatus.ANSWERED and not message.satisfaction,
        "rating_form": rating_form,
        "photo_count": message.photos.count(),
    }
