"""Staff pages for the suggestion setup: congress sessions and suggestion categories."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.pages import first_error, form_error, post_only
from suggestions import setup_selectors as selectors
from suggestions import setup_services as services
from suggestions.models import CongressSession, SuggestionCategory
from suggestions.setup_forms import CategoryForm, CategoryMoveForm, SessionForm


def _index(congress_slug: str) -> HttpResponse:
    return redirect("suggestion_setup:index", congress_slug=congress_slug)


def _form_page(request, template: str, context: dict) -> HttpResponse:
    status = 400 if context["form"].errors else 200
    return render(request, template, context, status=status)


@permission_required("suggestions.manage_sessions")
def index(request: HttpRequest, congress_slug: str) -> HttpResponse:
    context = {
        "sessions": list(selectors.session_list()),
        "categories": list(selectors.category_list()),
    }
    return render(request, "suggestions/setup/index.html", context)


# --- Sessions -------------------------------------------------------------------------------


@permission_required("suggestions.manage_sessions")
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": session.name})
            return _index(congress_slug)
    return _form_page(request, "suggestions/setup/session_form.html", {"form": form})


@permission_required("suggestions.manage_sessions")
@require_http_methods(["GET", "POST"])
def session_update(request: HttpRequest, congress_slug: str, session_id: int) -> HttpResponse:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    session = get_object_or_404(CongressSession.objects.all(), pk=session_id)
    name = session.name
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_update(
                actor=request.user, session=session, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": session.name})
            return _index(congress_slug)
    context = {"form": form, "session": session, "session_name": name}
    return _form_page(request, "suggestions/setup/session_form.html", context)


# --- Categories -----------------------------------------------------------------------------


def category_get(category_id: int) -> SuggestionCategory:
    return get_object_or_404(SuggestionCategory.objects.all(), pk=category_id)


@permission_required("suggestions.manage_sessions")
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                actor=request.user, congress=request.congress, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": category.name})
            return _index(congress_slug)
    return _form_page(request, "suggestions/setup/category_form.html", {"form": form})


@permission_required("suggestions.manage_sessions")
@require_http_methods(["GET", "POST"])
def category_update(request: HttpRequest, congress_slug: str, category_id: int) -> HttpResponse:
    category = category_get(category_id)
    name = category.name
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_update(
                actor=request.user, category=category, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": category.name})
            return _index(congress_slug)
    context = {"form": form, "category": category, "category_name": name}
    return _form_page(request, "suggestions/setup/category_form.html", context)


@permission_required("suggestions.manage_sessions")
def category_retire(request: HttpRequest, congress_slug: str, category_id: int) -> HttpResponse:
    """Retire a category, or (with restore=1) bring it back into use."""
    category = category_get(category_id)
    if refused := post_only(request):
        return refused
    restore = request.POST.get("restore") == "1"
    try:
        category = services.category_set_active(
            actor=request.user, category=category, is_active=restore
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if restore:
            text = _("%(name)s is in use again.")
        else:
            text = _("%(name)s was retired: new suggestions can no longer choose it.")
        messages.success(request, text % {"name": category.name})
    return _index(congress_slug)


@permission_required("suggestions.manage_sessions")
def category_reorder(request: HttpRequest, congress_slug: str, category_id: int) -> HttpResponse:
    category = category_get(category_id)
    if refused := post_only(request):
        return refused
    form = CategoryMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        services.category_move(
            actor=request.user, category=category, direction=form.cleaned_data["direction"]
        )
    return _index(congress_slug)
