"""Staff typing in a suggestion or motion handed in on paper, under
/c/<congress_slug>/suggestions/paper/."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from suggestions import deputy_selectors as selectors
from suggestions import lifecycle, submit_services
from suggestions.deputy_forms import PaperSuggestionForm


@permission_required("suggestions.process_suggestions")
@require_http_methods(["GET", "POST"])
def paper_new(request: HttpRequest, congress_slug: str) -> HttpResponse:
    session = selectors.current_session()
    form = PaperSuggestionForm(
        request.POST or None,
        request.FILES or None,
        membership=request.membership,
        initial={"kind": "suggestion", "session": session.pk if session else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            suggestion = submit_services.suggestion_paper_enter(
                actor=request.user,
                congress=request.congress,
                lead_deputy=data["lead_deputy"],
                cosigners=data["cosigners"],
                submit=data["submit_now"],
                attachment=data.get("attachment"),
                **form.suggestion_fields(),
            )
        except DomainError as error:
            # The attachment is checked as the form's "attachment" (the service calls it "file").
            field = "attachment" if error.field == "file" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            if suggestion.status == "submitted":
                text = _("The suggestion was entered and sent to the committee.")
            else:
                text = _("The suggestion was entered as a draft.")
            flash.success(request, text)
            return redirect(lifecycle.suggestion_link(suggestion, "staff"))
    status = 400 if form.errors else 200
    return render(request, "suggestions/deputy/paper_form.html", {"form": form}, status=status)
