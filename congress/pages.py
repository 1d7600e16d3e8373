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
    """Show a refused action on the form: on its field when the form has one, else on top.

    A conflict (someone else changed the record first) comes back on a page that shows their
    change; the form then carries the version that page shows, so that the person, having
    checked it, can send what they typed again instead of reloading and losing it.
    """
    form.add_error(error.field if error.field in form.fields else None, error.message)
    if error.version is not None and "version" in form.fields and form.is_bound:
        data = form.data.copy()
        data[form.add_prefix("version")] = str(error.version)
        form.data = data


def first_error(form) -> str:
    """The first error of a form, for a page that answers with a message instead of the form."""
    for errors in form.errors.values():
        return errors[0]
    return _("Please check the form.")
