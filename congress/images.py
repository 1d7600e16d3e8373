"""Uploaded photos: checked by content, bounded in size, re-encoded without location data."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Decompression bombs: refuse images whose pixel count is far beyond any camera's.
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIC", "MPO"}


def clean_photo(upload, *, max_side: int = 1200) -> ContentFile:
    """A JPEG of at most `max_side` pixels a side, turned upright, with no EXIF (GPS) data.

    Raises ValidationError with a Chinese message for anything that is not a real photo.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."), code="too_large")
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(_("The file is not a photo we can read."), code="invalid") from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Use a JPEG or PNG photo."), code="format")
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The photo has too many pixels."), code="too_many_pixels")
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        output = io.BytesIO()
        # Saving without exif= drops every EXIF tag, GPS position included.
        image.save(output, format="JPEG", quality=85, optimize=True)
    name = PurePath(getattr(upload, "name", "photo") or "photo").stem[:50] or "photo"
    return ContentFile(output.getvalue(), name=f"{name}.jpg")
