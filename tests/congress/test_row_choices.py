"""Choices read as (id, name) rows: the select Django's own would write, validated the same,
and written anew whenever a row or the language changes."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from congress.widgets import LongSelect, RowChoices

ROWS = [(7, "东津<联络站>"), (12, '"檀溪" & 真武山'), (30, "第三十站")]


def normalised(markup: str) -> str:
    return re.sub(r">\s+<", "><", str(markup)).strip()


class Filters(forms.Form):
    station = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=LongSelect
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = RowChoices(_("All stations"), rows)


@pytest.mark.parametrize("value", [None, "", "12", 30, "99"])
def test_the_same_markup_as_django_select(value):
    attrs = {"id": "id_station", "class": "filter"}
    pairs = [("", "全部联络站"), *[(str(key), name) for key, name in ROWS]]
    expected = forms.Select(choices=pairs).render("station", value, attrs=attrs)
    written = LongSelect(choices=RowChoices("全部联络站", ROWS)).render(
        "station", value, attrs=attrs
    )
    assert normalised(written) == normalised(expected)


def test_a_form_validates_the_rows_as_they_are():
    chosen, every = Filters({"station": "12"}, rows=ROWS), Filters({"station": ""}, rows=ROWS)
    assert chosen.is_valid() and every.is_valid()
    assert chosen.cleaned_data["station"] == 12 and every.cleaned_data["station"] is None
    assert Filters({"station": "13"}, rows=ROWS).errors["station"]
    written = str(Filters({"station": "30"}, rows=ROWS)["station"])
    assert '<option value="30" selected>第三十站</option>' in written
    assert written.count(" selected") == 1


def test_a_renamed_added_or_removed_row_is_written_anew():
    many = [(number, f"第{number}站") for number in range(2500)]
    first = str(Filters({"station": "12"}, rows=many)["station"])
    assert str(Filters({}, rows=many)["station"]).count("<option") == 2501
    renamed = [*many[:-1], (2499, "东津<代表>之家")]
    written = str(Filters({}, rows=renamed)["station"])
    assert "东津&lt;代表&gt;之家" in written and "第2499站" not in written
    added = str(Filters({}, rows=[*many, (2500, "新站")])["station"])
    assert added.count("<option") == 2502 and "新站" in added
    removed = str(Filters({}, rows=many[1:])["station"])
    assert removed.count("<option") == 2500 and '"0"' not in removed
    # The list first written is unchanged for the forms that still show it.
    assert str(Filters({"station": "12"}, rows=many)["station"]) == first


def test_the_first_choice_follows_the_language():
    with translation.override("zh-hans"):
        chinese = str(Filters({}, rows=ROWS)["station"])
    with translation.override("en"):
        english = str(Filters({}, rows=ROWS)["station"])
    assert '<option value="" selected>All stations</option>' in english
    assert "All stations" not in chinese and chinese != english
