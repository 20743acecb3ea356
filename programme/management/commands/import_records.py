"""`manage.py import_records KIND FILE --as EMAIL [--dry-run]`: the bulk import, from the command line.

The same checks and the same single transaction as the upload page: a file with an invalid row imports nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from programme.imports.applying import ImportNotAllowed, import_apply
from programme.imports.reading import KINDS, MAX_BYTES, ImportFileError, decode, read


class Command(BaseCommand):
    help = "Import mutuals, mentors or ambassadors from a UTF-8 CSV file (see the import page for the columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="actor", required=True, help="Email of the programme team member importing.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; import nothing.")

    def handle(self, *args: Any, kind: str, file: Path, actor: str, dry_run: bool, **options: Any) -> None:
        user = User.objects.filter(email__iexact=actor, is_programme_team=True).first()
        if user is None:
            raise CommandError(f"{actor} is not a member of the programme team.")
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        try:
            text = decode(raw)
            checked = read(kind, text)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for row in checked.rows:
            if row.status == "invalid":
                self.stdout.write(f"line {row.line}: invalid: {'; '.join(row.reasons)}")
        counts = checked.counts
        self.stdout.write(", ".join(f"{count} {status}" for status, count in counts.items()))
        if dry_run:
            return
        try:
            result = import_apply(kind=kind, text=text, actor=user)
        except ImportNotAllowed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Imported: {result['new']} new, {result['updated']} updated, {result['unchanged']} unchanged, "
            f"{result['invited']} invited to claim their record."
        )
