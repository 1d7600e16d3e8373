"""Form widgets shared by the apps."""

from __future__ import annotations

import html

from django import forms
from django.utils.safestring import SafeString, mark_safe


def _escape(value) -> str:
    # Django's escaping without its lazy-string wrapper, which costs more than the escaping.
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class LongSelect(forms.Select):
    """A select of many options, such as a city's 1,900 liaison stations, written in one pass.

    Django's Select renders each option through a template of its own, which took most of the
    ranking board's time in a congress of 10,000 deputies. The markup is the same. Flat choices
    only (no option groups).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{_escape(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{_escape(label)}</option>"
            for key, label in self.choices
        )
        # As Django's attrs template writes them: in order, True bare, False left out.
        attributes = "".join(
            f" {key}" if setting is True else f' {key}="{_escape(setting)}"'
            for key, setting in self.build_attrs(self.attrs, attrs).items()
            if setting is not False
        )
        markup = f'<select name="{_escape(name)}"{attributes}>{options}</select>'
        return mark_safe(markup)  # noqa: S308 - every value in it is escaped
