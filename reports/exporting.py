"""Exports to Excel: an exporter declares its sheets; one renderer writes any of them.

An exporter is a small class: an identifier (its name in URLs and in the registry), a Chinese
name, the permission a member needs, the options it takes (the filters of the list page it
exports, or a quarter) and one `Sheet` per worksheet, each with its columns and a generator of
rows. `render_workbook` turns that into an .xlsx with openpyxl's write-only mode: rows stream
straight to the file, so a 10,000-deputy ranking never sits in memory as cells.

Every sheet gets what an office expects of a printed table: a title row (the congress and the
period), the header frozen below it with filters, number, percent and date formats, column
widths, a Chinese font, and A4 landscape printing that repeats the header rows on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, ClassVar
from urllib.parse import quote

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from congress.models import Congress, Membership

# The office's usual screen and print font; Excel and WPS fall back to a Song face if it is
# missing, LibreOffice to the CJK font it has.
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=11, family=3, charset=134)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, charset=134)
SUBTITLE_FONT = Font(name=FONT_NAME, size=10, color="555555", charset=134)
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True, color="FFFFFF", charset=134)
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
TOTAL_FONT = Font(name=FONT_NAME, size=11, bold=True, charset=134)
THIN = Side(style="thin", color="BBBBBB")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Excel's sheet names: at most 31 characters, none of these.
# Values written as they are, checked by exact type (a datetime, a subclass of date, is not).
PLAIN_TYPES = frozenset({int, float, Decimal, date, bool, type(None)})
SHEET_NAME_FORBIDDEN = str.maketrans({character: "_" for character in "[]:*?/\\"})

# Column formats: the Excel number format each kind of value is shown with.
FORMATS = {
    "text": "@",
    "int": "#,##0",
    "decimal": "#,##0.0",
    # One decimal always, a second when there is one (12.0, 12.5, 12.25); "0.##" would show "12."
    "points": "0.0#",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "signed": "+0;-0;0",
}


@dataclass(frozen=True)
class Column:
    """One column: its header, width in characters and the kind of value (a FORMATS key)."""

    header: str
    width: float = 12
    kind: str = "general"

    def __post_init__(self) -> None:
        if self.kind != "general" and self.kind not in FORMATS:
            raise ValueError(f"Unknown column kind {self.kind!r}")


@dataclass
class Sheet:
    """One worksheet: a title line, columns, rows and, optionally, what follows the table.

    `rows` is iterated once, while the file is written. `total` (how many rows to expect)
    drives the progress shown on the page. `totals` is a last row in bold (sums, rates).
    `after` is called with the worksheet and the number of the table's last row once the rows
    are written, to add a chart. `notes` are lines under the table (definitions of figures).
    """

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # None: no title line, the header is row 1 (a file meant to be imported back).
    title: str | None = ""
    subtitle: str = ""
    total: int | None = None
    totals: Sequence[Any] | None = None
    notes: Sequence[str] = ()
    after: Callable[[Any, int, int], None] | None = None
    # Called with the worksheet before any row is written (data validations, widths).
    before: Callable[[Any], None] | None = None
    hidden: bool = False


class Exporter:
    """The base of every export. Subclasses set the class attributes and implement `sheets`;
    list exports usually also implement `options_from_query` and `describe`."""

    identifier: ClassVar[str] = ""
    name: ClassVar[str] = ""
    permission: ClassVar[str] = ""
    # Days a produced file is kept for download; None keeps it (the quarterly workbook is filed).
    keep_days: ClassVar[int | None] = 7
    # The label of a row count on the export page ("deputies", "suggestions").
    unit: ClassVar[str] = ""

    def __init__(
        self, *, congress: Congress, membership: Membership | None, options: dict | None = None
    ):
        self.congress = congress
        self.membership = membership
        self.options = options or {}

    # What the page asks -------------------------------------------------------------------

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        """The JSON-able options a request's query string asks for (a list page's filters);
        raise DomainError for ones that cannot be exported. Ids must be looked up through the
        scope, so that another congress's id is refused."""
        return {}

    def describe(self) -> list[tuple[str, str]]:
        """The options in words, for the page and the file's title rows."""
        return []

    def count(self) -> int | None:
        """How many rows the main sheet will have, shown before exporting (None: unknown)."""
        return None

    def title(self) -> str:
        """The export's name with its options, as the page and the list of exports show it."""
        return str(self.name)

    def file_name(self) -> str:
        return f"{self.title()}-{timezone.localdate():%Y%m%d}.xlsx"

    def list_url(self) -> str:
        """The page the export came from, for a link back (empty: none)."""
        return ""

    # What the file holds ------------------------------------------------------------------

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def heading(self, subject: str) -> str:
        """A sheet's title line: the congress, then what the sheet is."""
        return f"{self.congress.name} {subject}"


def attachment_disposition(file_name: str, fallback: str) -> str:
    """Content-Disposition with the Chinese name (RFC 6266) and a plain one for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"


REGISTRY: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter available to the export pages and jobs."""
    if not exporter.identifier or not exporter.permission:
        raise ValueError(f"{exporter.__name__} needs an identifier and a permission")
    existing = REGISTRY.get(exporter.identifier)
    if existing is not None and existing is not exporter:
        raise ValueError(f"Two exporters are called {exporter.identifier!r}")
    REGISTRY[exporter.identifier] = exporter
    return exporter


def exporter_class(identifier: str) -> type[Exporter] | None:
    return REGISTRY.get(identifier)


# --- The renderer ----------------------------------------------------------------------------


ProgressCallback = Callable[[int, str], None]


def render_workbook(
    exporter: Exporter, output: IO[bytes], *, progress: ProgressCallback | None = None
) -> int:
    """Write the exporter's sheets as an .xlsx to `output`; returns the rows of its data: the
    rows of the sheets that say how many to expect (`total`), or of every sheet when none does
    (never title, header, total or note rows; a guide sheet beside a roster is not data)."""
    workbook = Workbook(write_only=True)
    # Cells written without a style of their own use the workbook's first font: make it the
    # Chinese one, so that 10,000 rows need no styled cell each.
    workbook._fonts = IndexedList([BODY_FONT])
    counted, every = 0, 0
    for sheet in exporter.sheets():
        rows = _write_sheet(workbook, sheet, progress)
        every += rows
        if sheet.total is not None:
            counted += rows
    workbook.save(output)
    return counted or every


def sheet_name(name: str) -> str:
    return name.translate(SHEET_NAME_FORBIDDEN)[:31] or "Sheet"


def _write_sheet(workbook: Workbook, sheet: Sheet, progress: ProgressCallback | None) -> int:
    worksheet = workbook.create_sheet(sheet_name(sheet.name))
    columns = list(sheet.columns)
    width = max(len(columns), 1)
    last_letter = get_column_letter(width)
    for index, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    if sheet.hidden:
        worksheet.sheet_state = "hidden"
    titled = sheet.title is not None
    title_rows = (1 + bool(sheet.subtitle)) if titled else 0
    header_row = title_rows + 1
    # Written before the first row: the writer puts the sheet's view at the top of the file.
    worksheet.freeze_panes = f"A{header_row + 1}"
    if sheet.before is not None:
        sheet.before(worksheet)

    if titled:
        worksheet.append([_styled(worksheet, sheet.title or sheet.name, TITLE_FONT)])
        worksheet.row_dimensions[1].height = 26
        if sheet.subtitle:
            worksheet.append([_styled(worksheet, sheet.subtitle, SUBTITLE_FONT)])
    header = []
    for column in columns:
        cell = _styled(worksheet, column.header, HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    worksheet.append(header)

    # One styled cell per formatted column, reused row after row: the writer serialises each
    # row as it is appended, so only the value changes (a new styled cell per value would
    # double the time of a large sheet).
    formatted = [_format_cell(worksheet, column) for column in columns]
    plain = all(cell is None for cell in formatted)
    count = 0
    step = max((sheet.total or 0) // 20, 500)
    for row in sheet.rows:
        if plain:
            worksheet.append([_safe(worksheet, value) for value in row])
        else:
            worksheet.append(
                [
                    _into(worksheet, formatted[index], value)
                    if index < len(formatted)
                    else _safe(worksheet, value)
                    for index, value in enumerate(row)
                ]
            )
        count += 1
        if progress is not None and sheet.total and count % step == 0:
            progress(count * 100 // sheet.total, sheet.name)
    last_row = header_row + count
    if sheet.totals is not None:
        worksheet.append(
            [
                _styled(worksheet, value, TOTAL_FONT, _number_format(columns, index))
                for index, value in enumerate(sheet.totals)
            ]
        )
    if sheet.notes:
        worksheet.append([])
    for note in sheet.notes:
        worksheet.append([_styled(worksheet, note, SUBTITLE_FONT)])

    if titled:
        worksheet.merged_cells.add(f"A1:{last_letter}1")
        if sheet.subtitle:
            worksheet.merged_cells.add(f"A2:{last_letter}2")
    worksheet.auto_filter.ref = f"A{header_row}:{last_letter}{max(last_row, header_row)}"
    worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_options.horizontalCentered = True
    worksheet.page_margins.left = worksheet.page_margins.right = 0.4
    worksheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    if sheet.after is not None:
        sheet.after(worksheet, header_row, last_row)
    return count


def _number_format(columns: Sequence[Column], index: int) -> str | None:
    if index >= len(columns):
        return None
    return FORMATS.get(columns[index].kind)


def _styled(worksheet, value, font: Font, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    cell.font = font
    if number_format:
        cell.number_format = number_format
    return cell


def _format_cell(worksheet, column: Column) -> WriteOnlyCell | None:
    if column.kind in ("general", "text"):
        return None
    cell = WriteOnlyCell(worksheet)
    cell.number_format = FORMATS[column.kind]
    return cell


def _into(worksheet, cell: WriteOnlyCell | None, value):
    """The value in the column's formatted cell (text and empty values go as they are)."""
    value = _safe(worksheet, value)
    if cell is None or value is None or isinstance(value, str | Cell):
        return value
    cell.value = value
    return cell


def _safe(worksheet, value):
    """Text stays text: a name or message starting with "=" must not become a formula that
    runs in the workbook a leader opens. Aware datetimes are written in local time (Excel has
    no time zones)."""
    kind = type(value)
    if kind in PLAIN_TYPES:
        # Most cells of a large sheet (numbers, days, empty): nothing to guard.
        return value
    if kind is str and not value.startswith("="):
        return value
    if isinstance(value, Promise):
        # A choice's label (lazy translation) is written in the active language.
        value = str(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value
