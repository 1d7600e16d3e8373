"""Roster workbooks: the import template and the export, with the same columns to round-trip."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from congress.errors import DomainError
from congress.models import Congress, JobRun, Membership, User
from congress.services import job_run_enqueue
from deputies.importers import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXAMPLE_NAME,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ProgressCallback,
    choice_display,
    choice_labels,
)
from deputies.models import Deputy, DeputyLevel, Gender, OccupationClass, Party
from liaison.models import DeputyGroup, GroupMembership

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
EXPORT_KEEP_DAYS = 7
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
EXAMPLE_FONT = Font(italic=True, color="808080")


def attachment_disposition(file_name: str, fallback: str) -> str:
    """Content-Disposition with the Chinese name (RFC 6266) and a plain one for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"


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


def write_roster_workbook(
    rows: Iterable[list], *, example_groups: list[str] | None = None, last_row: int = 0
) -> bytes:
    """A roster workbook: header, rows, dropdowns, a guide sheet and a hidden list sheet.

    With `example_groups` given, the template's example row comes first.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ROSTER_SHEET)
    guide = workbook.create_sheet(_("How to fill in"))
    lists = workbook.create_sheet(_("Lists"))
    lists.sheet_state = "hidden"

    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column.key]
    sheet.freeze_panes = "A2"
    labels = choice_labels()
    last = max(MAX_ROWS + 1, last_row)
    list_sheet_ref = quote_sheet(lists.title)
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

    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    if example_groups is not None:
        example = []
        for value in _example_row(example_groups):
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = EXAMPLE_FONT
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            example.append(cell)
        sheet.append(example)
    for row in rows:
        sheet.append([_as_data(sheet, value) for value in row])

    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 70
    guide.column_dimensions["D"].width = 60
    for row in _guide_rows():
        guide.append(row)

    columns = [[_column_header(key), *labels[key]] for key in DROPDOWN_COLUMNS]
    for values in _transpose(columns):
        lists.append(values)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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


def _as_data(sheet, value):
    """Text that starts with "=" stays text: openpyxl would otherwise write it as a formula,
    and a roster entry must never run in the workbook a leader opens."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def roster_template() -> bytes:
    """The empty roster with an example row, for staff to fill in."""
    group_names = list(DeputyGroup.objects.order_by("kind", "name").values_list("name", flat=True))
    return write_roster_workbook([], example_groups=group_names)


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


@transaction.atomic
def roster_export_start(*, actor: User, congress: Congress, filters: dict) -> JobRun:
    """Queue the export of the roster as the list's filters narrow it."""
    from deputies.import_tasks import roster_export_job

    return job_run_enqueue(
        congress=congress,
        task=roster_export_job,
        label=str(roster_export_job.label),
        actor=actor,
        filters=filters,
    )


def roster_export(
    *,
    congress: Congress,
    actor: User | None,
    filters: dict,
    progress: ProgressCallback | None = None,
) -> dict:
    """Write the filtered roster to a workbook kept for download; returns where it is."""
    from deputies.selectors import deputy_list

    membership = Membership.objects.filter(user=actor).first() if actor is not None else None
    if membership is None:
        raise DomainError(_("Only a member of the congress can export its roster."))
    # The list's own filters, so the export holds exactly what the list showed.
    queryset = (
        deputy_list(membership=membership, **filters)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "group_memberships",
                queryset=GroupMembership.objects.select_related("group").order_by("group__name"),
            )
        )
    )
    total = queryset.count()

    def rows():
        tenth = 0
        for index, deputy in enumerate(queryset.iterator(chunk_size=2000), start=1):
            names = [membership.group.name for membership in deputy.group_memberships.all()]
            yield deputy_row(deputy, names)
            if progress is not None and index * 10 // total > tenth:
                tenth = index * 10 // total
                progress(tenth * 9, _("Wrote %(count)s deputies") % {"count": index})

    content = write_roster_workbook(rows(), last_row=total + 1)
    _remove_old_exports(congress)
    path = default_storage.save(
        f"exports/{congress.pk}/{uuid.uuid4().hex}.xlsx", ContentFile(content)
    )
    return {
        "path": path,
        "file_name": export_file_name(timezone.localdate()),
        "count": total,
    }


def _remove_old_exports(congress: Congress) -> None:
    folder = f"exports/{congress.pk}"
    if not default_storage.exists(folder):
        return
    cutoff = timezone.now() - timedelta(days=EXPORT_KEEP_DAYS)
    for name in default_storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
