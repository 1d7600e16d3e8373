"""Small things every page view does the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from congress.errors import DomainError


def post_only(request: HttpRequest) -> HttpResponse | None:
    """405 for anything but POST; call it after fetching the object, so a foreign id is 404."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def form_error(form, error: DomainError) -> None:
    """Show a refused action on the form: on its field when the form has one, else on top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def first_error(form) -> str:
    """The first error of a form, for a page that answers with a message instead of the form."""
    for errors in form.errors.values():
        return errors[0]
    return _("Please check the form.")
