"""Form widgets shared by the apps."""

from __future__ import annotations

import html
from functools import lru_cache
from itertools import chain

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe


def _escape(value) -> str:
    # Django's escaping without its lazy-string wrapper, which costs more than the escaping.
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class FlatChoices(BaseChoiceIterator):
    """Choices already made of (value, label) pairs, such as a city's 1,900 stations read from
    the database: Django's fields and widgets take them as they are instead of checking every
    pair again on each form (5,000 calls a request on the ranking board)."""

    def __init__(self, choices) -> None:
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)


class RowChoices(BaseChoiceIterator):
    """A first choice of value "" (such as "All stations") and then (id, name) rows as the
    database gives them, such as a city's 1,900 stations: iterated as they are, and LongSelect
    keys its options by the rows themselves, not by a pair made for each (a millisecond a list
    on every request). The names and the first label are text, escaped when written."""

    def __init__(self, first_label, rows) -> None:
        self.first_label = first_label
        self.rows = tuple(rows)

    def __iter__(self):
        return chain((("", self.first_label),), self.rows)


@lru_cache(maxsize=32)
def _row_options(first_label: str, rows: tuple) -> str:
    """The options of RowChoices, kept by content like `_options`."""
    first = f'<option value="">{html.escape(first_label)}</option>'
    return first + "".join(
        f'<option value="{html.escape(str(key))}">{html.escape(str(name))}</option>'
        for key, name in rows
    )


@lru_cache(maxsize=32)
def _options(choices: tuple[tuple[str, str, bool], ...]) -> str:
    """The options of a long list, none selected, kept by content: the same list (in the same
    language) is written once per process, and any change to it is another key. Each choice
    is (value, label, whether the label is already safe markup)."""
    return "".join(
        f'<option value="{html.escape(key)}">{label if safe else html.escape(label)}</option>'
        for key, label, safe in choices
    )


class LongSelect(forms.Select):
    """A select of many options, such as a city's 1,900 liaison stations, written in one pass.

    Django's Select renders each option through a template of its own, which took most of the
    ranking board's time in a congress of 10,000 deputies. The markup is the same. Flat choices
    only (no option groups). The options are written once per list (see `_options`) and the
    chosen ones marked in the copy. A short list gains too: a few options through Django's
    templates cost more than the whole list looked up here.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if isinstance(self.choices, RowChoices):
            options = _row_options(str(self.choices.first_label), self.choices.rows)
        else:
            options = _options(
                tuple(
                    (str(key), str(label), hasattr(label, "__html__"))
                    for key, label in self.choices
                )
            )
        for chosen in dict.fromkeys(self.format_value(value)):
            option = f'<option value="{html.escape(chosen)}">'
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        # As Django's attrs template writes them: in order, True bare, False left out.
        attributes = "".join(
            f" {key}" if setting is True else f' {key}="{_escape(setting)}"'
            for key, setting in self.build_attrs(self.attrs, attrs).items()
            if setting is not False
        )
        markup = f'<select name="{_escape(name)}"{attributes}>{options}</select>'
        return mark_safe(markup)  # noqa: S308 - every value in it is escaped
