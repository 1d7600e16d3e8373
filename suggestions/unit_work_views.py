"""A handling unit liaison's pages, under /c/<congress_slug>/unit-work/: the assigned
suggestions, the follow-up list, and one suggestion with the unit's actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.pages import first_error, form_error, post_only
from suggestions import unit_work_selectors as selectors
from suggestions import unit_work_services as services
from suggestions.access import suggestion_get
from suggestions.models import Suggestion
from suggestions.unit_work_forms import (
    ContactForm,
    OpinionForm,
    ReplyForm,
    ReturnForm,
    SolvedForm,
)

PAGE_SIZE = 50
PERMISSION = "suggestions.handle_suggestions"


@permission_required(PERMISSION)
def unit_work_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    show = request.GET.get("show", selectors.WAITING)
    if show not in selectors.LIST_FILTERS:
        show = selectors.WAITING
    today = timezone.localdate()
    rows = selectors.unit_work_list(membership=request.membership, show=show, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_days_left(page.object_list, today)
    context = {
        "page": page,
        "show": show,
        "filters": [
            (selectors.WAITING, _("Waiting for our reply")),
            (selectors.REPLIED, _("Replied")),
            (selectors.ALL, _("All")),
        ],
        "today": today,
    }
    template = "suggestions/unit/list.html"
    if request.htmx and request.htmx.target == "unit-work-table":
        template += "#unit-work-table"
    return render(request, template, context)


@permission_required(PERMISSION)
def unit_follow_up_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    replies = selectors.unit_follow_up_list(membership=request.membership)
    page = Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "suggestions/unit/follow_up.html", {"page": page})


def _get(request: HttpRequest, suggestion_id: int) -> Suggestion:
    # Not visible (another unit's, another congress's) is 404; visible but not handled is 403.
    suggestion = suggestion_get(request, suggestion_id)
    require(request, "suggestions.handle_suggestion", suggestion)
    return suggestion


def _forms(request: HttpRequest, suggestion: Suggestion, bound: dict | None = None) -> dict:
    """The page's forms, showing the current version; the one that was posted keeps its input."""
    version = {"version": suggestion.version}
    forms = {
        "return_form": ReturnForm(initial=version),
        "opinion_form": OpinionForm(initial=version),
        "contact_form": ContactForm(),
        "reply_form": ReplyForm(initial=version, congress=request.congress),
        "solved_form": SolvedForm(initial={**version, "solved_on": timezone.localdate()}),
    }
    forms.update(bound or {})
    return forms


def _detail(
    request: HttpRequest, suggestion: Suggestion, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    detail = selectors.unit_work_detail(membership=request.membership, suggestion=suggestion)
    today = timezone.localdate()
    returnable = detail.returnable(today)
    shown = {
        "return_form": bool(returnable),
        "opinion_form": suggestion.is_handling and bool(detail.co_assignments),
        "contact_form": True,
        "reply_form": detail.can_reply,
        "solved_form": detail.open_follow_up is not None,
    }
    # A refusal on a form the page no longer shows (the item changed meanwhile) goes on top.
    hidden_errors = [
        first_error(form) for name, form in (bound or {}).items() if not shown[name] and form.errors
    ]
    context = {
        "suggestion": suggestion,
        "detail": detail,
        "returnable": returnable,
        "hidden_errors": hidden_errors,
        "reply_classes": request.congress.reply_classes,
        "follow_up_class": request.congress.follow_up_reply_class,
        "today": today,
        **_forms(request, suggestion, bound),
    }
    return render(request, "suggestions/unit/detail.html", context, status=status)


@permission_required(PERMISSION)
def unit_work_detail(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _detail(request, _get(request, suggestion_id))


def _act(request, suggestion_id, form_class, form_name, action, done, **form_options):
    """Shared by the actions: validate the form, call the service, go back to the page with a
    message, or show the page again with the form's input and the error (status 400)."""
    suggestion = _get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    form = form_class(request.POST, request.FILES, **form_options)
    if form.is_valid():
        try:
            action(suggestion, form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, done)
            return redirect(
                "unit_work:detail",
                congress_slug=suggestion.congress.slug,
                suggestion_id=suggestion.pk,
            )
    # Show what is true now (another person may have acted), with the posted form as it was.
    suggestion.refresh_from_db()
    return _detail(request, suggestion, {form_name: form}, status=400)


@permission_required(PERMISSION)
def unit_work_return(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    def action(suggestion, data):
        services.suggestion_unit_return(
            actor=request.user,
            suggestion=suggestion,
            reason=data["reason"],
            expected_version=data.get("version"),
            assignment_id=data.get("assignment"),
        )

    response = _act(
        request,
        suggestion_id,
        ReturnForm,
        "return_form",
        action,
        _("The suggestion was returned; the committee staff will reassign it."),
    )
    if response.status_code == 302:
        # Returned: the suggestion is no longer ours to see, so go back to the list.
        return redirect("unit_work:list", congress_slug=congress_slug)
    return response


@permission_required(PERMISSION)
def unit_work_opinion(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    def action(suggestion, data):
        services.suggestion_co_opinion(
            actor=request.user,
            suggestion=suggestion,
            opinion=data["opinion"],
            expected_version=data.get("version"),
            assignment_id=data.get("assignment"),
        )

    return _act(
        request,
        suggestion_id,
        OpinionForm,
        "opinion_form",
        action,
        _("Your opinion was sent to the lead unit."),
    )


@permission_required(PERMISSION)
def unit_work_contact(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    def action(suggestion, data):
        services.contact_log_add(actor=request.user, suggestion=suggestion, **data)

    return _act(
        request,
        suggestion_id,
        ContactForm,
        "contact_form",
        action,
        _("The contact with the deputy was recorded."),
    )


@permission_required(PERMISSION)
def unit_work_reply(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    def action(suggestion, data):
        services.suggestion_reply(
            actor=request.user,
            suggestion=suggestion,
            reply_class=data["reply_class"],
            text=data["text"],
            letter=data["letter"],
            expected_version=data.get("version"),
        )

    return _act(
        request,
        suggestion_id,
        ReplyForm,
        "reply_form",
        action,
        _("The reply was sent; the deputies are asked to rate it."),
        congress=request.congress,
    )


@permission_required(PERMISSION)
def unit_work_solved(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    def action(suggestion, data):
        services.suggestion_report_solved(
            actor=request.user,
            suggestion=suggestion,
            solved_on=data["solved_on"],
            note=data["note"],
            expected_version=data.get("version"),
        )

    return _act(
        request,
        suggestion_id,
        SolvedForm,
        "solved_form",
        action,
        _("Reported solved: the suggestion has left the follow-up list."),
    )
