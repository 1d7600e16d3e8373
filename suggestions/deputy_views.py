"""A deputy's own suggestions on the phone, under /c/<congress_slug>/my/suggestions/.

One task per screen, large type and big buttons; every action is a plain POST form, so it works
without JavaScript. Another deputy's suggestion is a 404, as for anyone it is not shown to.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.pages import first_error, form_error, post_only
from congress.permissions import membership_can
from suggestions import deputy_selectors as selectors
from suggestions import feedback_services, submit_services
from suggestions.access import suggestion_get
from suggestions.deputy_forms import (
    AttachmentForm,
    CosignForm,
    RatingForm,
    SuggestionForm,
    VersionForm,
    WithdrawForm,
)
from suggestions.models import (
    DEPUTY_STATUSES,
    CosignerStatus,
    Suggestion,
    SuggestionAttachment,
    SuggestionKind,
)

PAGE_SIZE = 20
WITHDRAWABLE = selectors.COSIGN_STATUSES
TEMPLATES = "suggestions/deputy/"


def _to_detail(suggestion: Suggestion) -> HttpResponse:
    return redirect(
        "my_suggestions:detail",
        congress_slug=suggestion.congress.slug,
        suggestion_id=suggestion.pk,
    )


def _not_linked(request: HttpRequest) -> HttpResponse:
    # A deputy's account that the roster does not name yet: say so instead of a blank form.
    return render(request, TEMPLATES + "not_linked.html")


# The list --------------------------------------------------------------------------------------


@permission_required("suggestions.view_own_suggestions")
def my_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    page = Paginator(selectors.my_suggestion_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "invitations": selectors.cosign_invitations(user=request.user),
        "linked": selectors.own_deputy(user=request.user) is not None,
    }
    return render(request, TEMPLATES + "list.html", context)


# Writing -----------------------------------------------------------------------------------------


@permission_required("suggestions.view_own_suggestions")
@require_http_methods(["GET", "POST"])
def my_new(request: HttpRequest, congress_slug: str) -> HttpResponse:
    deputy = selectors.own_deputy(user=request.user)
    if deputy is None:
        return _not_linked(request)
    kind = request.POST.get("kind") or request.GET.get("kind")
    if request.method == "GET" and kind not in SuggestionKind.values:
        return render(request, TEMPLATES + "choose_kind.html", {"kinds": SuggestionKind.choices})
    session = selectors.current_session()
    form = SuggestionForm(
        request.POST or None,
        request.FILES or None,
        membership=request.membership,
        lead=deputy,
        initial={"kind": kind, "session": session.pk if session else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = submit_services.suggestion_save_draft(
                actor=request.user,
                congress=request.congress,
                lead_deputy=deputy,
                cosigners=form.cleaned_data["cosigners"],
                **form.suggestion_fields(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _after_save(request, suggestion, form)
    context = {"form": form, "kind": kind, "motion_minimum": request.congress.motion_min_cosigners}
    return render(request, TEMPLATES + "form.html", context, status=400 if form.errors else 200)


def _after_save(request: HttpRequest, suggestion: Suggestion, form: SuggestionForm):
    """The attachment picked on the form, then sending it when the deputy chose to."""
    upload = form.cleaned_data.get("attachment")
    if upload:
        try:
            submit_services.suggestion_attachment_add(
                actor=request.user, suggestion=suggestion, upload=upload
            )
        except DomainError as error:
            flash.error(request, error.message)
    if request.POST.get("action") == "submit":
        try:
            submit_services.suggestion_submit(actor=request.user, suggestion=suggestion)
        except DomainError as error:
            flash.error(
                request, _("Saved as a draft, but not sent: %(reason)s") % {"reason": error.message}
            )
        else:
            flash.success(request, _("Your suggestion was sent to the committee."))
            return _to_detail(suggestion)
    else:
        flash.success(request, _("Saved as a draft. It is not sent yet."))
    return _to_detail(suggestion)


@permission_required("suggestions.view_own_suggestions")
@require_http_methods(["GET", "POST"])
def my_edit(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if not membership_can(request.membership, "suggestions.edit_suggestion", suggestion):
        return render(request, TEMPLATES + "not_editable.html", {"suggestion": suggestion})
    if suggestion.status not in DEPUTY_STATUSES:
        return render(
            request,
            TEMPLATES + "not_editable.html",
            {"suggestion": suggestion},
            status=400 if request.method == "POST" else 200,
        )
    cosigners = [
        row.deputy_id for row in suggestion.cosigners.exclude(status=CosignerStatus.DECLINED)
    ]
    initial = {
        "kind": suggestion.kind,
        "title": suggestion.title,
        "content": suggestion.content,
        "category": suggestion.category_id,
        "session": suggestion.session_id,
        "source": suggestion.source,
        "source_message": suggestion.source_message_id,
        "source_reception": suggestion.source_reception_id,
        "source_reference": suggestion.source_reference,
        "cosigners": cosigners,
        "version": suggestion.version,
    }
    form = SuggestionForm(
        request.POST or None,
        request.FILES or None,
        membership=request.membership,
        lead=suggestion.lead_deputy,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = submit_services.suggestion_save_draft(
                actor=request.user,
                congress=request.congress,
                suggestion=suggestion,
                cosigners=form.cleaned_data["cosigners"],
                expected_version=form.expected_version(),
                **form.suggestion_fields(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return _after_save(request, suggestion, form)
    context = {
        "form": form,
        "suggestion": suggestion,
        "kind": suggestion.kind,
        "motion_minimum": request.congress.motion_min_cosigners,
    }
    return render(request, TEMPLATES + "form.html", context, status=400 if form.errors else 200)


# One suggestion ------------------------------------------------------------------------------


@permission_required("suggestions.view_own_suggestions")
def my_detail(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    return _detail(request, suggestion_get(request, suggestion_id))


def _detail(request: HttpRequest, suggestion: Suggestion, *, status: int = 200, **forms):
    membership = request.membership
    is_lead = membership_can(membership, "suggestions.edit_suggestion", suggestion)
    parts = selectors.suggestion_parts(suggestion=suggestion)
    my_cosign = selectors.my_cosigner_row(suggestion=suggestion, user=request.user)
    feedback = selectors.my_pending_feedback(suggestion=suggestion, user=request.user)
    confirmed = sum(1 for row in parts["cosigners"] if row.status == CosignerStatus.CONFIRMED)
    class_names = {item["code"]: item["name"] for item in request.congress.reply_classes}
    replies = [(reply, class_names.get(reply.reply_class, "")) for reply in parts["replies"]]
    context = {
        "suggestion": suggestion,
        "next_step": selectors.NEXT_STEPS.get(suggestion.status, ""),
        "is_lead": is_lead,
        "can_edit": is_lead and suggestion.status in DEPUTY_STATUSES,
        "can_submit": is_lead and suggestion.status in DEPUTY_STATUSES,
        "can_withdraw": is_lead and suggestion.status in WITHDRAWABLE,
        "can_cosign": my_cosign is not None and suggestion.status in WITHDRAWABLE,
        "my_cosign": my_cosign,
        "feedback": feedback,
        "rating_form": forms.get("rating_form") or RatingForm(),
        "withdraw_form": forms.get("withdraw_form")
        or WithdrawForm(initial={"version": suggestion.version}),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "cosign_form": forms.get("cosign_form"),
        "confirmed_count": confirmed,
        "motion_minimum": request.congress.motion_min_cosigners,
        "is_motion": suggestion.kind == SuggestionKind.MOTION,
        "replies": replies,
        "my_ratings": [row for row in parts["feedback"] if row.deputy.user_id == request.user.pk],
        **{name: parts[name] for name in ("attachments", "cosigners")},
    }
    return render(request, TEMPLATES + "detail.html", context, status=status)


def _refused(request: HttpRequest, suggestion: Suggestion, error: DomainError) -> HttpResponse:
    flash.error(request, error.message)
    return _to_detail(suggestion)


@permission_required("suggestions.view_own_suggestions")
def my_submit(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    require(request, "suggestions.edit_suggestion", suggestion)
    form = VersionForm(request.POST)
    if not form.is_valid():
        flash.error(request, first_error(form))
        return _to_detail(suggestion)
    try:
        submit_services.suggestion_submit(
            actor=request.user, suggestion=suggestion, expected_version=form.expected_version()
        )
    except DomainError as error:
        return _refused(request, suggestion, error)
    flash.success(request, _("Your suggestion was sent to the committee."))
    return _to_detail(suggestion)


@permission_required("suggestions.view_own_suggestions")
def my_withdraw(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    require(request, "suggestions.edit_suggestion", suggestion)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            submit_services.suggestion_withdraw(
                actor=request.user,
                suggestion=suggestion,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            # Shown as it is now (someone may have changed it meanwhile): while it can still be
            # withdrawn, the form comes back with the reason typed and the refusal in it.
            suggestion.refresh_from_db()
            if suggestion.status not in WITHDRAWABLE:
                return _refused(request, suggestion, error)
            form_error(form, error)
        else:
            flash.success(request, _("You withdrew the suggestion."))
            return _to_detail(suggestion)
    return _detail(request, suggestion, withdraw_form=form, status=400)


@permission_required("suggestions.view_own_suggestions")
def my_cosign(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    form = CosignForm(request.POST)
    if not form.is_valid():
        return _detail(request, suggestion, cosign_form=form, status=400)
    try:
        submit_services.suggestion_cosign_respond(
            actor=request.user,
            suggestion=suggestion,
            confirm=form.cleaned_data["decision"] == "confirm",
        )
    except DomainError as error:
        return _refused(request, suggestion, error)
    if form.cleaned_data["decision"] == "confirm":
        flash.success(request, _("You confirmed co-signing this suggestion."))
    else:
        flash.success(request, _("You declined co-signing this suggestion."))
    return _to_detail(suggestion)


@permission_required("suggestions.view_own_suggestions")
def my_rate(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    form = RatingForm(request.POST)
    feedback = selectors.my_pending_feedback(suggestion=suggestion, user=request.user)
    if feedback is None:
        flash.error(request, _("There is no reply waiting for your rating."))
        return _to_detail(suggestion)
    if form.is_valid():
        try:
            feedback_services.suggestion_rate(
                actor=request.user,
                feedback=feedback,
                rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            flash.success(request, _("Thank you: your rating was recorded."))
            return _to_detail(suggestion)
    return _detail(request, suggestion, rating_form=form, status=400)


@permission_required("suggestions.view_own_suggestions")
def my_attachment_add(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    if refused := post_only(request):
        return refused
    require(request, "suggestions.edit_suggestion", suggestion)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = submit_services.suggestion_attachment_add(
                actor=request.user, suggestion=suggestion, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            flash.success(request, _("%(name)s was attached.") % {"name": attachment.name})
            return _to_detail(suggestion)
    return _detail(request, suggestion, attachment_form=form, status=400)


@permission_required("suggestions.view_own_suggestions")
def my_attachment_remove(
    request: HttpRequest, congress_slug: str, suggestion_id: int, attachment_id: int
) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    attachment = get_object_or_404(
        SuggestionAttachment.objects.filter(suggestion=suggestion), pk=attachment_id
    )
    if refused := post_only(request):
        return refused
    require(request, "suggestions.edit_suggestion", suggestion)
    try:
        submit_services.suggestion_attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as error:
        return _refused(request, suggestion, error)
    flash.success(request, _("%(name)s was removed.") % {"name": attachment.name})
    return _to_detail(suggestion)
