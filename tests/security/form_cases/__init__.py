"""The forms of every page, one `FormCase` per form, for `tests/security/test_forms.py`.

Each module of this package lists the forms of one part of the system in `FORMS`, and the pages
that take a POST with nothing typed (a button) in `BUTTONS`, with the reason. `post_views()` finds
every page that reads a POST, so a new form that is in neither list fails the test.
"""

from __future__ import annotations

import dis
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLResolver, get_resolver
from django_scopes import scopes_disabled

from congress.models import Role
from deputies.models import Deputy
from tests.security.conftest import World


@dataclass(frozen=True)
class FormCase:
    """One form sent with bad input.

    url_name: the page the form posts to; role: who fills it in (None: the public);
    data: what they send; kept: the values typed into `data` that must be on the answer again.
    """

    url_name: str
    role: str | None
    data: dict
    kept: tuple[str, ...]
    ids: Callable[[World], dict] = field(default=lambda world: {})
    query: str = ""
    # The page to open first, when the form sits on another page than the one it posts to
    # (the suggestion's page for its action forms); the same ids. None: the form's own page.
    page: str | None = None
    # The names the answer's template context gives the bound form(s) carrying the errors.
    context: tuple[str, ...] = ("form", "formset")
    # Files to send with `data`, made fresh per run.
    files: Callable[[], dict] | None = None
    # Runs before the form is opened, to put the world in the state the form needs.
    setup: Callable[[World], None] | None = None
    # The form answers with a message on the page it came from (a pick from a list: nothing
    # typed to keep) instead of the form again: follow the redirect, the message must be there.
    flash: bool = False
    # A name for the test id when one page has several forms.
    label: str = ""

    @property
    def test_id(self) -> str:
        return self.url_name + (f"[{self.label}]" if self.label else "")


def my_deputy(world: World) -> Deputy:
    """The deputy who signs in as the world's deputy account."""
    with scopes_disabled():  # test setup
        return Deputy.objects.get(user=world.tenant.user(Role.DEPUTY))


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from _walk(pattern.url_patterns, inner or namespace)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback


def _reads_post(function, depth: int = 0) -> bool:
    """Whether a view function (or a function of its module it calls) reads a POST."""
    function = inspect.unwrap(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if "POST" in source or "post_only" in source:
        return True
    if depth > 2:
        return False
    module = sys.modules.get(function.__module__)
    # The module's functions it names (not attributes: `selectors.group_members` is not the
    # view `group_members` of the module).
    names = {
        instruction.argval
        for instruction in dis.get_instructions(function)
        if instruction.opname == "LOAD_GLOBAL"
    }
    called = [getattr(module, name, None) for name in names]
    called += [cell.cell_contents for cell in function.__closure__ or ()]
    return any(
        inspect.isfunction(target)
        and target.__module__ == function.__module__
        and _reads_post(target, depth + 1)
        for target in called
    )


def post_views() -> set[str]:
    """The URL names of every page (not the API, not Django's admin) that takes a POST."""
    found = set()
    for name, callback in _walk(get_resolver().url_patterns):
        if not name or name.startswith("admin:") or "api" in name.split(":")[0]:
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            if hasattr(view_class, "post"):
                found.add(name)
        elif _reads_post(callback):
            found.add(name)
    return found
