"""What a shared document really is, read from its bytes (never from its name or the browser's content type).

Allowed: PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG and JPEG. Each is recognised by its
signature and its structure: a PDF starts with %PDF- and ends with %%EOF; a PNG or JPEG must be decoded by Pillow; a
DOCX, XLSX or ODT is a zip whose entries say what it is ([Content_Types].xml with the main part, or ODT's stored
`mimetype` entry first). A zip's entries must add up to at most MAX_UNCOMPRESSED bytes and MAX_ENTRIES entries
(a zip bomb is refused before anything is decompressed: the sizes are read from the central directory, and each
entry is read with a cap in case the directory lies). A file that is two things at once (a PDF or an image with a
zip inside: a polyglot) is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 100  # uncompressed / compressed, for the zip as a whole


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    extension: str
    mimetype: str


PDF = Kind("pdf", "PDF", "pdf", "application/pdf")
DOCX = Kind("docx", "Word document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "Excel spreadsheet", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind("odt", "OpenDocument text", "odt", "application/vnd.oasis.opendocument.text")
PNG = Kind("png", "PNG image", "png", "image/png")
JPEG = Kind("jpeg", "JPEG image", "jpg", "image/jpeg")
KINDS = {kind.key: kind for kind in (PDF, DOCX, XLSX, ODT, PNG, JPEG)}
ALLOWED_WORDS = "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG or JPEG"
EXTENSIONS = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "odt": ODT, "png": PNG, "jpg": JPEG, "jpeg": JPEG}


class DocumentRefused(Exception):
    """The file cannot be shared. The message says why and what to do, for the person uploading it."""


def identify(data: bytes, filename: str) -> Kind:
    """The kind of file `data` is, or DocumentRefused. The name's extension must agree with the content."""
    if not data:
        raise DocumentRefused("The selected file is empty. Choose a file that has something in it.")
    if len(data) > MAX_BYTES:
        raise DocumentRefused("The selected file must be smaller than 20 MB.")
    kind = _by_content(data)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    named = EXTENSIONS.get(extension)
    if named is None:
        raise DocumentRefused(f"The selected file must be a {ALLOWED_WORDS}. Its name ends in .{extension or '?'}.")
    if named.key != kind.key:
        raise DocumentRefused(
            f"The selected file's name ends in .{extension} but it is a {kind.label}. Rename it or choose another file."
        )
    return kind


def _by_content(data: bytes) -> Kind:
    is_zip = zipfile.is_zipfile(io.BytesIO(data))
    if data.startswith(b"%PDF-"):
        if is_zip:
            raise DocumentRefused("The selected file is both a PDF and a zip archive, so it cannot be shared.")
        if b"%%EOF" not in data[-2048:]:
            raise DocumentRefused("The selected PDF is damaged or incomplete. Save it again and upload the new copy.")
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        if is_zip:
            raise DocumentRefused("The selected image also contains a zip archive, so it cannot be shared.")
        return _image(data)
    if data.startswith(b"PK\x03\x04") and is_zip:
        return _zip_document(data)
    raise DocumentRefused(f"The selected file must be a {ALLOWED_WORDS}.")


def _image(data: bytes) -> Kind:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DocumentRefused("The selected image is damaged. Save it again and upload the new copy.") from error
    if image_format == "PNG":
        return PNG
    if image_format in ("JPEG", "MPO"):
        return JPEG
    raise DocumentRefused(f"The selected file must be a {ALLOWED_WORDS}.")


def _zip_document(data: bytes) -> Kind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as error:
        raise DocumentRefused("The selected file is damaged. Save it again and upload the new copy.") from error
    with archive:
        entries = archive.infolist()
        total = sum(entry.file_size for entry in entries)
        if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
            raise DocumentRefused(
                "The selected file expands to far more than its size (it may be a zip bomb), so it cannot be shared."
            )
        names = {entry.filename for entry in entries}
        if entries and entries[0].filename == "mimetype":
            mimetype = _read(archive, "mimetype", 200).strip()
            if mimetype == ODT.mimetype.encode() and "content.xml" in names:
                return ODT
        if "[Content_Types].xml" in names:
            types = _read(archive, "[Content_Types].xml", 1024 * 1024)
            if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in types:
                return DOCX
            if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in types:
                return XLSX
    raise DocumentRefused(f"The selected file must be a {ALLOWED_WORDS}. Other zip archives cannot be shared.")


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of one entry: a central directory that lies about sizes cannot make this expand."""
    try:
        with archive.open(name) as entry:
            return entry.read(limit)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise DocumentRefused("The selected file is damaged. Save it again and upload the new copy.") from error
