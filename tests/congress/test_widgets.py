"""The select written in one pass gives the markup of Django's own, option for option."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe

from congress.widgets import FlatChoices, LongSelect

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


def test_a_long_list_is_written_once_and_each_form_marks_its_own_choice():
    many = [("", "全部代表小组"), *[(str(number), f"第{number}代表小组") for number in range(2500)]]

    class Filters(forms.Form):
        group = forms.TypedChoiceField(
            required=False, coerce=int, choices=FlatChoices(many), widget=LongSelect
        )

    first = str(Filters({"group": "12"})["group"])
    second = str(Filters({"group": "2499"})["group"])
    plain = str(Filters()["group"])
    assert first.count(" selected") == second.count(" selected") == plain.count(" selected") == 1
    assert '<option value="12" selected>第12代表小组</option>' in first
    assert '<option value="2499" selected>第2499代表小组</option>' in second
    assert '<option value="" selected>全部代表小组</option>' in plain  # as Django's Select does
    assert len({page.replace(" selected", "") for page in (first, second, plain)}) == 1
    # A changed list is written anew, not taken from the one before.
    renamed = [*many[:-1], ("2499", "东津代表小组")]
    assert "东津代表小组" in LongSelect(choices=renamed).render("group", "2499")
    # Choices given as they are still validate: a value not offered is refused.
    assert Filters({"group": "3000"}).errors["group"]


def test_safe_labels_are_not_escaped_twice():
    safe = mark_safe("<b>东津</b>")
    written = str(LongSelect(choices=[("1", safe), ("2", "<b>东津</b>")]).render("g", ""))
    assert '<option value="1"><b>东津</b></option>' in written
    assert '<option value="2">&lt;b&gt;东津&lt;/b&gt;</option>' in written
