"""Shared documents: allowed kinds recognised by content, renamed executables, polyglots, oversize files and zip
bombs refused with clear words, the quota, downloads only for the parties (as attachments, not sniffed), and the
file removed with its row."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from accounts import personal_data
from accounts.models import User
from messaging import document_checks, services
from messaging.models import Relationship, SharedDocument
from messaging.services import RelationshipError
from notifications.models import Notice
from tests.clients import ClientFor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OFFICE = b"application/vnd.openxmlformats-officedocument"
WORD_TYPES = b'<Types><Override ContentType="' + OFFICE + b'.wordprocessingml.document.main+xml"/></Types>'
EXCEL_TYPES = b'<Types><Override ContentType="' + OFFICE + b'.spreadsheetml.sheet.main+xml"/></Types>'


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries:
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if name == "mimetype" else method)
    return buffer.getvalue()


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format=fmt)
    return buffer.getvalue()


DOCX = _zip([("[Content_Types].xml", WORD_TYPES), ("word/document.xml", b"<w:document/>")])
XLSX = _zip([("[Content_Types].xml", EXCEL_TYPES), ("xl/workbook.xml", b"<workbook/>")])
ODT = _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document/>")])


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "Business plan.pdf", "pdf"),
        (DOCX, "TUPE letter.docx", "docx"),
        (XLSX, "Budget.xlsx", "xlsx"),
        (ODT, "Minutes.odt", "odt"),
        (_image("PNG"), "chart.png", "png"),
        (_image("JPEG"), "photo.JPG", "jpeg"),
    ],
)
def test_each_allowed_kind_is_recognised_by_its_content(data: bytes, name: str, kind: str) -> None:
    assert document_checks.identify(data, name).key == kind


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "business-plan.pdf", "must be a PDF, Word"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "letter.docx", "must be a PDF, Word"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.odt", "must be a PDF, Word"),
        (b"<html><script>alert(1)</script></html>", "page.png", "must be a PDF, Word"),
        (_zip([("payload.exe", b"MZ" + b"\x00" * 100)]), "archive.docx", "Other zip archives"),
        (DOCX, "plan.pdf", "name ends in .pdf but it is a Word document"),
        (PDF, "plan.exe", "Its name ends in .exe"),
        (PDF + DOCX, "plan.pdf", "both a PDF and a zip archive"),
        (_image("PNG") + DOCX, "chart.png", "also contains a zip archive"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", "cut-off.pdf", "damaged or incomplete"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "broken.png", "image is damaged"),
        (b"", "empty.pdf", "is empty"),
    ],
    ids=[
        "windows-executable-renamed-pdf",
        "linux-executable-renamed-docx",
        "script-renamed-odt",
        "html-renamed-png",
        "plain-zip-renamed-docx",
        "docx-renamed-pdf",
        "pdf-named-exe",
        "pdf-zip-polyglot",
        "png-zip-polyglot",
        "truncated-pdf",
        "broken-png",
        "empty",
    ],
)
def test_anything_else_is_refused_with_words_that_say_why(data: bytes, name: str, words: str) -> None:
    with pytest.raises(document_checks.DocumentRefused) as refusal:
        document_checks.identify(data, name)
    assert words in str(refusal.value)


def test_zip_bombs_are_refused_before_they_are_expanded() -> None:
    # Highly compressible: a few kilobytes that claim megabytes (over 100 times their size).
    ratio_bomb = _zip([("[Content_Types].xml", WORD_TYPES), ("word/document.xml", b"\x00" * (5 * 1024 * 1024))])
    assert len(ratio_bomb) < 100_000
    with pytest.raises(document_checks.DocumentRefused, match="zip bomb"):
        document_checks.identify(ratio_bomb, "bomb.docx")
    # More than 100 MB in all, whatever the ratio.
    huge = _zip(
        [("[Content_Types].xml", WORD_TYPES), ("word/document.xml", b"\x00" * (document_checks.MAX_UNCOMPRESSED + 1))]
    )
    with pytest.raises(document_checks.DocumentRefused, match="zip bomb"):
        document_checks.identify(huge, "huge.docx")
    many = _zip([("[Content_Types].xml", WORD_TYPES)] + [(f"f{i}", b"") for i in range(document_checks.MAX_ENTRIES)])
    with pytest.raises(document_checks.DocumentRefused, match="zip bomb"):
        document_checks.identify(many, "many.docx")


def test_a_file_over_20_mb_is_refused(client_for: ClientFor, relationship: Relationship, member: User) -> None:
    oversize = SimpleUploadedFile("big.pdf", PDF[:-7] + b"\x00" * (20 * 1024 * 1024) + b"%%EOF\n")
    response = client_for(member).post(
        reverse("messaging:document_list", kwargs={"pk": relationship.pk}), {"file": oversize}
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 20 MB" in response.content.decode()
    assert not SharedDocument.objects.exists()


def test_a_party_shares_and_the_other_downloads_it_as_an_attachment(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User
) -> None:
    upload = SimpleUploadedFile("../../etc/Business plan.pdf", PDF, content_type="text/html")
    response = client_for(member).post(
        reverse("messaging:document_list", kwargs={"pk": relationship.pk}), {"file": upload}, follow=True
    )
    assert "Business plan.pdf is shared" in response.content.decode()
    document = SharedDocument.objects.get()
    assert (document.name, document.kind, document.size) == ("Business plan.pdf", "pdf", len(PDF))
    assert "Business plan" not in document.storage_name and ".." not in document.storage_name
    assert Notice.objects.filter(event="document_shared", user=mentor).exists()

    download = client_for(mentor).get(
        reverse("messaging:document_download", kwargs={"pk": relationship.pk, "document_pk": document.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"  # what it is, not what the browser said
    assert download["Content-Disposition"] == 'attachment; filename="Business plan.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == PDF


def test_the_quota_is_clear(relationship: Relationship, member: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("messaging.services.documents.RELATIONSHIP_QUOTA_BYTES", len(PDF) + 10)
    services.document_upload(relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(RelationshipError, match="Delete a document you no longer need first"):
        services.document_upload(relationship=relationship, user=member, upload=SimpleUploadedFile("b.pdf", PDF))
    assert SharedDocument.objects.count() == 1


def test_nobody_else_lists_downloads_or_deletes_documents(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User, outsider: User, staff: User
) -> None:
    document = services.document_upload(relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF))
    kwargs = {"pk": relationship.pk, "document_pk": document.pk}
    for person in (outsider, staff):
        client = client_for(person)
        assert client.get(reverse("messaging:document_list", kwargs={"pk": relationship.pk})).status_code == 404
        assert client.get(reverse("messaging:document_download", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("messaging:document_delete", kwargs=kwargs), {"confirm": "on"}).status_code == 404
    # The other party can download it but not delete it.
    refused = client_for(mentor).post(reverse("messaging:document_delete", kwargs=kwargs), {"confirm": "on"})
    assert "Only the person who shared a document can delete it" in refused.content.decode()
    assert SharedDocument.objects.filter(pk=document.pk).exists()


def test_the_file_goes_with_its_row_the_relationship_and_the_account(
    relationship: Relationship, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    storage = storages["documents"]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.document_upload(
            relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        second = services.document_upload(
            relationship=relationship, user=member, upload=SimpleUploadedFile("b.png", _image("PNG"))
        )
    assert storage.exists(first.storage_name) and storage.exists(second.storage_name)

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=first, user=member)
    assert not storage.exists(first.storage_name)

    export = personal_data.personal_data_export(user=member)
    assert [d["name"] for d in export["documents_shared"]] == ["b.png"]
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.account_delete(user=member)
    assert not storage.exists(second.storage_name) and not SharedDocument.objects.exists()


def test_deleting_a_relationship_deletes_its_files(
    relationship: Relationship, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    with django_capture_on_commit_callbacks(execute=True):
        Relationship.objects.filter(pk=relationship.pk).delete()
    assert not storages["documents"].exists(document.storage_name)


class _Rollback(Exception):
    pass


def test_an_upload_rolled_back_leaves_no_file(relationship: Relationship, member: User) -> None:
    storage = storages["documents"]
    with pytest.raises(_Rollback), transaction.atomic():
        document = services.document_upload(
            relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        name = document.storage_name
        assert storage.exists(name)  # written before the row commits...
        raise _Rollback  # ...and something after the upload fails, in the same transaction
    assert not SharedDocument.objects.exists()
    assert not storage.exists(name)


def test_an_upload_committed_keeps_its_file(
    relationship: Relationship, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = services.document_upload(
            relationship=relationship, user=member, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    callbacks.clear()  # only the transaction's own list still holds the callback, as after a real commit
    assert storages["documents"].exists(document.storage_name)
    storages["documents"].delete(document.storage_name)
