"""Shared documents: uploading (checked by content, within the size limit and the relationship's quota), deleting,
and removing the stored file whenever its row goes (with the relationship, the mutual or the uploader's account)."""

from __future__ import annotations

import uuid
import weakref
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.text import clean_line
from messaging import document_checks
from messaging.models import Relationship, SharedDocument
from messaging.models.documents import RELATIONSHIP_QUOTA_BYTES
from messaging.services.common import (
    RelationshipError,
    _lock,
    _notify_others,
    _require_open,
    _require_party,
)

MEGABYTE = 1024 * 1024


def _storage():  # type: ignore[no-untyped-def]
    return storages["documents"]


def quota_used(relationship: Relationship) -> int:
    return SharedDocument.objects.filter(relationship=relationship).aggregate(used=Sum("size"))["used"] or 0


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def _display_name(raw: str, kind: document_checks.Kind) -> str:
    """The name people see: the uploader's, without any folder, control characters or a misleading extension."""
    base = clean_line(raw.replace("\\", "/").rsplit("/", 1)[-1]).strip() or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}.{kind.extension}"


@transaction.atomic
def document_upload(*, relationship: Relationship, user: User, upload: UploadedFile) -> SharedDocument:
    """Share a file in the relationship. Refused (RelationshipError, with what to do) when it is not an allowed kind
    by its content, is over 20 MB, or would take the relationship over its quota."""
    _require_party(relationship, user)
    _require_open(relationship, "share documents")
    if (upload.size or 0) > document_checks.MAX_BYTES:
        raise RelationshipError("The selected file must be smaller than 20 MB.")
    data = upload.read(document_checks.MAX_BYTES + 1)
    try:
        kind = document_checks.identify(data, upload.name or "")
    except document_checks.DocumentRefused as refusal:
        raise RelationshipError(str(refusal)) from refusal
    _lock(relationship)  # two uploads at once cannot both fit in the last of the quota
    used = quota_used(relationship)
    if used + len(data) > RELATIONSHIP_QUOTA_BYTES:
        raise RelationshipError(
            f"This relationship has used {_megabytes(used)} of its {_megabytes(RELATIONSHIP_QUOTA_BYTES)} for "
            f"documents, and this file is {_megabytes(len(data))}. Delete a document you no longer need first."
        )
    name = _storage().save(f"relationships/{relationship.pk}/{uuid.uuid4().hex}.{kind.extension}", ContentFile(data))
    try:
        document = SharedDocument.objects.create(
            relationship=relationship,
            uploaded_by=user,
            name=_display_name(upload.name or "", kind),
            kind=kind.key,
            size=len(data),
            storage_name=name,
        )
    except Exception:
        _storage().delete(name)
        raise
    # The file is written before its row commits; if the transaction (or a savepoint around this call) rolls back,
    # the file goes too, so storage never keeps a file that no row points to.
    transaction.on_commit(_RemovedUnlessCommitted(name))
    _notify_others("document_shared", relationship, user, document=document.name)
    return document


class _RemovedUnlessCommitted:
    """Deletes a stored file unless the transaction that wrote its row commits.

    Django has no rollback hook, but it keeps on-commit callbacks in a list and, on a rollback (of the transaction
    or of the savepoint the callback was registered in), drops them without calling them. This callback marks the
    file kept when it is called; when it is dropped uncalled (no other reference is kept), its finalizer deletes the
    file. The flag lives outside the object, so the finalizer does not keep it alive."""

    def __init__(self, name: str) -> None:
        self.committed = [False]
        weakref.finalize(self, _delete_unless_committed, name, self.committed)

    def __call__(self) -> None:
        self.committed[0] = True


def _delete_unless_committed(name: str, committed: list[bool]) -> None:
    if not committed[0]:
        _storage().delete(name)


@transaction.atomic
def document_delete(*, document: SharedDocument, user: User) -> None:
    """The person who shared a document removes it (the file goes after commit)."""
    _require_party(document.relationship, user)
    if document.uploaded_by_id != user.pk:
        raise RelationshipError("Only the person who shared a document can delete it.")
    document.delete()


def documents_delete_of(user: User) -> int:
    """Account deletion: the documents this person shared go with them (files after commit)."""
    deleted = 0
    for document in SharedDocument.objects.filter(uploaded_by=user):
        document.delete()
        deleted += 1
    return deleted


@receiver(post_delete, sender=SharedDocument, dispatch_uid="messaging.shared_document_file")
def _delete_stored_file(sender: type[SharedDocument], instance: SharedDocument, **kwargs: object) -> None:
    # Whatever deleted the row (this service, the relationship's or mutual's cascade), the file goes once committed.
    transaction.on_commit(partial(_storage().delete, instance.storage_name))
