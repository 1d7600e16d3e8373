"""Roster workbooks: the import template and the export, with the same columns to round-trip.

The export is a registered exporter ("roster") written by the shared renderer: no title rows (the
header is row 1, as the import expects), the same dropdowns, guide sheet and hidden list sheet
as the template.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from congress.masking import mask_phone
from congress.models import Membership
from congress.permissions import membership_can
from deputies.importers import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXAMPLE_NAME,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    choice_display,
    choice_labels,
)
from deputies.models import Deputy, DeputyLevel, DeputyStatus, Gender, OccupationClass, Party
from liaison.models import DeputyGroup, GroupMembership, LiaisonStation
from reports.exporting import Column, Exporter, Sheet, register, sheet_name
from reports.listing import scoped_id, titled

# The roster sheet's name is part of the file format, like its headers.
ROSTER_SHEET = "代表名册"
WIDTHS = {
    "name": 12,
    "gender": 8,
    "ethnicity": 10,
    "birth_date": 13,
    "party": 16,
    "occupation_class": 16,
    "workplace_title": 32,
    "phone": 15,
    "level": 14,
    "term": 8,
    "electoral_district": 20,
    "groups": 28,
}
# Choice columns get a dropdown fed from the hidden list sheet, in this order.
DROPDOWN_COLUMNS = ("level", "gender", "party", "occupation_class", "ethnicity")
# The kind of each roster column in the export (the renderer's number formats).
KINDS = {"birth_date": "date", "term": "int", "phone": "text"}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
EXAMPLE_FONT = Font(italic=True, color="808080")


def template_file_name() -> str:
    return _("Roster import template") + ".xlsx"


def export_file_name(day: date) -> str:
    title = _("Deputy roster")
    return f"{title}-{day:%Y%m%d}.xlsx"


def _guide_rows() -> list[list[str]]:
    labels = choice_labels()
    explanations = {
        "name": _("The deputy's full name."),
        "gender": _("Male or female."),
        "ethnicity": _("One of the 56 ethnic groups, such as 汉族. Left empty, 汉族 is assumed."),
        "birth_date": _(
            "Written like 1975-03-08, 1975/3/8, 1975.3.8 or 1975年3月8日, or a date cell."
        ),
        "party": _("Political affiliation, from the list."),
        "occupation_class": _("Occupation class, from the list."),
        "workplace_title": _("Workplace and title, such as 某某镇人民政府镇长."),
        "phone": _(
            "An 11-digit mobile number. A deputy already on the roster with this number is "
            "updated instead of being added again."
        ),
        "level": _("The level of congress that elected the deputy, from the list."),
        "term": _("The number of the congress, such as 17 for the 17th."),
        "electoral_district": _("The electoral district, or the unit that elected the deputy."),
        "groups": _(
            "Names of groups that already exist in this congress, separated by 、 or ；. "
            "Memberships are added, never removed."
        ),
    }
    required = {"name", "gender", "level", "term"}
    rows = [[_("Column"), _("Required"), _("How to fill it in"), _("Allowed values")]]
    for column in COLUMNS:
        allowed = ""
        if column.key == "ethnicity":
            allowed = _("the 56 ethnic groups (choose in the cell)")
        elif column.key in labels:
            allowed = "、".join(labels[column.key])
        rows.append(
            [
                column.header,
                _("required") if column.key in required else _("optional"),
                explanations[column.key],
                allowed,
            ]
        )
    rows.append([])
    for note in (
        _("Row 2 of the roster sheet is an example and is skipped on import: write over it."),
        _(
            "An upload is checked first: you see every row's errors and what will be added or "
            "updated, and nothing changes until you confirm. One error stops the whole import."
        ),
        _(
            "A deputy is matched by mobile number, or else by name and birth date, so "
            "uploading the same file again updates the roster rather than duplicating it."
        ),
        _("At most %(rows)s deputies and %(size)s MB per file.")
        % {"rows": MAX_ROWS, "size": MAX_UPLOAD_BYTES // (1024 * 1024)},
    ):
        rows.append([note])
    return rows


def _example_row(group_names: list[str]) -> list:
    return [
        EXAMPLE_NAME,
        choice_display("gender", Gender.MALE),
        "汉族",
        date(1975, 3, 8),
        choice_display("party", Party.CPC),
        choice_display("occupation_class", OccupationClass.PROFESSIONAL),
        "某某区第一中学校长",
        "13800000000",
        choice_display("level", DeputyLevel.COUNTY),
        17,
        "第一选区",
        "、".join(group_names[:2]),
    ]


def write_roster_template(example_groups: list[str]) -> bytes:
    """The import template: header, an example row, dropdowns, a guide sheet and a hidden list
    sheet (the export writes the same format through the shared renderer, RosterExporter)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ROSTER_SHEET)
    guide = workbook.create_sheet(_("How to fill in"))
    lists = workbook.create_sheet(_("Lists"))
    lists.sheet_state = "hidden"

    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column.key]
    sheet.freeze_panes = "A2"
    add_dropdowns(sheet, lists_title=lists.title)

    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    example = []
    for value in _example_row(example_groups):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = EXAMPLE_FONT
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        example.append(cell)
    sheet.append(example)

    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 70
    guide.column_dimensions["D"].width = 60
    for row in _guide_rows():
        guide.append(row)

    columns = [[_column_header(key), *choice_labels()[key]] for key in DROPDOWN_COLUMNS]
    for values in _transpose(columns):
        lists.append(values)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def add_dropdowns(sheet, *, lists_title: str, last_row: int = 0) -> None:
    """Dropdowns on the choice columns, fed from the hidden list sheet, down to the last row a
    file may have (or the last exported row, if more)."""
    labels = choice_labels()
    last = max(MAX_ROWS + 1, last_row)
    list_sheet_ref = quote_sheet(lists_title)
    for list_index, key in enumerate(DROPDOWN_COLUMNS, start=1):
        letter = get_column_letter(list_index)
        column_letter = get_column_letter(_column_index(key))
        validation = DataValidation(
            type="list",
            formula1=f"{list_sheet_ref}!${letter}$2:${letter}${len(labels[key]) + 1}",
            allow_blank=True,
            # A warning, not a stop: the import also understands common synonyms.
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=_("Not in the list"),
            error=_("Choose a value from the list, or check the guide sheet."),
        )
        validation.add(f"{column_letter}2:{column_letter}{last}")
        sheet.data_validations.append(validation)


def quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _column_index(key: str) -> int:
    return [column.key for column in COLUMNS].index(key) + 1


def _column_header(key: str) -> str:
    return COLUMN_BY_KEY[key].header


def _transpose(columns: list[list[str]]) -> list[list[str | None]]:
    height = max(len(column) for column in columns)
    return [
        [column[index] if index < len(column) else None for column in columns]
        for index in range(height)
    ]


def roster_template() -> bytes:
    """The empty roster with an example row, for staff to fill in."""
    group_names = list(DeputyGroup.objects.order_by("kind", "name").values_list("name", flat=True))
    return write_roster_template(group_names)


def deputy_row(deputy: Deputy, group_names: list[str]) -> list:
    """One deputy as a roster row, the way the import reads it back."""
    return [
        deputy.name,
        choice_display("gender", deputy.gender),
        deputy.ethnicity,
        deputy.birth_date,
        choice_display("party", deputy.party),
        choice_display("occupation_class", deputy.occupation_class),
        deputy.workplace_title,
        deputy.phone,
        choice_display("level", deputy.level),
        deputy.term,
        deputy.electoral_district,
        "、".join(group_names),
    ]


def _filter_labels(filters: dict, group: str, station: str) -> list[tuple[str, str]]:
    labels = []
    if filters["q"]:
        labels.append((_("Search"), filters["q"]))
    if filters["level"]:
        labels.append((_("Level"), str(DeputyLevel(filters["level"]).label)))
    if filters["status"]:
        labels.append((_("Status"), str(DeputyStatus(filters["status"]).label)))
    if group:
        labels.append((_("Group"), group))
    if station:
        labels.append((_("Station"), station))
    return labels


@register
class RosterExporter(Exporter):
    """The roster as the deputy list's filters narrow it, in the import's own file format."""

    identifier = "roster"
    name = "代表名册"
    permission = "deputies.export_roster"
    unit = gettext_lazy("deputies")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        from deputies.forms import DeputyFilterForm

        filters = DeputyFilterForm(query).filters()
        # Ids from the query string are fetched through the scope: another congress's is refused.
        filters["group_id"] = scoped_id(query, "group", DeputyGroup.objects.all(), _("group"))
        filters["station_id"] = scoped_id(
            query, "station", LiaisonStation.objects.all(), _("station")
        )
        return filters

    @property
    def filters(self) -> dict:
        keys = ("q", "level", "status", "group_id", "station_id")
        return {
            key: self.options.get(key) or ("" if key in ("q", "level", "status") else None)
            for key in keys
        }

    def describe(self) -> list[tuple[str, str]]:
        filters = self.filters
        group = station = ""
        if filters["group_id"]:
            group = (
                DeputyGroup.objects.filter(pk=filters["group_id"])
                .values_list("name", flat=True)
                .first()
                or ""
            )
        if filters["station_id"]:
            station = (
                LiaisonStation.objects.filter(pk=filters["station_id"])
                .values_list("name", flat=True)
                .first()
                or ""
            )
        return _filter_labels(filters, group, station)

    def title(self) -> str:
        return titled(self.name, self.describe())

    def list_url(self) -> str:
        return reverse("deputies:list", kwargs={"congress_slug": self.congress.slug})

    def queryset(self):
        from deputies.selectors import deputy_list

        # The list's own selector and filters, so the export holds exactly what the list showed;
        # only the groups are needed, sorted by name as the import writes them back.
        return (
            deputy_list(membership=self.membership, **self.filters)
            .prefetch_related(None)
            .prefetch_related(
                Prefetch(
                    "group_memberships",
                    queryset=GroupMembership.objects.select_related("group").order_by(
                        "group__name"
                    ),
                )
            )
        )

    def count(self) -> int:
        return self.queryset().count()

    def sheets(self) -> Iterator[Sheet]:
        queryset = self.queryset()
        total = queryset.count()
        lists_title = sheet_name(_("Lists"))

        # Committee staff get the numbers to import back; a leader's copy has them masked, as
        # every page but the deputy's own shows them to a leader.
        full_phone = self.membership is not None and membership_can(
            self.membership, "deputies.manage_roster"
        )
        phone_at = _column_index("phone") - 1

        def rows() -> Iterator[list]:
            for deputy in queryset.iterator(chunk_size=2000):
                names = [link.group.name for link in deputy.group_memberships.all()]
                row = deputy_row(deputy, names)
                if not full_phone:
                    row[phone_at] = mask_phone(row[phone_at])
                yield row

        yield Sheet(
            name=ROSTER_SHEET,
            title=None,
            columns=[
                Column(column.header, WIDTHS[column.key], KINDS.get(column.key, "general"))
                for column in COLUMNS
            ],
            rows=rows(),
            total=total,
            before=lambda sheet: add_dropdowns(sheet, lists_title=lists_title, last_row=total + 1),
        )
        guide = _guide_rows()
        yield Sheet(
            name=_("How to fill in"),
            title=None,
            columns=[
                Column(header, width)
                for header, width in zip(guide[0], (18, 8, 70, 60), strict=True)
            ],
            rows=guide[1:],
        )
        labels = choice_labels()
        yield Sheet(
            name=lists_title,
            title=None,
            columns=[Column(_column_header(key), 16) for key in DROPDOWN_COLUMNS],
            rows=_transpose([list(labels[key]) for key in DROPDOWN_COLUMNS]),
            hidden=True,
        )
