"""Voter message pages for members, under /c/<congress_slug>/messages/.

Staff get a dense, filterable list; a deputy gets their own messages in large type, newest
first, with the answer form on the message's page. Every action is a small POST form.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.models import Role
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from liaison import message_selectors as selectors
from liaison import message_services as services
from liaison.message_forms import (
    AnswerForm,
    EraseForm,
    ForwardForm,
    MessageFilterForm,
    NoteForm,
    VisitForm,
)
from liaison.models import OPEN_STATUSES, MessageStatus, VoterMessage, VoterMessagePhoto
from reports.listing import export_query

PAGE_SIZE = 50
DEPUTY_PAGE_SIZE = 20
# Only raster formats are streamed back: an SVG or HTML file could carry script.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
# Shown in place of a photo whose file is gone, so a page's <img> never breaks.
MISSING_PHOTO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 120">'
    b'<rect width="160" height="120" fill="#eceff1"/>'
    b'<path d="M40 90l30-36 22 26 14-16 24 26z" fill="#b0bec5"/></svg>'
)


def message_get(request: HttpRequest, message_id: int) -> VoterMessage:
    """A message the member may read: another congress's id is 404, one they do not reach 403."""
    message = get_object_or_404(
        VoterMessage.objects.select_related(
            "congress",
            "deputy",
            "station",
            "forwarded_to_deputy",
            "forwarded_to_unit",
            "answered_by",
            "registered_by",
        ),
        pk=message_id,
    )
    require(request, "liaison.view_message", message)
    return message


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{target}"
    return template


# Lists -------------------------------------------------------------------------------------


@permission_required("liaison.view_messages")
def message_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    return _list(request, preset={})


@permission_required("liaison.view_messages")
def message_overdue(request: HttpRequest, congress_slug: str) -> HttpResponse:
    """The overdue list: the main list with "overdue only" ticked."""
    return _list(request, preset={"overdue": "on"}, overdue_view=True)


def _list(request: HttpRequest, *, preset: dict, overdue_view: bool = False) -> HttpResponse:
    membership = request.membership
    if membership.role == Role.DEPUTY:
        return _deputy_list(request, overdue_view=overdue_view)
    data = request.GET.copy()
    for name, value in preset.items():
        data.setdefault(name, value)
    form = MessageFilterForm(data, membership=membership)
    filters = form.filters()
    page = Paginator(
        selectors.message_list(membership=membership, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    counts = selectors.status_counts(membership=membership)
    context = {
        "page": page,
        "form": form,
        "counts": counts,
        "status_cards": [(value, label, counts[value]) for value, label in MessageStatus.choices],
        "overdue_view": overdue_view,
        "can_register": membership_can(membership, "liaison.register_visits"),
        "can_export": membership_can(membership, "liaison.export_messages"),
        # The overdue list is the main list with "overdue only": its export says so too.
        "export_query": export_query(request, **preset),
    }
    template = _fragment(request, "liaison/messages/list.html", "message-table")
    return render(request, template, context)


def _deputy_list(request: HttpRequest, *, overdue_view: bool) -> HttpResponse:
    """The deputy's phone list: their messages, the newest first."""
    waiting = overdue_view or request.GET.get("show") == "open"
    queryset = selectors.deputy_message_list(membership=request.membership, open_only=waiting)
    if overdue_view:
        queryset = queryset.filter(overdue=True)
    page = Paginator(queryset, DEPUTY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "waiting": waiting,
        "overdue_view": overdue_view,
        "counts": selectors.status_counts(membership=request.membership),
    }
    return render(request, "liaison/messages/deputy_list.html", context)


# One message -------------------------------------------------------------------------------


@permission_required("liaison.view_messages")
def message_detail(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    return _detail(request, message_get(request, message_id))


def _detail(request: HttpRequest, message: VoterMessage, *, status: int = 200, **forms):
    membership = request.membership
    can_handle = membership_can(membership, "liaison.handle_message", message)
    can_answer = membership_can(membership, "liaison.answer_message", message)
    state = message.status
    actions = {
        "can_forward": can_handle and state == MessageStatus.REGISTERED,
        "can_start": can_answer and state == MessageStatus.FORWARDED,
        "can_answer": can_answer and state in OPEN_STATUSES,
        "can_close": can_handle and state == MessageStatus.ANSWERED,
    }
    # A form that came back (refused, or with errors) stays on the page with what was typed,
    # even when the message has meanwhile moved on.
    for action, name in (
        ("can_forward", "forward_form"),
        ("can_start", "start_form"),
        ("can_answer", "answer_form"),
        ("can_close", "close_form"),
    ):
        if name in forms:
            actions[action] = True
    if actions["can_forward"] and "forward_form" not in forms:
        forms["forward_form"] = ForwardForm(membership=membership, auto_id="forward_%s")
    forms.setdefault("answer_form", AnswerForm())
    forms.setdefault("start_form", NoteForm(auto_id="start_%s"))
    forms.setdefault("close_form", NoteForm(auto_id="close_%s"))
    context = {
        "message": message,
        "overdue": message.is_overdue(),
        "answered_in_time": selectors.answered_in_time(message),
        "shows_contact": selectors.shows_voter_contact(membership=membership, message=message),
        # The code lets its holder rate the answer: only the staff who hand it out see it.
        "shows_code": membership_can(membership, "liaison.register_visits"),
        "events": selectors.message_timeline(message=message),
        "photos": selectors.message_photos(message=message),
        "is_deputy": membership.role == Role.DEPUTY,
        "can_erase": membership_can(membership, "liaison.erase_message_data", message),
        **actions,
        **forms,
    }
    return render(request, "liaison/messages/detail.html", context, status=status)


@permission_required("liaison.view_messages")
def message_photo(
    request: HttpRequest, congress_slug: str, message_id: int, photo_id: int
) -> HttpResponse:
    """A message's photo, streamed to those who may read the message (never a public URL)."""
    message = message_get(request, message_id)
    photo = get_object_or_404(VoterMessagePhoto.objects.filter(message=message), pk=photo_id)
    content_type, _encoding = mimetypes.guess_type(photo.image.name or "")
    response: HttpResponse
    if content_type in PHOTO_TYPES:
        try:
            response = FileResponse(photo.image.open("rb"), content_type=content_type)
        except (FileNotFoundError, ValueError):
            response = HttpResponse(MISSING_PHOTO, content_type="image/svg+xml")
    else:
        response = HttpResponse(MISSING_PHOTO, content_type="image/svg+xml")
    # A voter's photo stays out of shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _done(request: HttpRequest, message: VoterMessage, text: str) -> HttpResponse:
    flash.success(request, text)
    return redirect("messages:detail", congress_slug=message.congress.slug, message_id=message.pk)


@permission_required("liaison.handle_messages")
def message_forward(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    message = message_get(request, message_id)
    if refused := post_only(request):
        return refused
    require(request, "liaison.handle_message", message)
    form = ForwardForm(request.POST, membership=request.membership, auto_id="forward_%s")
    if form.is_valid():
        try:
            services.voter_message_forward(actor=request.user, message=message, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(request, message, _("The message was forwarded."))
    return _detail(request, message, forward_form=form, status=400)


@permission_required("liaison.view_messages")
def message_start(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    message = message_get(request, message_id)
    if refused := post_only(request):
        return refused
    require(request, "liaison.answer_message", message)
    form = NoteForm(request.POST, auto_id="start_%s")
    if form.is_valid():
        try:
            services.voter_message_start_handling(
                actor=request.user, message=message, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(request, message, _("The message is marked as being handled."))
    return _detail(request, message, start_form=form, status=400)


@permission_required("liaison.view_messages")
def message_answer(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    message = message_get(request, message_id)
    if refused := post_only(request):
        return refused
    require(request, "liaison.answer_message", message)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.voter_message_answer(
                actor=request.user, message=message, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(
                request,
                message,
                _("Your answer was sent. The voter reads it with the tracking code."),
            )
    # The answer typed so far comes back in the form, whatever went wrong.
    return _detail(request, message, answer_form=form, status=400)


@permission_required("liaison.handle_messages")
def message_close(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    message = message_get(request, message_id)
    if refused := post_only(request):
        return refused
    require(request, "liaison.handle_message", message)
    form = NoteForm(request.POST, auto_id="close_%s")
    if form.is_valid():
        try:
            services.voter_message_close(
                actor=request.user, message=message, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(request, message, _("The message was closed."))
    return _detail(request, message, close_form=form, status=400)


@permission_required("liaison.handle_messages")
def message_erase(request: HttpRequest, congress_slug: str, message_id: int) -> HttpResponse:
    """Erase a voter's personal data on their request: a confirmation page with the reason."""
    message = message_get(request, message_id)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    require(request, "liaison.erase_message_data", message)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            erased = services.voter_message_erase(
                actor=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                same_voter=form.cleaned_data["same_voter"],
                request=request,
            )
        except DomainError as error:
            form_error(form, error)
        else:
            text = ngettext(
                "The voter's personal data was erased from %(count)s message.",
                "The voter's personal data was erased from %(count)s messages.",
                len(erased),
            ) % {"count": len(erased)}
            return _done(request, message, text)
    same_voter = services.messages_from_same_voter(
        membership=request.membership, message=message
    ).count()
    context = {"message": message, "form": form, "same_voter_count": same_voter}
    status = 400 if form.errors else 200
    return render(request, "liaison/messages/erase.html", context, status=status)


# Walk-in visits ----------------------------------------------------------------------------


@permission_required("liaison.register_visits")
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    membership = request.membership
    form = VisitForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        membership=membership,
    )
    if request.method == "GET":
        stations = list(form.fields["station"].queryset[:2])
        if len(stations) == 1:
            form.initial["station"] = stations[0].pk
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            message = services.voter_message_register_visit(
                actor=request.user, congress=request.congress, **data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if message.status == MessageStatus.CLOSED:
                text = _("The visit was registered and closed with the answer given on the spot.")
            else:
                text = _("The visit was registered. Tracking code: %(code)s") % {
                    "code": message.tracking_code
                }
            return _done(request, message, text)
    status = 400 if form.errors else 200
    return render(request, "liaison/messages/visit_form.html", {"form": form}, status=status)
