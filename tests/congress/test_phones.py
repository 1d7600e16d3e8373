"""Contact telephones as offices, stations and handling units write them."""

from __future__ import annotations

import pytest

from congress.errors import DomainError
from congress.phones import contact_phone


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0710-3511004", "0710-3511004"),
        ("（0710）3511004", "(0710)3511004"),
        ("０７１０－３５１２３４５", "0710-3512345"),
        ("0710-3511004转8001", "0710-3511004转8001"),
        (" (0710) 3512345转8001 ", "(0710) 3512345转8001"),
        ("138 1234 5678", "138 1234 5678"),
        ("+86 13871234567", "+86 13871234567"),
        ("", ""),
    ],
)
def test_numbers_as_they_are_written_are_kept_in_plain_form(typed, kept):
    assert contact_phone(typed, field="contact_phone") == kept


@pytest.mark.parametrize(
    "typed", ["0710-abc", "0710-三五一一", "123456", "0710-3511004-0710-3511005-0710", "转8001"]
)
def test_anything_else_is_refused_on_its_field(typed):
    with pytest.raises(DomainError) as refused:
        contact_phone(typed, field="phone")
    assert refused.value.field == "phone"
