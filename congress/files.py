"""Uploaded documents (attachments, signed letters): checked by their content, bounded in size,
stored under a safe name, and served only through views that check who may read them."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DocumentKind:
    extension: str
    content_type: str


PDF = DocumentKind("pdf", "application/pdf")
JPEG = DocumentKind("jpg", "image/jpeg")
PNG = DocumentKind("png", "image/png")
DOCX = DocumentKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = DocumentKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOC = DocumentKind("doc", "application/msword")
XLS = DocumentKind("xls", "application/vnd.ms-excel")
WPS = DocumentKind("wps", "application/vnd.ms-works")
KINDS_BY_EXTENSION = {k.extension: k for k in (PDF, JPEG, PNG, DOCX, XLSX, DOC, XLS, WPS)}
KINDS_BY_EXTENSION["jpeg"] = JPEG


def _sniff(head: bytes, upload) -> set[str]:
    """The extensions the file's first bytes are consistent with."""
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpg", "jpeg"}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # the old Office (and WPS) format
        return {"doc", "xls", "wps"}
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return set()
        if "[Content_Types].xml" not in names:
            return set()
        if any(name.startswith("word/") for name in names):
            return {"docx"}
        if any(name.startswith("xl/") for name in names):
            return {"xlsx"}
    return set()


def safe_name(name: str, extension: str) -> str:
    """The person's file name without paths or odd characters, with the checked extension."""
    stem = PurePath(name or "").stem
    stem = re.sub(r"[^\w\u4e00-\u9fff（）()\-]+", "_", stem).strip("._")[:80] or "file"
    return f"{stem}.{extension}"


def clean_document(upload) -> tuple[ContentFile, str]:
    """A checked copy of an uploaded document and its display name.

    Accepts PDF, Word, Excel, WPS and JPEG/PNG scans up to 20 MB whose content matches their
    extension; raises ValidationError with a Chinese message otherwise.
    """
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in KINDS_BY_EXTENSION:
        raise ValidationError(
            _("Attach a PDF, Word, Excel or WPS document, or a JPEG or PNG scan."),
            code="format",
        )
    upload.seek(0)
    head = upload.read(8)
    if extension not in _sniff(head, upload):
        raise ValidationError(
            _("The file's content does not match its type (.%(extension)s).")
            % {"extension": extension},
            code="mismatch",
        )
    upload.seek(0)
    name = safe_name(upload.name, KINDS_BY_EXTENSION[extension].extension)
    return ContentFile(upload.read(), name=name), name


def document_response(field_file, display_name: str) -> HttpResponse:
    """Stream a stored document as a download that browsers will not render in place."""
    extension = PurePath(display_name or field_file.name or "").suffix.lower().lstrip(".")
    kind = KINDS_BY_EXTENSION.get(extension)
    content_type = kind.content_type if kind else "application/octet-stream"
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        return HttpResponse(_("The file is missing."), status=404, content_type="text/plain")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=display_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
