"""Uploaded photos: checked by content, size and pixel count, re-encoded without location data."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Both limits can be set in the settings (PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Decompression bombs: a small file may declare a huge image. Refuse pixel counts far beyond
# any camera's before a single pixel is decoded.
MAX_PIXELS = 40_000_000
# What Pillow may even try to parse: only the formats phones and cameras produce (a phone's
# multi-picture JPEG, MPO, opens through the JPEG reader).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# Everything Pillow raises for a file that is not, or not entirely, an image.
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError)


def max_upload_bytes() -> int:
    return getattr(settings, "PHOTO_MAX_BYTES", MAX_UPLOAD_BYTES)


def max_pixels() -> int:
    return getattr(settings, "PHOTO_MAX_PIXELS", MAX_PIXELS)


def _unreadable() -> ValidationError:
    return ValidationError(_("The file is not a photo we can read."), code="invalid")


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("The photo has too many pixels."), code="too_many_pixels")


def check_photo(upload) -> str:
    """The format of an uploaded photo, after checking its size, content and pixel count.

    Reads only the file's headers (the browser's name and content type are not trusted) and
    raises ValidationError with a Chinese message for anything that is not a real photo.
    """
    if upload is None or not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The photo is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ALLOWED_FORMATS) as probe:
                image_format = probe.format
                width, height = probe.size
                if width * height > max_pixels():
                    raise _too_many_pixels()
                probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except UNREADABLE as error:
        raise _unreadable() from error
    finally:
        upload.seek(0)
    return image_format


def clean_photo(upload, *, max_side: int = 1200) -> ContentFile:
    """A JPEG of at most `max_side` pixels a side, turned upright, with no EXIF (GPS) data.

    Raises ValidationError with a Chinese message for anything that is not a real photo,
    including one whose header is fine but whose pixels are cut off or damaged.
    """
    check_photo(upload)
    try:
        with Image.open(upload, formats=ALLOWED_FORMATS) as image:
            # A JPEG decodes straight at a fraction of its size: a big photo costs little memory.
            image.draft("RGB", (max_side, max_side))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = io.BytesIO()
            # Saving without exif= drops every EXIF tag, GPS position included.
            image.save(output, format="JPEG", quality=85, optimize=True)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except UNREADABLE as error:
        raise _unreadable() from error
    name = PurePath(getattr(upload, "name", "photo") or "photo").stem[:50] or "photo"
    return ContentFile(output.getvalue(), name=f"{name}.jpg")
