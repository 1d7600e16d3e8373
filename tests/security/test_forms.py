"""Every form, sent with bad input, answers with the form again: a clear error in Chinese, and
what the person typed still in the fields (never a server error, never a redirect that loses it).

The forms are listed in `tests/security/form_cases/`, one `FormCase` line per form; a page that
takes a POST and is in no list fails `test_every_form_is_listed`.
"""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from tests.security.form_cases import (
    FormCase,
    congress,
    contact,
    people,
    post_views,
    scoring,
    suggestion_office,
    suggestions,
)

PARTS = (congress, people, contact, suggestions, suggestion_office, scoring)
FORMS: list[FormCase] = [case for part in PARTS for case in part.FORMS]
BUTTONS: dict[str, str] = {name: why for part in PARTS for name, why in part.BUTTONS.items()}

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _errors(context, names: tuple[str, ...]) -> list:
    """Every error of the page's bound forms and formsets named `names`."""
    found = []
    for name in names:
        bound = context.get(name) if context is not None else None
        if bound is None:
            continue
        if hasattr(bound, "non_form_errors"):
            found += list(bound.non_form_errors())
            for form in bound.forms:
                found += [message for messages in form.errors.values() for message in messages]
        elif hasattr(bound, "errors"):
            found += [message for messages in bound.errors.values() for message in messages]
    return found


def test_every_form_is_listed():
    listed = {case.url_name for case in FORMS} | set(BUTTONS)
    assert not post_views() - listed, "forms with no FormCase (or BUTTONS entry)"
    assert not listed - post_views(), "listed, but no such page takes a POST"
    assert not {case.url_name for case in FORMS} & set(BUTTONS)
    assert all(why.strip() for why in BUTTONS.values()), "a button without its reason"


@pytest.mark.parametrize("case", FORMS, ids=[case.test_id for case in FORMS])
def test_bad_input_shows_an_error_and_keeps_what_was_typed(case, world, client_as):
    if case.setup is not None:
        case.setup(world)
    client = client_as(world.tenant.user(case.role) if case.role else None)
    kwargs = {"congress_slug": world.slug, **case.ids(world)}
    try:
        reverse(case.url_name, kwargs=kwargs)
    except NoReverseMatch:  # the account pages (/accounts/...) belong to no congress
        del kwargs["congress_slug"]
    query = case.query.format(station=world.ids["station_id"][0])
    url = reverse(case.url_name, kwargs=kwargs) + query
    page_url = reverse(case.page, kwargs=kwargs) + query if case.page else url
    # The form first, as a person would open it (the public form hands out its device cookie).
    assert client.get(page_url).status_code == 200
    data = dict(case.data)
    if case.files is not None:
        data.update(case.files())
    if case.flash:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, response.status_code
        errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
        assert errors, "no error shown"
    else:
        response = client.post(url, data)
        # The form again: 200, or 400 where the page says that the input was refused.
        assert response.status_code in (200, 400), response.status_code
        errors = _errors(response.context, case.context)
        assert errors, "no error shown"
    page = response.content.decode()
    for message in errors:
        assert CHINESE.search(str(message)), f"not in Chinese: {message}"
        assert escape(message) in page, message
    for value in case.kept:
        assert escape(value) in page, f"lost what was typed: {value}"
