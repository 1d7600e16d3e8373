"""The tokened page where a deputy rates a reply without signing in, under
/p/<congress_slug>/feedback/<feedback_token>/: the token sent to them is their proof."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from congress.errors import DomainError
from congress.pages import form_error
from suggestions import feedback_services
from suggestions.deputy_forms import RatingForm
from suggestions.models import SuggestionFeedback, SuggestionReply, SuggestionStatus

TEMPLATES = "suggestions/public/"


def tokened_page(view):
    """Never cached (a used link must stop working at once) and kept out of search engines."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_http_methods(["GET", "HEAD", "POST"])(wrapped)


def _can_rate(feedback: SuggestionFeedback) -> bool:
    suggestion = feedback.suggestion
    return (
        feedback.rated_at is None
        and feedback.round == suggestion.round
        and suggestion.status == SuggestionStatus.REPLIED
    )


@tokened_page
def feedback_page(request: HttpRequest, congress_slug: str, feedback_token: str) -> HttpResponse:
    # Through the scoped manager: a token of another congress under this address finds nothing.
    feedback = (
        SuggestionFeedback.objects.filter(token=feedback_token)
        .select_related("suggestion", "deputy")
        .first()
    )
    if feedback is None:
        return render(request, TEMPLATES + "not_found.html", status=404)
    reply = (
        SuggestionReply.objects.filter(suggestion_id=feedback.suggestion_id, round=feedback.round)
        .only("text", "reply_class", "replied_on")
        .first()
    )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and _can_rate(feedback) and form.is_valid():
        try:
            feedback_services.suggestion_rate(
                actor=None,
                feedback=feedback,
                rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
                via_token=True,
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return redirect(
                "suggestion_public:feedback",
                congress_slug=congress_slug,
                feedback_token=feedback_token,
            )
    class_names = {item["code"]: item["name"] for item in request.congress.reply_classes}
    can_rate = _can_rate(feedback)
    context = {
        "feedback": feedback,
        "title": feedback.suggestion.title,
        "reply": reply,
        "class_name": class_names.get(reply.reply_class, "") if reply else "",
        "can_rate": can_rate,
        "form": form,
    }
    # A used or outdated link is refused plainly, whatever was posted.
    refused = request.method == "POST" and not can_rate
    status = 409 if refused else 400 if form.errors else 200
    return render(request, TEMPLATES + "feedback.html", context, status=status)
