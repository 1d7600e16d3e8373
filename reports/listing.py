"""Helpers the list exports share: reading a list's ids safely and naming an export's options."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from congress.errors import DomainError

T = TypeVar("T")
CHUNK = 2000


def scoped_id(query: QueryDict, name: str, queryset: QuerySet, label: str) -> int | None:
    """The id a list filter names, looked up through the scoped `queryset`: an id of another
    congress (or of a place the member may not see) is refused, not silently dropped, so the
    file never holds more than the member asked for."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if raw.isdigit() and queryset.filter(pk=int(raw)).exists():
        return int(raw)
    raise DomainError(
        _("The %(filter)s chosen for the export is not in this congress.") % {"filter": label},
        code="not_found",
        field=name,
    )


def name_of(model, pk: int) -> str:
    """The name of a chosen filter object (a station, a group, a unit), for the description;
    the model's scoped manager keeps it to the active congress."""
    return model.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


def titled(name: str, description: Iterable[tuple[str, str]]) -> str:
    """ "Name（value、value）": the export's name with its chosen options."""
    values = [str(value) for _label, value in description if value]
    return f"{name}（{'、'.join(values)}）" if values else str(name)


def subtitle(description: Iterable[tuple[str, str]]) -> str:
    """The title row under the sheet's title: the options in words."""
    return "；".join(f"{label}：{value}" for label, value in description)


def yes_no(value: bool) -> str:
    # The file's cells are Chinese like its headers.
    return "是" if value else "否"


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of `size`: a streamed queryset, a batch at a time, so what each batch
    needs (scores, names) comes in one query per batch."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def export_query(request, **preset: str) -> str:
    """The list page's query string for its "Export to Excel" link: its filters, without the
    page number and the page's own state (a job followed, a selection)."""
    query = request.GET.copy()
    for name in ("page", "job", "select", "export"):
        query.pop(name, None)
    for name, value in preset.items():
        query.setdefault(name, value)
    return query.urlencode()
