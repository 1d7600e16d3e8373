"""Uploads are judged by what is inside them, not by their name or the browser's content type:
photos by their pixels' format, size and count; documents by their signature; rosters by their
zip directory and sheet. Each refusal is a clear message, never a server error."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from datetime import date

import openpyxl.xml
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook
from PIL import Image
from rest_framework.authtoken.models import Token

from congress.files import MAX_DOCUMENT_BYTES, clean_document
from congress.images import check_photo, clean_photo
from congress.models import Role
from deputies.importers import (
    COLUMNS,
    MAX_LINES,
    ImportFileError,
    check_upload,
    read_roster,
)

# --- Photos ----------------------------------------------------------------------------------


def jpeg(size=(1600, 1200), **save) -> bytes:
    output = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(output, format="JPEG", **save)
    return output.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(photo) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_photo(photo)
    return caught.value


def test_text_named_like_a_photo_and_sent_as_one_is_refused():
    error = refusal(upload("现场照片.jpg", b"\xff\xd8\xff not really a JPEG" * 20))
    assert error.code == "invalid"
    assert error.messages == [_("The file is not a photo we can read.")]


def test_a_photo_cut_off_half_way_is_refused_not_a_server_error():
    # Its header is fine, so only decoding finds out (Pillow raised OSError here before).
    data = jpeg()
    error = refusal(upload("photo.jpg", data[: len(data) // 2]))
    assert error.code == "invalid"


@pytest.mark.parametrize("width,height", [(30_000, 30_000), (7_000, 7_000), (100_000, 1_000)])
def test_a_tiny_file_declaring_a_huge_image_is_refused_before_decoding(width, height):
    data = png_declaring(width, height)
    assert len(data) < 200
    started = time.process_time()
    error = refusal(upload("bomb.png", data, "image/png"))
    assert error.code == "too_many_pixels"
    assert error.messages == [_("The photo has too many pixels.")]
    assert time.process_time() - started < 1


def test_the_pixel_limit_is_a_setting(settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    assert check_photo(upload("small.jpg", jpeg((100, 100)))) == "JPEG"
    assert refusal(upload("big.jpg", jpeg((101, 100)))).code == "too_many_pixels"


def test_a_photo_over_the_size_limit_is_refused_naming_the_limit(settings):
    settings.PHOTO_MAX_BYTES = 2 * 1024 * 1024
    data = jpeg((2400, 2400), quality=100)
    assert len(data) > settings.PHOTO_MAX_BYTES
    error = refusal(upload("large.jpg", data))
    assert error.code == "too_large"
    assert error.messages == [_("The photo is larger than %(limit)s MB.") % {"limit": 2}]


def test_an_empty_file_is_refused():
    assert refusal(upload("empty.jpg", b"")).code == "empty"


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_formats_phones_do_not_take_are_refused(image_format):
    output = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(output, format=image_format)
    assert refusal(upload("photo.jpg", output.getvalue())).code == "invalid"


def test_a_real_photo_comes_back_small_upright_and_without_its_location():
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: to be rotated a quarter turn
    exif[0x8825] = {2: (30.0, 35.0, 0.0), 4: (114.0, 17.0, 0.0)}  # GPS latitude and longitude
    cleaned = clean_photo(upload("现场.png.jpg", jpeg((1600, 1200), exif=exif.tobytes())))
    assert cleaned.name == "现场.png.jpg"
    with Image.open(cleaned) as image:
        assert image.format == "JPEG"
        assert image.size == (900, 1200)
        assert not image.getexif()


# --- Photos where they arrive ------------------------------------------------------------------


def test_a_broken_photo_on_the_duty_report_page_is_an_error_that_keeps_the_text(world, client_as):
    data = jpeg()
    response = client_as(world.tenant.user(Role.DEPUTY)).post(
        reverse("my_duties:report", kwargs={"congress_slug": world.slug}),
        {
            "category": "study",
            "occurred_on": date.today().isoformat(),
            "description": "参加区人大代表履职培训班",
            "photos": upload("培训.jpg", data[: len(data) // 3]),
        },
    )
    assert response.status_code == 400, response.context["form"].errors
    page = response.content.decode()
    assert _("The file is not a photo we can read.") in page, response.context["form"].errors
    assert "参加区人大代表履职培训班" in page


def test_a_text_file_sent_as_a_photo_to_the_api_is_a_400_with_a_message(world):
    token = Token.objects.get_or_create(user=world.tenant.user(Role.DEPUTY))[0]
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
        f"/api/v1/c/{world.slug}/my/duties/records/",
        {
            "category": "study",
            "description": "参加区人大代表履职培训班",
            "photos": [upload("a.jpg", b"GIF89a, or so it says")],
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "photos"
    assert _("The file is not a photo we can read.") in body["detail"]


# --- Documents (attachments, reply letters) ----------------------------------------------------


def test_a_text_file_named_pdf_is_refused():
    with pytest.raises(ValidationError) as caught:
        clean_document(upload("调研报告.pdf", b"just some text", "application/pdf"))
    assert caught.value.code == "mismatch"


def test_a_zip_named_docx_without_a_word_document_inside_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("[Content_Types].xml", "<Types/>")
        written.writestr("payload.exe", b"MZ" + b"\0" * 100)
    with pytest.raises(ValidationError) as caught:
        clean_document(upload("答复函.docx", archive.getvalue(), "application/msword"))
    assert caught.value.code == "mismatch"


def test_a_document_over_the_limit_is_refused_before_it_is_read():
    document = upload("大文件.pdf", b"%PDF-1.7 ...", "application/pdf")
    document.size = MAX_DOCUMENT_BYTES + 1
    with pytest.raises(ValidationError) as caught:
        clean_document(document)
    assert caught.value.code == "too_large"


def test_a_real_pdf_is_kept_under_a_safe_name():
    content, name = clean_document(upload("../../etc/调研 报告.pdf", b"%PDF-1.7\n%%EOF"))
    assert name == "调研_报告.pdf"
    assert content.read() == b"%PDF-1.7\n%%EOF"


# --- Roster workbooks --------------------------------------------------------------------------


def workbook_with_rows(rows_xml: str) -> bytes:
    """A real .xlsx with the template's header row and the given rows after it."""
    book = Workbook()
    book.active.append([column.header for column in COLUMNS])
    saved = io.BytesIO()
    book.save(saved)
    source = zipfile.ZipFile(io.BytesIO(saved.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as written:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</row></sheetData>", b"</row>" + rows_xml.encode() + b"</sheetData>"
                )
            written.writestr(member, data)
    return output.getvalue()


def roster_refusal(data: bytes, name: str = "名册.xlsx") -> str:
    with pytest.raises(ImportFileError) as caught:
        check_upload(upload(name, data, "application/vnd.ms-excel"))
    return caught.value.message


def test_a_text_file_named_xlsx_is_not_a_workbook():
    message = roster_refusal("姓名,性别\n张三,男\n".encode())
    assert message == _(
        "This file is not an Excel workbook (.xlsx). Download the template, fill it in "
        "and upload it."
    )


def test_an_old_xls_file_gets_its_own_advice():
    message = roster_refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "名册.xls")
    assert ".xls" in message


def test_a_zip_bomb_named_xlsx_is_refused_from_its_directory():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as written:
        written.writestr("[Content_Types].xml", "<Types/>")
        written.writestr("xl/workbook.xml", "<workbook/>")
        written.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    data = archive.getvalue()
    assert len(data) < 100 * 1024
    assert roster_refusal(data) == _(
        "The file was refused: it unpacks to more than %(limit)s MB or is compressed "
        "suspiciously tightly. A real roster is much smaller; save it again from Excel."
    ) % {"limit": 50}


def test_a_sheet_of_blank_rows_reaching_its_last_column_is_refused_quickly():
    # Every row has one blank cell in column XFD: read naively, each row is 16,384 cells wide,
    # and this half-megabyte file kept a worker busy for a minute.
    rows = "".join(
        f'<row r="{line}"><c r="XFD{line}" t="inlineStr"><is><t> </t></is></c></row>'
        for line in range(2, MAX_LINES + 100)
    )
    data = workbook_with_rows(rows)
    check_upload(upload("名册.xlsx", data))  # a plausible workbook by its directory
    started = time.process_time()
    with pytest.raises(ImportFileError) as caught:
        read_roster(data)
    assert time.process_time() - started < 10
    assert str(MAX_LINES) in caught.value.message


def test_cells_far_to_the_right_are_not_read():
    rows = "".join(
        f'<row r="{line}"><c r="A{line}" t="inlineStr"><is><t>王{line}</t></is></c>'
        f'<c r="XFD{line}"><v>1</v></c></row>'
        for line in range(2, 2002)
    )
    started = time.process_time()
    result = read_roster(workbook_with_rows(rows))
    assert time.process_time() - started < 10
    assert len(result.rows) == 2000


@pytest.mark.django_db
def test_a_text_file_uploaded_as_the_roster_is_an_error_on_the_page(world, client_as):
    response = client_as(world.tenant.user(Role.COMMITTEE_STAFF)).post(
        reverse("roster_import:upload", kwargs={"congress_slug": world.slug}),
        {"file": upload("名册.xlsx", "姓名,性别\n张三,男\n".encode(), "application/vnd.ms-excel")},
    )
    assert response.status_code in (200, 400)
    (message,) = response.context["form"].errors["file"]
    assert message == _(
        "This file is not an Excel workbook (.xlsx). Download the template, fill it in "
        "and upload it."
    )
    assert escape(message) in response.content.decode()


def test_workbooks_are_parsed_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_workbook_with_an_entity_bomb_is_refused_as_damaged():
    book = Workbook()
    book.active.append([column.header for column in COLUMNS])
    saved = io.BytesIO()
    book.save(saved)
    source = zipfile.ZipFile(io.BytesIO(saved.getvalue()))
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as written:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                # The entities are declared before the worksheet's root element.
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = b"<?xml version='1.0'?>" + laughs.encode() + b"]>" + body
                data = data.replace(
                    b"</sheetData>",
                    b"<row r='2'><c r='A2' t='inlineStr'>"
                    b"<is><t>&lol9;</t></is></c></row></sheetData>",
                )
            written.writestr(member, data)
    with pytest.raises(ImportFileError) as caught:
        read_roster(output.getvalue())
    assert caught.value.message == _("The file is damaged: it cannot be read as a workbook.")
    # Refused by defusedxml, not by running out of memory or by luck.
    chain, error = [], caught.value
    while error is not None:
        chain.append(type(error).__module__)
        error = error.__cause__ or error.__context__
    assert any(module.startswith("defusedxml") for module in chain), chain
