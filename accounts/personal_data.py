"""A person's own data: everything the service holds about them, and deleting their account.

Each app contributes what it holds, so accounts does not import the apps above it (dependencies point one way).
An app registers a source from its AppConfig.ready():

    from accounts.personal_data import PersonalDataSource, register

    register(PersonalDataSource(
        key="relationships",                 # the section of the downloaded file
        export=lambda user: [...],           # JSON-ready data about the person
        before_delete=end_relationships,     # optional: what must happen before the user row goes
        order=30,
    ))

Deleting an account runs every source's `before_delete` (ending what cannot go on without the person, and
anonymising records the programme must keep), then deletes the user row, whose cascades take the rest. What others
were told about the person refers to them by reference and so reads "Former user" (notifications/references.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts import audit
from accounts.models import User


class AccountDeletionError(Exception):
    """The account cannot be deleted yet. The message says what to do instead."""


@dataclass(frozen=True)
class PersonalDataSource:
    key: str  # unique; registering the same key again replaces the source (ready() may run more than once)
    export: Callable[[User], Any]
    before_delete: Callable[[User], None] | None = None
    order: int = 100


_sources: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> None:
    _sources[source.key] = source


def sources() -> list[PersonalDataSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def when(value: Any) -> str | None:
    """Dates and times in the downloaded file: ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about this person, as JSON-ready data, one section per source."""
    return {"exported_at": when(timezone.now()), **{source.key: source.export(user) for source in sources()}}


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person's account and personal data, keeping other people's history intact."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for source in sources():
        if source.before_delete is not None:
            source.before_delete(user)
    # After the apps' own steps (standing an ambassador down...), so that their entries lose the name too.
    audit.account_deletion_record(user=user)
    try:
        # The log keeps "account N was deleted", not a copy of each row that goes with it.
        with disable_auditlog():
            user.delete()
    except ProtectedError as error:
        raise AccountDeletionError(
            "Your account is linked to records the programme must keep. Contact the programme team to close it."
        ) from error
