"""How long an uploaded import file is kept: its rows are personal data (names, email addresses), and once the
import is applied, or left unconfirmed, nothing needs them.

- Applying an import deletes its file in the same transaction (`import_batch_apply`); the batch keeps its counts.
- A daily task (`programme.tasks.purge_import_files`) deletes the batches never applied, IMPORT_FILE_RETENTION_DAYS
  after upload, and empties any applied batch that still holds its file.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from programme.models import ImportBatch


def file_deleted(batch: ImportBatch) -> bool:
    return not batch.content


@transaction.atomic
def import_files_purge(*, now: datetime | None = None) -> int:
    """Delete import files past their time. Returns how many batches lost their file; a second run finds none."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    abandoned, _ = ImportBatch.objects.filter(applied_at__isnull=True, created_at__lt=cutoff).delete()
    emptied = ImportBatch.objects.filter(applied_at__isnull=False).exclude(content="").update(content="")
    return abandoned + emptied
