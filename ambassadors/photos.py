"""Checks and re-encodes ambassadors' profile photos.

The type is decided by the file's content (Pillow), never by its name or the browser's content type, and the image
is re-encoded from pixels so that metadata (location, camera) and anything hidden after the image data is dropped.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Read from the file's header before any pixel is decoded: a small file can claim a huge image (a 47 KB PNG of
# 1 x 24,000,000 pixels took 412 MB and 1.5 s to decode), so both the area and each side are capped.
MAX_PHOTO_PIXELS = 16_000_000
MAX_PHOTO_SIDE = 6000
PHOTO_SIZE = (800, 800)
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}

TYPE_ERROR = "The photo must be a JPEG or PNG image"


def clean_photo(upload: UploadedFile) -> ContentFile[bytes]:
    """Return a re-encoded copy of an uploaded JPEG or PNG, or raise ValidationError."""
    if upload.size is None or upload.size > MAX_PHOTO_BYTES:
        raise ValidationError("The photo must be 2 MB or smaller", code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                image_format = probe.format
                width, height = probe.size
                probe.verify()
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(TYPE_ERROR, code="wrong_type")
            if width * height > MAX_PHOTO_PIXELS or max(width, height) > MAX_PHOTO_SIDE:
                raise ValidationError("The photo is too large: use one under 4000 by 4000 pixels", code="too_large")
            # verify() leaves the image unusable, so open it again to read the pixels.
            upload.seek(0)
            with Image.open(upload) as original:
                image = ImageOps.exif_transpose(original)
                image.thumbnail(PHOTO_SIZE)
                buffer = io.BytesIO()
                if image_format == "JPEG":
                    pixels = image.convert("RGB")
                else:
                    pixels = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
                # Only pixels go out: Pillow would otherwise write back what it read (a JPEG comment, ICC, EXIF).
                pixels.info = {}
                if image_format == "JPEG":
                    pixels.save(buffer, format="JPEG", quality=85, optimize=True)
                else:
                    pixels.save(buffer, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ValidationError(TYPE_ERROR, code="wrong_type") from error
    extension = ALLOWED_FORMATS[image_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
