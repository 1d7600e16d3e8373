"""The select written in one pass gives the markup of Django's own, option for option."""

from __future__ import annotations

import re

import pytest
from django import forms

from congress.widgets import LongSelect

CHOICES = [("", "全部联络站"), ("7", "东津<联络站>"), ("12", '"檀溪" & 真武山'), (30, "第三十站")]


def normalised(markup: str) -> str:
    return re.sub(r">\s+<", "><", str(markup)).strip()


@pytest.mark.parametrize("value", [None, "", "12", 30, "99"])
def test_the_same_markup_as_django_select(value):
    attrs = {"id": "id_station", "class": "filter"}
    expected = forms.Select(choices=CHOICES).render("station", value, attrs=attrs)
    written = LongSelect(choices=CHOICES).render("station", value, attrs=attrs)
    assert normalised(written) == normalised(expected)


def test_names_are_escaped_and_the_chosen_one_selected():
    written = str(LongSelect(choices=CHOICES).render("station", "7"))
    assert '<option value="7" selected>东津&lt;联络站&gt;</option>' in written
    assert "&quot;檀溪&quot; &amp; 真武山" in written
    assert written.count(" selected") == 1


def test_a_form_field_renders_with_its_label_id_and_value():
    class Filters(forms.Form):
        station = forms.TypedChoiceField(
            required=False, coerce=int, choices=CHOICES, widget=LongSelect
        )

    form = Filters({"station": "12"})
    written = str(form["station"])
    assert written.startswith('<select name="station" id="id_station">')
    assert '<option value="12" selected>' in written
