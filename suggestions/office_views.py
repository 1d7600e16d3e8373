"""The committee staff's suggestion pages: the supervision list, a suggestion's full record and
the small POST forms of acceptance, returning, letters, merging, key supervision and closing.

Leaders see the list and the record; only staff act.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from congress import data_versions
from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from deputies.models import Deputy
from reports.listing import export_query
from suggestions import lifecycle
from suggestions import office_selectors as selectors
from suggestions import office_services as services
from suggestions.access import suggestion_get
from suggestions.models import (
    CongressSession,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionCategory,
    SuggestionKind,
    SuggestionStatus,
)
from suggestions.office_forms import (
    KeyForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    SuggestionFilterForm,
    SupervisionForm,
)

PAGE_SIZE = 50
# The tables the list is read from (its cached part is keyed by their versions).
LIST_READS = (
    Suggestion,
    SuggestionAssignment,
    SuggestionCategory,
    CongressSession,
    HandlingUnit,
    Deputy,
)
BROWSE = "suggestions.browse_suggestions"
PROCESS = "suggestions.process_suggestions"


@permission_required(BROWSE)
def suggestion_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    membership = request.membership
    today = timezone.localdate()
    can_export = membership_can(membership, "suggestions.export_suggestions")
    # Read once per version of the tables it reads (congress.data_versions), per filter and page,
    # reader (what a member sees depends on the role, and for some roles on the person), day
    # (what is overdue) and language.
    data = data_versions.cached(
        "suggestion-list",
        congress_id=request.congress.pk,
        reads=LIST_READS,
        parts=(
            sorted(request.GET.lists()),
            membership.role,
            membership.user_id,
            today,
            translation.get_language(),
            can_export,
        ),
        build=lambda: _list_data(request, today=today, can_export=can_export),
    )
    if request.htmx and request.htmx.target == "suggestion-table":
        return HttpResponse(data["table"])
    context = {
        "filters_form": data["filters_form"],
        "table": data["table"],
        "counts": data["counts"],
        "due_soon_days": selectors.DUE_SOON_DAYS,
        "can_process": membership_can(membership, PROCESS),
    }
    return render(request, "suggestions/office/list.html", context)


def _list_data(request: HttpRequest, *, today, can_export: bool) -> dict:
    """The list's filters, counts and table (written out) as the member sees them today."""
    membership = request.membership
    choices = selectors.filter_choices()
    form = SuggestionFilterForm(request.GET, choices=choices)
    filters = form.filters()
    queryset = selectors.suggestion_list(membership=membership, filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.page_rows(page.object_list, choices=choices, today=today)
    context = {
        "page": page,
        "rows": rows_markup(page.object_list, congress_slug=request.congress.slug),
        "filters": filters,
        "can_export": can_export,
        "export_query": export_query(request),
    }
    return {
        "filters_form": render_to_string(
            "suggestions/office/list.html#suggestion-filters", {"form": form}, request
        ),
        "counts": selectors.supervision_counts(membership=membership, today=today),
        "table": render_to_string(
            "suggestions/office/list.html#suggestion-table", context, request
        ),
    }


# The list's rows ----------------------------------------------------------------------------
# Fifty rows of seven cells through the template language were most of the page's cost: a node,
# a lookup and an escape per cell, a translation per label per row, a URL reversed per row. The
# rows are written here in one pass instead, the labels translated and the link reversed once a
# page. The markup is the template's to the byte: tests/suggestions/test_office_rows.py keeps
# the template these rows replace and compares the two over rows of every kind.

# An id no suggestion has, reversed once and replaced by each row's own.
_ANY_ID = 987654321
_DASH = '<span class="muted">—</span>'


def rows_markup(rows: list[selectors.ListRow], *, congress_slug: str) -> SafeString:
    """The table rows of the supervision list (`selectors.page_rows`)."""
    escape = html.escape
    # As {% translate %} gives them: translations are the catalog's own markup, not escaped.
    # (Each called on its own line, where the catalog's extraction finds it.)
    number = gettext("Number")
    title = gettext("Title")
    deputy = gettext("Leading deputy")
    category = gettext("Category")
    status = gettext("Status")
    lead_unit = gettext("Lead unit")
    reply_due = gettext("Reply due")
    key_title = gettext("Key supervision")
    key = gettext("Key")
    recess = gettext("Recess")
    handled_with = gettext("handled with %(main)s")
    key_mark = f' <span class="key-mark" title="{key_title}">{key}</span>'
    motion = f" · {escape(str(SuggestionKind.MOTION.label))}"
    statuses = {value: escape(str(label)) for value, label in SuggestionStatus.choices}
    link = escape(
        reverse(
            "suggestions:detail",
            kwargs={"congress_slug": congress_slug, "suggestion_id": _ANY_ID},
        )
    )
    link_before, link_after = link.rsplit(str(_ANY_ID), 1)
    number_cell = f'\n              <td class="nowrap" data-label="{number}">'
    title_cell = f'</td>\n              <td data-label="{title}">\n                <a href="'
    deputy_cell = f'</div>\n              </td>\n              <td data-label="{deputy}">'
    category_cell = f'</td>\n              <td data-label="{category}">'
    status_cell = (
        f'</td>\n              <td data-label="{status}" class="nowrap">'
        '<span class="status office-status-'
    )
    unit_cell = f'</span></td>\n              <td data-label="{lead_unit}">'
    due_cell = (
        f'</td>\n              <td data-label="{reply_due}" class="nowrap">\n                '
    )
    end = "\n              </td>\n            </tr>\n          "

    said: dict[tuple[bool, int], str] = {}

    def days(overdue: bool, count: int) -> str:
        # As {% blocktranslate count %} writes it: the number localized (only a number of four
        # digits or more can be grouped) and escaped; each wording and number once a page.
        if (overdue, count) not in said:
            figure = str(count) if 0 <= count < 1000 else escape(str(localize(count)))
            if overdue:
                wording = ngettext("%(days)s day overdue", "%(days)s days overdue", count)
            else:
                wording = ngettext("%(days)s day left", "%(days)s days left", count)
            said[overdue, count] = wording % {"days": figure}
        return said[overdue, count]

    written = []
    for row in rows:
        deadline = row.deadline
        if deadline is None:
            row_class = ""
            due = f'<span class="muted">{row.due_on.isoformat()}</span>' if row.due_on else _DASH
        else:
            if deadline.overdue:
                row_class = "is-overdue"
                count = days(True, deadline.days_overdue)
                badge = f'<span class="badge badge-overdue">{count}</span>\n                  '
            elif deadline.due_soon:
                row_class = "is-due-soon"
                count = days(False, deadline.days)
                badge = f'<span class="badge badge-soon">{count}</span>\n                  '
            else:
                row_class = ""
                count = days(False, deadline.days)
                badge = f'<span class="badge">{count}</span>'
            due = (
                f"\n                  {deadline.due_on.isoformat()}"
                f"\n                  {badge}\n                "
            )
        help_text = recess if row.session_name is None else escape(row.session_name)
        if row.kind == SuggestionKind.MOTION:
            help_text += motion
        if row.main_number is not None:
            help_text += " · " + handled_with % {"main": escape(row.main_number)}
        shown_status = statuses.get(row.status) or escape(str(row.status))
        unit = _DASH if row.lead_unit_name is None else escape(row.lead_unit_name)
        written.append(
            f'\n            <tr class="{row_class}">{number_cell}'
            f"{escape(row.number_display) if row.number else _DASH}"
            f"{key_mark if row.is_key else ''}"
            f'{title_cell}{link_before}{row.pk}{link_after}">{escape(row.title)}</a>'
            f'\n                <div class="help">{help_text}'
            f"{deputy_cell}{escape(row.deputy_name)}"
            f"{category_cell}{escape(row.category_name)}"
            f'{status_cell}{escape(str(row.status))}">{shown_status}'
            f"{unit_cell}{unit}{due_cell}{due}{end}"
        )
    return mark_safe("".join(written))  # noqa: S308 - every value in it is escaped


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


def _action(form_name: str, form, service: Callable[..., object], done) -> Callable:
    """One staff action's view: its form, the service it runs and the message when it is done.

    The form's cleaned data are the service's keyword arguments.
    """

    @permission_required(PROCESS)
    def view(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
        return _act(
            request,
            suggestion_id,
            form_name=form_name,
            form=form,
            run=lambda suggestion, data, version: service(
                actor=request.user, suggestion=suggestion, expected_version=version, **data
            ),
            done=str(done),
        )

    return view


def _add_supervision_entry(*, date, **arguments):
    return services.supervision_entry_add(entry_date=date, **arguments)


suggestion_accept = _action(
    "accept_form",
    NoteForm,
    services.suggestion_accept,
    gettext_lazy("The suggestion was accepted and numbered."),
)
suggestion_return = _action(
    "return_form",
    ReasonForm,
    services.suggestion_return,
    gettext_lazy("The suggestion was returned to the deputy."),
)
suggestion_letter = _action(
    "letter_form",
    ReasonForm,
    services.suggestion_make_letter,
    gettext_lazy("The suggestion was turned into a letter for reference."),
)
suggestion_merge = _action(
    "merge_form",
    MergeForm,
    services.suggestion_merge,
    gettext_lazy("The suggestion will be handled together with the main one."),
)
suggestion_unmerge = _action(
    "unmerge_form",
    NoteForm,
    services.suggestion_unmerge,
    gettext_lazy("The suggestion will be handled on its own again."),
)
suggestion_key = _action(
    "key_form",
    KeyForm,
    services.suggestion_mark_key,
    gettext_lazy("The suggestion is under key supervision."),
)
suggestion_unkey = _action(
    "unkey_form",
    NoteForm,
    services.suggestion_unmark_key,
    gettext_lazy("The suggestion is no longer under key supervision."),
)
suggestion_supervision = _action(
    "supervision_form",
    SupervisionForm,
    _add_supervision_entry,
    gettext_lazy("The supervision entry was recorded."),
)
suggestion_close = _action(
    "close_form",
    NoteForm,
    services.suggestion_close_unrated,
    gettext_lazy("The suggestion was closed without the deputy's rating."),
)
