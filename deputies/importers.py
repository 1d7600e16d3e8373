"""Roster import from Excel: check the file, read each row, preview, then commit all at once."""

from __future__ import annotations

import copy
import io
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from congress.errors import DomainError
from congress.history import history_bulk_record
from congress.models import Congress, JobRun, JobStatus, User
from congress.services import job_run_enqueue
from deputies.models import (
    ETHNICITIES,
    Deputy,
    DeputyLevel,
    Gender,
    OccupationClass,
    Party,
    RosterImport,
    RosterImportStatus,
)
from liaison.models import DeputyGroup, GroupMembership

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# Cells beyond these columns are not read: a roster has about twenty, and a cell in the sheet's
# last column (XFD) would otherwise make every row 16,384 cells wide.
MAX_COLUMNS = 100
# Lines read in all, blank ones included: a sheet of blank rows must not keep a worker busy.
MAX_LINES = 2 * MAX_ROWS
# A real roster of 10,000 rows unpacks to a few MB at a ratio near 10; a zip bomb does not.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# Staff sometimes put a title line above the header; it is looked for in the first rows.
HEADER_SEARCH_ROWS = 10
BATCH_SIZE = 500

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The template's example row is skipped if it is left in the file unchanged.
EXAMPLE_NAME = "张三（示例）"

ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class Column:
    """One column of the roster file.

    The headers are the file format itself, shared by the template, the export and the import,
    so they are fixed Chinese text rather than translated; a few common variants are accepted.
    """

    key: str  # a Deputy field, or "groups"
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("代表姓名",), required=True),
    Column("gender", "性别", required=True),
    Column("ethnicity", "民族"),
    Column("birth_date", "出生日期", ("出生年月日", "出生年月", "生日")),
    Column("party", "政治面貌", ("党派",)),
    Column("occupation_class", "职业类别", ("职业构成", "代表构成", "职业")),
    Column(
        "workplace_title",
        "单位职务",
        ("工作单位及职务", "工作单位和职务", "单位及职务", "工作单位职务", "工作单位"),
    ),
    Column("phone", "手机号", ("手机号码", "手机", "移动电话", "联系电话")),
    Column("level", "代表层级", ("层级", "代表级别", "级别")),
    Column("term", "届次", ("届别", "届数"), required=True),
    Column(
        "electoral_district",
        "选区或原选举单位",
        ("选区", "原选举单位", "选举单位", "选区/原选举单位", "选区（原选举单位）"),
    ),
    Column("groups", "所在代表小组", ("代表小组", "所属代表小组", "小组")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = tuple(column.header for column in COLUMNS)
# level is required too, but a blank level is reported like any unknown value.
DEPUTY_FIELDS = tuple(column.key for column in COLUMNS if column.key != "groups")
GROUP_SEPARATORS = re.compile(r"[、;；,，\n]+")

# Common ways staff write the choices, beside the labels the catalog translates.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "level": {
        DeputyLevel.NATIONAL: ("全国人大代表", "全国", "全国级", "国家级", "全国人民代表大会代表"),
        DeputyLevel.PROVINCIAL: ("省级代表", "省级", "省人大代表", "省级人大代表", "省"),
        DeputyLevel.CITY: ("市级代表", "市级", "市人大代表", "市级人大代表", "市", "州级"),
        DeputyLevel.COUNTY: (
            "县级代表",
            "县级",
            "区级",
            "区级代表",
            "县区级",
            "县(区)级",
            "县(市、区)级",
            "县人大代表",
            "区人大代表",
            "县级人大代表",
            "区级人大代表",
            "县",
            "区",
            "旗级",
        ),
        DeputyLevel.TOWNSHIP: (
            "乡镇级代表",
            "乡镇级",
            "乡级",
            "镇级",
            "乡镇",
            "乡",
            "镇",
            "乡镇人大代表",
            "乡人大代表",
            "镇人大代表",
        ),
    },
    "gender": {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")},
    "party": {
        Party.CPC: (
            "中共党员",
            "中国共产党党员",
            "中共预备党员",
            "共产党员",
            "党员",
            "预备党员",
            "中共",
        ),
        Party.MASSES: ("群众",),
        Party.RCCK: ("民革党员", "民革会员", "民革"),
        Party.CDL: ("民盟盟员", "民盟"),
        Party.CNDCA: ("民建会员", "民建"),
        Party.CAPD: ("民进会员", "民进"),
        Party.CPWDP: ("农工党党员", "农工党", "农工民主党"),
        Party.ZGD: ("致公党党员", "致公党"),
        Party.JIUSAN: ("九三学社社员", "九三学社"),
        Party.TDSGL: ("台盟盟员", "台盟"),
        Party.INDEPENDENT: ("无党派人士", "无党派"),
    },
    "occupation_class": {
        OccupationClass.WORKER: ("工人",),
        OccupationClass.FARMER: ("农民",),
        OccupationClass.PROFESSIONAL: ("专业技术人员", "专业技术", "专技人员"),
        OccupationClass.OFFICIAL: ("党政干部", "党政领导干部", "干部"),
        OccupationClass.BUSINESS: ("企业负责人", "企业管理人员"),
        OccupationClass.MILITARY: ("解放军和武警", "军人", "解放军", "武警"),
        OccupationClass.OTHER: ("其他",),
    },
}
CHOICE_ENUMS = {
    "level": DeputyLevel,
    "gender": Gender,
    "party": Party,
    "occupation_class": OccupationClass,
}
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DATE_FORMATS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)
TERM_TEXT = re.compile(r"第?\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:届)?")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
ACTIONS = ("create", "update", "unchanged", "error")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (not Excel, too big, wrong headers, …)."""


def _key(text: str) -> str:
    """How a label or header is compared: no spaces, half-width brackets, lower case."""
    text = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")")
    return text.replace("*", "").replace("＊", "").lower()


def choice_labels() -> dict[str, list[str]]:
    """The Chinese labels of each choice column, as the template's dropdowns offer them."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = {key: [str(label) for label in enum.labels] for key, enum in CHOICE_ENUMS.items()}
    labels["ethnicity"] = list(ETHNICITIES)
    return labels


def choice_display(key: str, value: str) -> str:
    """The label the export writes for a stored choice value."""
    if key == "ethnicity" or not value:
        return value
    with translation.override(settings.LANGUAGE_CODE):
        return str(CHOICE_ENUMS[key](value).label)


def choice_vocabulary() -> dict[str, dict[str, str]]:
    """Everything the import understands in each choice column, mapped to the stored value."""
    vocabulary: dict[str, dict[str, str]] = {}
    for key, enum in CHOICE_ENUMS.items():
        words: dict[str, str] = {}
        # The stored values and the English labels are understood too (files written by other
        # systems); the synonyms next, and the catalog's label wins over them all.
        with translation.override("en"):
            for value, label in enum.choices:
                words[_key(value)] = value
                words[_key(str(label))] = value
        for value, synonyms in SYNONYMS[key].items():
            for synonym in synonyms:
                words[_key(synonym)] = value
        with translation.override(settings.LANGUAGE_CODE):
            for value, label in enum.choices:
                words[_key(str(label))] = value
        vocabulary[key] = words
    ethnicities = {_key(name): name for name in ETHNICITIES}
    for name in ETHNICITIES:
        ethnicities.setdefault(_key(name.removesuffix("族")), name)
    vocabulary["ethnicity"] = ethnicities
    return vocabulary


# --- Checking the file before anything parses it -------------------------------------------


def check_workbook_file(file) -> None:
    """Refuse anything that is not a plausible .xlsx, before openpyxl opens it.

    Only the zip directory is read: the sizes it declares bound what can be unpacked, because
    Python's zip reader stops at the declared size of each member.
    """
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not head:
        raise ImportFileError(_("The file is empty."))
    if head.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            _(
                "This is an old Excel 97-2003 (.xls) file or a password-protected workbook. "
                "Open it in Excel or WPS, remove any password, save it as an Excel workbook "
                "(.xlsx) and upload that file."
            )
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise ImportFileError(
            _(
                "This file is not an Excel workbook (.xlsx). Download the template, fill it in "
                "and upload it."
            )
        )
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ImportFileError(_("The file is damaged: it cannot be read as a workbook.")) from error
    finally:
        file.seek(0)
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise ImportFileError(
            _(
                "This file is not an Excel workbook (.xlsx). Download the template, fill it in "
                "and upload it."
            )
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    too_tight = unpacked > RATIO_CHECK_FROM_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(
        packed, 1
    )
    if unpacked > MAX_UNCOMPRESSED_BYTES or too_tight:
        raise ImportFileError(
            _(
                "The file was refused: it unpacks to more than %(limit)s MB or is compressed "
                "suspiciously tightly. A real roster is much smaller; save it again from Excel."
            )
            % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )


def upload_too_large_message() -> str:
    return _("The file is larger than %(limit)s MB. Split the roster into smaller files.") % {
        "limit": MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def check_upload(upload) -> None:
    """The checks an uploaded file passes before it is stored: size, then content."""
    if upload.size == 0:
        raise ImportFileError(_("The file is empty."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(upload_too_large_message())
    check_workbook_file(upload)


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (then cells are also read as formulas)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(1024 * 1024):
                    if FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


# --- Reading the rows ------------------------------------------------------------------------


@dataclass
class ReadResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    skipped_example: bool = False


def cell_error(line: int, column: str, problem: str) -> dict:
    return {
        "line": line,
        "column": column,
        "message": _("Row %(line)s, %(column)s: %(problem)s")
        % {"line": line, "column": column, "problem": problem},
    }


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(value) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    # Array and data-table formulas come back as objects rather than text.
    return value is not None and type(value).__name__.endswith("Formula")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 as an integer; None for anything else."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return CHINESE_DIGITS.get(text) if len(text) == 1 else None
    tens_text, _sep, units_text = text.partition("十")
    if "十" in units_text:
        return None
    tens = CHINESE_DIGITS.get(tens_text, 0) if tens_text else 1
    units = CHINESE_DIGITS.get(units_text, 0) if units_text else 0
    if (tens_text and tens_text not in CHINESE_DIGITS) or (
        units_text and units_text not in CHINESE_DIGITS
    ):
        return None
    return tens * 10 + units


class _RowReader:
    """Turns one row's cells into the deputy's field values, collecting errors by column."""

    def __init__(self, vocabulary: dict[str, dict[str, str]], today: date):
        self.vocabulary = vocabulary
        self.today = today

    def read(self, line: int, cells: dict[str, object], formulas: dict[str, bool]) -> dict:
        errors: list[dict] = []
        values: dict[str, object] = {}

        def fail(key: str, problem: str) -> None:
            errors.append(cell_error(line, COLUMN_BY_KEY[key].header, problem))

        for key in (*DEPUTY_FIELDS, "groups"):
            raw = cells.get(key)
            if raw is None and formulas.get(key):
                fail(
                    key,
                    _(
                        "the cell holds a formula with no calculated value; type the value "
                        "itself, or open the file in Excel and save it again"
                    ),
                )
                values[key] = None
                continue
            if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
                fail(key, _("the cell shows the Excel error %(value)s") % {"value": raw.strip()})
                values[key] = None
                continue
            try:
                values[key] = getattr(self, f"_{key}")(raw)
            except ValueError as error:
                fail(key, str(error))
                values[key] = None
        groups = values.pop("groups") or []
        return {
            "line": line,
            "values": values,
            "groups": groups,
            "invalid": bool(errors),
            "errors": errors,
        }

    @staticmethod
    def _required(value) -> str:
        text = _text(value)
        if not text:
            raise ValueError(_("this must be filled in"))
        return text

    @staticmethod
    def _limited(text: str, limit: int) -> str:
        if len(text) > limit:
            raise ValueError(_("too long: at most %(limit)s characters") % {"limit": limit})
        return text

    def _name(self, value) -> str:
        text = self._required(value)
        # Two-character names are often padded with a space to line up in printed lists.
        if re.fullmatch(r"[\u3400-\u9fff·\s]+", text):
            text = re.sub(r"\s+", "", text)
        else:
            text = re.sub(r"\s+", " ", text)
        return self._limited(text, 50)

    def _choice(self, key: str, value, *, required: bool) -> str:
        text = _text(value)
        if not text:
            if required:
                raise ValueError(_("this must be filled in"))
            return ""
        found = self.vocabulary[key].get(_key(text))
        if found is None:
            labels = "、".join(choice_labels()[key])
            raise ValueError(
                _("“%(value)s” is not a known value; use one of: %(choices)s")
                % {"value": text, "choices": labels}
            )
        return found

    def _gender(self, value) -> str:
        return self._choice("gender", value, required=True)

    def _level(self, value) -> str:
        return self._choice("level", value, required=True)

    def _party(self, value) -> str:
        return self._choice("party", value, required=False)

    def _occupation_class(self, value) -> str:
        return self._choice("occupation_class", value, required=False)

    def _ethnicity(self, value) -> str:
        text = _text(value)
        if not text:
            return "汉族"
        found = self.vocabulary["ethnicity"].get(_key(text))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of the 56 ethnic groups; write it like 汉族 or 回族")
                % {"value": text}
            )
        return found

    def _birth_date(self, value) -> str | None:
        if _blank(value):
            return None
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # A date typed into a cell that is not formatted as a date: Excel's day number.
            try:
                found = from_excel(value).date() if 1 <= value <= 2958465 else None
            except (OverflowError, ValueError):
                found = None
            if found is None:
                raise ValueError(
                    _("“%(value)s” is not a date; write it like 1975-03-08")
                    % {"value": _text(value)}
                )
        else:
            text = re.sub(r"\s+", "", str(value))
            found = None
            for pattern in DATE_FORMATS:
                match = pattern.fullmatch(text)
                if match:
                    try:
                        found = date(*(int(part) for part in match.groups()))
                    except ValueError:
                        found = None
                    break
            if found is None:
                raise ValueError(
                    _("“%(value)s” is not a date; write it like 1975-03-08") % {"value": text}
                )
        if not date(1900, 1, 1) <= found <= self.today:
            raise ValueError(
                _("%(value)s is not a plausible birth date") % {"value": found.isoformat()}
            )
        return found.isoformat()

    def _workplace_title(self, value) -> str:
        return self._limited(_text(value), 200)

    def _electoral_district(self, value) -> str:
        return self._limited(_text(value), 100)

    @staticmethod
    def _phone(value) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = _text(value)
        else:
            text = re.sub(r"[\s\-]", "", _text(value))
        if not text:
            return ""
        if not re.fullmatch(r"1\d{10}", text):
            raise ValueError(_("“%(value)s” is not an 11-digit mobile number") % {"value": text})
        return text

    @staticmethod
    def _term(value) -> int:
        text = _text(value)
        if not text:
            raise ValueError(_("this must be filled in"))
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = int(value) if float(value).is_integer() else None
        else:
            match = TERM_TEXT.fullmatch(text)
            if match:
                number = _chinese_number(match.group(1))
        if number is None or not 1 <= number <= 99:
            raise ValueError(
                _("“%(value)s” is not a term number; write it like 17") % {"value": text}
            )
        return number

    @staticmethod
    def _groups(value) -> list[str]:
        names: list[str] = []
        for part in GROUP_SEPARATORS.split(_text(value)):
            name = part.strip()
            if name and name not in names:
                names.append(name)
        return names


def _match_headers(cells: Iterable) -> dict[str, int]:
    """Column index of each known column in a header row (the first occurrence wins)."""
    lookup = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            lookup.setdefault(_key(text), column.key)
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        key = lookup.get(_key(_text(value))) if not _blank(value) else None
        if key is not None and key not in found:
            found[key] = index
    return found


def read_roster(data: bytes, progress: ProgressCallback | None = None) -> ReadResult:
    """Every row of the first worksheet as field values, with the errors found in each cell."""
    with_formulas = _has_formulas(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = (
            load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if with_formulas
            else None
        )
    except Exception as error:  # openpyxl raises many kinds for a broken package
        raise ImportFileError(_("The file is damaged: it cannot be read as a workbook.")) from error
    try:
        return _read_sheet(workbook, formula_book, progress)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The file is damaged: it cannot be read as a workbook.")) from error
    finally:
        workbook.close()
        if formula_book is not None:
            formula_book.close()


def _read_sheet(workbook, formula_book, progress: ProgressCallback | None) -> ReadResult:
    if not workbook.worksheets:
        raise ImportFileError(_("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    estimate = sheet.max_row or 0
    # Some programs declare a wrong used range; read the rows that are really there instead.
    sheet.reset_dimensions()
    formula_rows = None
    if formula_book is not None:
        formula_sheet = formula_book.worksheets[0]
        formula_sheet.reset_dimensions()
        # Both readers walk the same sheet XML, so their rows line up one for one.
        formula_rows = iter(formula_sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    reader = _RowReader(choice_vocabulary(), timezone.localdate())
    result = ReadResult()
    columns: dict[str, int] | None = None
    first_line_seen: tuple | None = None
    data_rows = 0
    tenth = 0
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    for line, cells in enumerate(rows, start=1):
        if line > MAX_LINES:
            raise ImportFileError(
                _(
                    "The worksheet has more than %(limit)s lines, empty ones included. Delete "
                    "the empty rows below the roster and upload it again."
                )
                % {"limit": MAX_LINES}
            )
        formula_cells = next(formula_rows, None) if formula_rows is not None else None
        if all(_blank(value) for value in cells):
            continue
        if columns is None:
            if first_line_seen is None:
                first_line_seen = cells
            found = _match_headers(cells)
            if "name" in found and len(found) >= 3:
                missing = [column.header for column in COLUMNS if column.key not in found]
                if missing:
                    raise ImportFileError(
                        _(
                            "The header row lacks these columns: %(columns)s. Use the header "
                            "row of the template."
                        )
                        % {"columns": "、".join(missing)}
                    )
                columns = found
                continue
            if line >= HEADER_SEARCH_ROWS:
                break
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows of deputies. Split it into files of "
                    "at most %(limit)s rows each."
                )
                % {"limit": MAX_ROWS}
            )
        row_cells = {
            key: cells[index] if index < len(cells) else None for key, index in columns.items()
        }
        formulas = {}
        if formula_cells is not None:
            formulas = {
                key: index < len(formula_cells) and _is_formula(formula_cells[index])
                for key, index in columns.items()
            }
        if _text(row_cells.get("name")) == EXAMPLE_NAME:
            result.skipped_example = True
            continue
        row = reader.read(line, row_cells, formulas)
        result.errors.extend(row.pop("errors"))
        result.rows.append(row)
        if progress is not None and estimate and line * 10 // estimate > tenth:
            tenth = min(line * 10 // estimate, 10)
            progress(5 + tenth * 6, _("Read %(count)s rows") % {"count": data_rows})
    if columns is None:
        if first_line_seen is None:
            raise ImportFileError(_("The worksheet is empty: there is no header and no deputy."))
        found = _match_headers(first_line_seen)
        missing = [column.header for column in COLUMNS if column.key not in found]
        raise ImportFileError(
            _(
                "The header row lacks these columns: %(columns)s. Use the header row of the "
                "template."
            )
            % {"columns": "、".join(missing)}
        )
    if not result.rows:
        raise ImportFileError(
            _("The file has no deputies: fill in at least one row under the header.")
        )
    return result


# --- Planning: what committing each row would do ----------------------------------------------


@dataclass
class Plan:
    rows: list[dict]
    errors: list[dict]
    deputies: dict[int, Deputy]
    groups: dict[str, DeputyGroup]
    memberships: set[tuple[int, int]]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row["action"]] += 1
        counts["total"] = len(self.rows)
        return counts


def _stored(deputy: Deputy, key: str):
    value = getattr(deputy, key)
    return value.isoformat() if isinstance(value, date) else value


def display_value(key: str, value) -> str:
    """A field value as the preview and the export show it."""
    if value is None or value == "":
        return ""
    if key in CHOICE_ENUMS:
        return choice_display(key, value)
    return str(value)


def plan_rows(rows: list[dict]) -> Plan:
    """Match each row to the roster and decide: create, update, unchanged, or an error.

    Four queries whatever the number of rows: the roster, the groups, the memberships, and
    nothing per row.
    """
    deputies = {deputy.pk: deputy for deputy in Deputy.objects.order_by()}
    by_phone = {deputy.phone: deputy for deputy in deputies.values() if deputy.phone}
    by_name_birth: dict[tuple[str, str], list[Deputy]] = defaultdict(list)
    for deputy in deputies.values():
        if deputy.birth_date:
            by_name_birth[(deputy.name, deputy.birth_date.isoformat())].append(deputy)
    groups = {group.name: group for group in DeputyGroup.objects.order_by()}
    group_ids = {name: group.pk for name, group in groups.items()}
    memberships = set(GroupMembership.objects.order_by().values_list("deputy_id", "group_id"))

    errors: list[dict] = []
    phone_lines: dict[str, int] = {}
    deputy_lines: dict[int, int] = {}
    new_lines: dict[tuple[str, str], tuple[int, str]] = {}
    for row in rows:
        line, values = row["line"], row["values"]
        row_errors: list[dict] = []
        name, phone, birth = values.get("name"), values.get("phone"), values.get("birth_date")

        unknown = [group for group in row["groups"] if group not in group_ids]
        for group in unknown:
            row_errors.append(
                cell_error(
                    line,
                    COLUMN_BY_KEY["groups"].header,
                    _("the group “%(value)s” does not exist; create it on the groups page first")
                    % {"value": group},
                )
            )
        if phone:
            if phone in phone_lines:
                row_errors.append(
                    cell_error(
                        line,
                        COLUMN_BY_KEY["phone"].header,
                        _("the mobile number %(phone)s is also on row %(other)s")
                        % {"phone": phone, "other": phone_lines[phone]},
                    )
                )
            else:
                phone_lines[phone] = line

        deputy = None
        if name:
            if phone and phone in by_phone:
                candidate = by_phone[phone]
                if candidate.name != name:
                    row_errors.append(
                        cell_error(
                            line,
                            COLUMN_BY_KEY["phone"].header,
                            _(
                                "the mobile number %(phone)s belongs to %(name)s, another "
                                "deputy on the roster"
                            )
                            % {"phone": phone, "name": candidate.name},
                        )
                    )
                else:
                    deputy = candidate
            elif birth:
                matches = by_name_birth.get((name, birth), [])
                if len(matches) == 1:
                    deputy = matches[0]
                elif matches:
                    row_errors.append(
                        cell_error(
                            line,
                            COLUMN_BY_KEY["name"].header,
                            _(
                                "%(count)s deputies on the roster have this name and birth "
                                "date; add the mobile number to tell them apart"
                            )
                            % {"count": len(matches)},
                        )
                    )
        if deputy is not None:
            if deputy.pk in deputy_lines:
                row_errors.append(
                    cell_error(
                        line,
                        COLUMN_BY_KEY["name"].header,
                        _("this is the same deputy as row %(other)s")
                        % {"other": deputy_lines[deputy.pk]},
                    )
                )
            else:
                deputy_lines[deputy.pk] = line
        elif name and birth and not row["invalid"]:
            # Two new rows with one name and birth date could never be told apart again
            # unless both carry a mobile number.
            earlier = new_lines.get((name, birth))
            if earlier is not None and not (phone and earlier[1]):
                row_errors.append(
                    cell_error(
                        line,
                        COLUMN_BY_KEY["name"].header,
                        _("this is the same deputy as row %(other)s") % {"other": earlier[0]},
                    )
                )
            elif earlier is None:
                new_lines[(name, birth)] = (line, phone or "")

        row["deputy_id"] = deputy.pk if deputy is not None else None
        row["changes"] = {}
        row["new_groups"] = []
        if row["invalid"] or row_errors:
            row["action"] = "error"
        elif deputy is None:
            row["action"] = "create"
        else:
            changes = {
                key: [display_value(key, _stored(deputy, key)), display_value(key, value)]
                for key, value in values.items()
                if _stored(deputy, key) != value
            }
            new_groups = [
                group for group in row["groups"] if (deputy.pk, group_ids[group]) not in memberships
            ]
            row["changes"] = changes
            row["new_groups"] = new_groups
            row["action"] = "update" if changes or new_groups else "unchanged"
        errors.extend(row_errors)
    return Plan(
        rows=rows,
        errors=errors,
        deputies=deputies,
        groups=groups,
        memberships=memberships,
    )


def _deputy_values(values: dict) -> dict:
    result = dict(values)
    if result.get("birth_date"):
        result["birth_date"] = date.fromisoformat(result["birth_date"])
    return result


def apply_plan(
    plan: Plan, *, congress: Congress, actor: User | None, progress: ProgressCallback | None
) -> dict[str, int]:
    """Write the plan in bulk: new deputies, changed fields, added group memberships."""
    now = timezone.now()
    created: list[tuple[dict, Deputy]] = []
    for row in plan.rows:
        if row["action"] == "create":
            deputy = Deputy(congress=congress, **_deputy_values(row["values"]))
            deputy.refresh_pinyin()
            created.append((row, deputy))
    Deputy.objects.bulk_create([deputy for _row, deputy in created], batch_size=BATCH_SIZE)
    history_bulk_record([deputy for _row, deputy in created], user=actor, history_type="+")
    if progress is not None:
        progress(50, _("Added %(count)s deputies") % {"count": len(created)})

    updated: list[Deputy] = []
    previous: dict[int, Deputy] = {}
    changed_fields: set[str] = set()
    for row in plan.rows:
        if row["action"] != "update" or not row["changes"]:
            continue
        deputy = plan.deputies[row["deputy_id"]]
        previous[deputy.pk] = copy.copy(deputy)
        for key, value in _deputy_values(row["values"]).items():
            if key in row["changes"]:
                setattr(deputy, key, value)
        changed_fields.update(row["changes"])
        if "name" in row["changes"]:
            deputy.refresh_pinyin()
            changed_fields.update({"name_pinyin", "name_initials"})
        deputy.updated_at = now
        updated.append(deputy)
    if updated:
        Deputy.objects.bulk_update(
            updated, sorted({*changed_fields, "updated_at"}), batch_size=BATCH_SIZE
        )
        history_bulk_record(updated, user=actor, history_type="~", previous=previous)
    if progress is not None:
        progress(75, _("Updated %(count)s deputies") % {"count": len(updated)})

    # Objects rather than ids on the new memberships, so that their history needs no queries.
    row_deputies = {row["line"]: deputy for row, deputy in created}
    new_memberships: list[GroupMembership] = []
    for row in plan.rows:
        if row["action"] not in ("create", "update"):
            continue
        deputy = row_deputies.get(row["line"]) or plan.deputies[row["deputy_id"]]
        for name in row["groups"]:
            group = plan.groups[name]
            if (deputy.pk, group.pk) not in plan.memberships:
                plan.memberships.add((deputy.pk, group.pk))
                new_memberships.append(
                    GroupMembership(congress=congress, deputy=deputy, group=group)
                )
    GroupMembership.objects.bulk_create(new_memberships, batch_size=BATCH_SIZE)
    history_bulk_record(new_memberships, user=actor, history_type="+")
    return {
        "create": len(created),
        "update": sum(1 for row in plan.rows if row["action"] == "update"),
        "unchanged": sum(1 for row in plan.rows if row["action"] == "unchanged"),
        "memberships": len(new_memberships),
    }


# --- The workflow: upload, preview, confirm, commit, discard --------------------------------


def _save_summary(roster_import: RosterImport, **fields) -> None:
    # Machine-written parts of an import (its preview, its job ids) are not audit events:
    # they are written without a history row; people's actions (upload, commit, discard) are.
    for name, value in fields.items():
        setattr(roster_import, name, value)
    RosterImport.objects.filter(pk=roster_import.pk).update(**fields)


@transaction.atomic
def roster_import_start(*, actor: User, congress: Congress, upload) -> RosterImport:
    """Store the uploaded file for the preview job and record the import; the job reads it."""
    from deputies.import_tasks import roster_import_preview_job

    check_upload(upload)
    upload.seek(0)
    storage_name = default_storage.save(f"imports/{congress.pk}/{uuid.uuid4().hex}.xlsx", upload)
    roster_import = RosterImport(
        congress=congress, file_name=(upload.name or "")[:255], created_by=actor, summary={}
    )
    roster_import._history_user = actor
    roster_import.save()
    job_run = job_run_enqueue(
        congress=congress,
        task=roster_import_preview_job,
        label=str(roster_import_preview_job.label),
        actor=actor,
        import_id=roster_import.pk,
        storage_name=storage_name,
    )
    _save_summary(roster_import, summary={"preview_job_id": job_run.pk})
    return roster_import


def roster_import_preview(
    *, roster_import: RosterImport, data: bytes | None, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Read and check the file, plan every row against the roster, and keep it all."""
    summary = dict(roster_import.summary)
    try:
        if data is None:
            raise ImportFileError(_("The uploaded file is no longer there. Upload it again."))
        if len(data) > MAX_UPLOAD_BYTES:
            raise ImportFileError(upload_too_large_message())
        check_workbook_file(io.BytesIO(data))
        read = read_roster(data, progress)
    except ImportFileError as error:
        summary.update(file_error=error.message, counts={**dict.fromkeys(ACTIONS, 0), "total": 0})
        _save_summary(roster_import, rows=[], errors=[], summary=summary)
        return summary["counts"]
    if progress is not None:
        progress(70, _("Comparing %(count)s rows with the roster") % {"count": len(read.rows)})
    plan = plan_rows(read.rows)
    errors = sorted([*read.errors, *plan.errors], key=lambda error: error["line"])
    summary.update(counts=plan.counts, skipped_example=read.skipped_example)
    _save_summary(roster_import, rows=plan.rows, errors=errors, summary=summary)
    return plan.counts


def _refuse_unless_committable(roster_import: RosterImport) -> None:
    if roster_import.status == RosterImportStatus.COMMITTED:
        raise DomainError(_("This file was already imported; it cannot be imported twice."))
    if roster_import.status == RosterImportStatus.DISCARDED:
        raise DomainError(_("This import was discarded. Upload the file again to import it."))
    if "counts" not in roster_import.summary:
        raise DomainError(_("The file is still being checked. Wait for the preview."))
    if roster_import.summary.get("file_error") or roster_import.errors:
        raise DomainError(
            _("Nothing was imported: correct the rows with errors and upload the file again.")
        )
    if not roster_import.rows:
        raise DomainError(_("The file has no deputies to import."))


def _commit_under_way(roster_import: RosterImport) -> bool:
    job_id = roster_import.summary.get("commit_job_id")
    return bool(job_id) and (
        JobRun.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()
    )


@transaction.atomic
def roster_import_confirm(*, actor: User, roster_import: RosterImport) -> JobRun:
    """Start the commit job of a checked import that has no errors (once only)."""
    from deputies.import_tasks import roster_import_commit_job

    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    _refuse_unless_committable(roster_import)
    if _commit_under_way(roster_import):
        raise DomainError(_("This file is already being imported."))
    job_run = job_run_enqueue(
        congress=roster_import.congress,
        task=roster_import_commit_job,
        label=str(roster_import_commit_job.label),
        actor=actor,
        import_id=roster_import.pk,
    )
    summary = {**roster_import.summary, "commit_job_id": job_run.pk}
    summary.pop("commit_error", None)
    _save_summary(roster_import, summary=summary)
    return job_run


def roster_import_commit(
    *,
    roster_import_id: int,
    actor: User | None,
    progress: ProgressCallback | None = None,
) -> dict:
    """Import every row in one transaction, or nothing when the roster changed under a row."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().get(pk=roster_import_id)
        if roster_import.status != RosterImportStatus.PREVIEWED:
            return {"imported": False, "message": _("This file was already imported.")}
        plan = plan_rows(roster_import.rows)
        if progress is not None:
            progress(25, _("Checked %(count)s rows again") % {"count": len(plan.rows)})
        if plan.errors:
            message = _(
                "Nothing was imported: the roster changed since the preview and %(count)s rows "
                "now conflict with it; they are marked below. Correct the file and upload it "
                "again."
            ) % {"count": sum(1 for row in plan.rows if row["action"] == "error")}
            summary = {**roster_import.summary, "commit_error": message, "counts": plan.counts}
            _save_summary(roster_import, rows=plan.rows, errors=plan.errors, summary=summary)
            return {"imported": False, "message": message}
        written = apply_plan(plan, congress=roster_import.congress, actor=actor, progress=progress)
        roster_import.status = RosterImportStatus.COMMITTED
        roster_import.committed_at = timezone.now()
        roster_import.rows = plan.rows
        roster_import.summary = {
            **roster_import.summary,
            "counts": plan.counts,
            "committed": written,
        }
        roster_import._history_user = actor
        roster_import.save(update_fields=["status", "committed_at", "rows", "summary"])
    return {"imported": True, **written}


@transaction.atomic
def roster_import_discard(*, actor: User, roster_import: RosterImport) -> RosterImport:
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status == RosterImportStatus.COMMITTED:
        raise DomainError(_("This file was already imported; it cannot be discarded."))
    if _commit_under_way(roster_import):
        raise DomainError(_("This file is already being imported."))
    roster_import.status = RosterImportStatus.DISCARDED
    roster_import._history_user = actor
    roster_import.save(update_fields=["status"])
    return roster_import


# --- Reads ----------------------------------------------------------------------------------


def roster_import_list() -> QuerySet[RosterImport]:
    """Earlier imports, newest first, without their (large) rows: one query per page."""
    return RosterImport.objects.select_related("created_by").defer("rows", "errors")


def job_runs_by_id(ids: Iterable[int | None]) -> dict[int, JobRun]:
    return JobRun.objects.in_bulk([job_id for job_id in ids if job_id])
