"""Template filters that mask personal data on lists and public pages: {% load masking %}."""

from __future__ import annotations

from django import template

from congress import masking

register = template.Library()


@register.filter
def mask_phone(value: object) -> str:
    return masking.mask_phone(value)


@register.filter
def mask_id(value: object) -> str:
    return masking.mask_id_number(value)


@register.filter
def mask_in_text(value: object) -> str:
    """Use before truncating or line-breaking: `{{ text|mask_in_text|truncatechars:40 }}`."""
    return masking.mask_in_text(value)
