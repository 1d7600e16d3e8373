"""The committee staff's suggestion pages: the supervision list, a suggestion's full record and
the small POST forms of acceptance, returning, letters, merging, key supervision and closing.

Leaders see the list and the record; only staff act.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from suggestions import lifecycle
from suggestions import office_selectors as selectors
from suggestions import office_services as services
from suggestions.access import suggestion_get
from suggestions.models import Suggestion, SuggestionStatus
from suggestions.office_forms import (
    KeyForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    SuggestionFilterForm,
    SupervisionForm,
)

PAGE_SIZE = 50
BROWSE = "suggestions.browse_suggestions"
PROCESS = "suggestions.process_suggestions"


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{target}"
    return template


@permission_required(BROWSE)
def suggestion_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    membership = request.membership
    today = timezone.localdate()
    choices = selectors.filter_choices()
    form = SuggestionFilterForm(request.GET, choices=choices)
    filters = form.filters()
    queryset = selectors.suggestion_list(membership=membership, filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.decorate_rows(page.object_list, today)
    context = {
        "page": page,
        "form": form,
        "filters": filters,
        "counts": selectors.supervision_counts(membership=membership, today=today),
        "due_soon_days": selectors.DUE_SOON_DAYS,
        "can_process": membership_can(membership, PROCESS),
    }
    return render(
        request, _fragment(request, "suggestions/office/list.html", "suggestion-table"), context
    )


# One suggestion ------------------------------------------------------------------------------

FORMS = {
    "accept_form": lambda suggestion: NoteForm(suggestion=suggestion, auto_id="accept_%s"),
    "return_form": lambda suggestion: ReasonForm(suggestion=suggestion, auto_id="return_%s"),
    "letter_form": lambda suggestion: ReasonForm(suggestion=suggestion, auto_id="letter_%s"),
    "merge_form": lambda suggestion: MergeForm(suggestion=suggestion, auto_id="merge_%s"),
    "unmerge_form": lambda suggestion: NoteForm(suggestion=suggestion, auto_id="unmerge_%s"),
    "key_form": lambda suggestion: KeyForm(suggestion=suggestion, auto_id="key_%s"),
    "unkey_form": lambda suggestion: NoteForm(suggestion=suggestion, auto_id="unkey_%s"),
    "supervision_form": lambda suggestion: SupervisionForm(
        suggestion=suggestion, auto_id="supervision_%s"
    ),
    "close_form": lambda suggestion: NoteForm(suggestion=suggestion, auto_id="close_%s"),
}


def _actions(request: HttpRequest, suggestion: Suggestion, record: dict) -> dict[str, bool]:
    """Which action forms the page shows: to staff only, and only when the status allows."""
    if not membership_can(request.membership, PROCESS):
        return {name: False for name in FORMS}
    status = suggestion.status
    submitted = status == SuggestionStatus.SUBMITTED
    accepted = status == SuggestionStatus.ACCEPTED
    return {
        "accept_form": submitted,
        "return_form": submitted,
        "letter_form": submitted,
        "merge_form": accepted and suggestion.merged_into_id is None and not record["followers"],
        "unmerge_form": accepted and suggestion.merged_into_id is not None,
        "key_form": status in services.KEY_STATUSES,
        "unkey_form": suggestion.is_key,
        "supervision_form": status not in (SuggestionStatus.DRAFT, SuggestionStatus.WITHDRAWN),
        "close_form": status == SuggestionStatus.REPLIED,
    }


def _detail(
    request: HttpRequest, suggestion: Suggestion, *, status: int = 200, **forms
) -> HttpResponse:
    record = selectors.suggestion_record(suggestion=suggestion)
    shown = _actions(request, suggestion, record)
    # A form that came back (refused, or with errors) stays on the page with what was typed,
    # even when the suggestion has meanwhile moved on.
    for name in forms:
        shown[name] = True
    for name, make in FORMS.items():
        if shown[name] and name not in forms:
            forms[name] = make(suggestion)
    today = timezone.localdate()
    can_process = membership_can(request.membership, PROCESS)
    close_from = services.unrated_close_from(suggestion)
    context = {
        "suggestion": suggestion,
        "deadline": selectors.deadline(suggestion, today),
        "series_label": lifecycle.series_label(suggestion) if suggestion.number else "",
        "can_process": can_process,
        "can_assign": can_process
        and suggestion.status == SuggestionStatus.ACCEPTED
        and suggestion.merged_into_id is None,
        "close_from": close_from,
        "close_too_early": close_from is not None and today < close_from,
        "shown": shown,
        "reply_class_names": {
            item["code"]: item["name"] for item in request.congress.reply_classes
        },
        **record,
        **forms,
    }
    return render(request, "suggestions/office/detail.html", context, status=status)


@permission_required(BROWSE)
def suggestion_detail(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _detail(request, suggestion_get(request, suggestion_id))


def _act(
    request: HttpRequest,
    suggestion_id: int,
    *,
    form_name: str,
    form: Callable[..., object],
    run: Callable[[Suggestion, dict, int | None], object],
    done: str,
) -> HttpResponse:
    """The shape every action shares: fetch (404 before 405), POST only, validate, run the
    service, and either go back to the record with a message or show the form again."""
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    bound = form(request.POST, suggestion=suggestion, auto_id=form_name.split("_")[0] + "_%s")
    status = 400
    if bound.is_valid():
        data = dict(bound.cleaned_data)
        version = data.pop("version", None)
        try:
            run(suggestion, data, version)
        except DomainError as error:
            form_error(bound, error)
            if error.code == "conflict":
                status = 409
            elif error.code == "forbidden":
                status = 403
        else:
            messages.success(request, done)
            return redirect(
                "suggestions:detail",
                congress_slug=suggestion.congress.slug,
                suggestion_id=suggestion.pk,
            )
    # The record is shown as it is now, with the refused form and what was typed in it.
    suggestion = suggestion_get(request, suggestion_id)
    return _detail(request, suggestion, status=status, **{form_name: bound})


@permission_required(PROCESS)
def suggestion_accept(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="accept_form",
        form=NoteForm,
        run=lambda suggestion, data, version: services.suggestion_accept(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion was accepted and numbered."),
    )


@permission_required(PROCESS)
def suggestion_return(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="return_form",
        form=ReasonForm,
        run=lambda suggestion, data, version: services.suggestion_return(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion was returned to the deputy."),
    )


@permission_required(PROCESS)
def suggestion_letter(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="letter_form",
        form=ReasonForm,
        run=lambda suggestion, data, version: services.suggestion_make_letter(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion was turned into a letter for reference."),
    )


@permission_required(PROCESS)
def suggestion_merge(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="merge_form",
        form=MergeForm,
        run=lambda suggestion, data, version: services.suggestion_merge(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion will be handled together with the main one."),
    )


@permission_required(PROCESS)
def suggestion_unmerge(
    request: HttpRequest, congress_slug: str, suggestion_id: int
) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="unmerge_form",
        form=NoteForm,
        run=lambda suggestion, data, version: services.suggestion_unmerge(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion will be handled on its own again."),
    )


@permission_required(PROCESS)
def suggestion_key(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="key_form",
        form=KeyForm,
        run=lambda suggestion, data, version: services.suggestion_mark_key(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion is under key supervision."),
    )


@permission_required(PROCESS)
def suggestion_unkey(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="unkey_form",
        form=NoteForm,
        run=lambda suggestion, data, version: services.suggestion_unmark_key(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion is no longer under key supervision."),
    )


@permission_required(PROCESS)
def suggestion_supervision(
    request: HttpRequest, congress_slug: str, suggestion_id: int
) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="supervision_form",
        form=SupervisionForm,
        run=lambda suggestion, data, version: services.supervision_entry_add(
            actor=request.user,
            suggestion=suggestion,
            expected_version=version,
            kind=data["kind"],
            entry_date=data["date"],
            text=data["text"],
        ),
        done=_("The supervision entry was recorded."),
    )


@permission_required(PROCESS)
def suggestion_close(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _act(
        request,
        suggestion_id,
        form_name="close_form",
        form=NoteForm,
        run=lambda suggestion, data, version: services.suggestion_close_unrated(
            actor=request.user, suggestion=suggestion, expected_version=version, **data
        ),
        done=_("The suggestion was closed without the deputy's rating."),
    )
