"""Files the parties of a relationship share (draft business plans, TUPE letters).

The file itself is kept in the "documents" storage (settings.STORAGES), which is outside the web root and never
served by the web server: the application serves it, to the relationship's parties only, as a download. The row keeps
the name the person gave it, what it really is (messaging/document_checks.py) and its size; deleting the row (with
the relationship, the mutual or the uploader's account) deletes the file after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from messaging.document_checks import KINDS

# The most a relationship may keep in shared documents.
RELATIONSHIP_QUOTA_BYTES = 200 * 1024 * 1024


class SharedDocument(models.Model):
    relationship = models.ForeignKey("messaging.Relationship", on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="documents_shared"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=[(key, kind.label) for key, kind in KINDS.items()])
    size = models.PositiveIntegerField()
    # The file's name in the documents storage: random, never the uploader's name for it.
    storage_name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
