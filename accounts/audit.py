"""Audit entries for events that change no audited row: a download of people's data, an account deleted on request.

Changes to audited rows are recorded by django-auditlog itself (config/audited_models.py). These entries go into the
same log, as its "access" action with the event's name in additional_data, so that the programme team's audit page
and its CSV show one history.
"""

from __future__ import annotations

import json
import re
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from accounts.models import User

# additional_data["event"] values, and the words the audit page shows for them.
EVENTS = {
    "personal_data_export": "Downloaded their personal data",
    "account_deleted": "Deleted their account and personal data",
    "programme_report_export": "Downloaded the programme report (CSV)",
    "ambassador_report_export": "Downloaded the ambassadors report (CSV)",
    "audit_log_export": "Downloaded the audit log (CSV)",
}


def audit_event(
    *, actor: User | None, event: str, subject: models.Model | None = None, details: dict[str, Any] | None = None
) -> LogEntry:
    """Record that `actor` did `event` (a key of EVENTS) to `subject` (the actor's own account when there is none)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown audit event {event!r}: add it to accounts.audit.EVENTS")
    target = subject if subject is not None else actor
    if target is None:
        raise ValueError("An audit event needs an actor or a subject")
    entry = LogEntry.objects.log_create(
        target,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        actor_email=actor.email if actor is not None else None,
        changes={},
        changes_text=EVENTS[event],
        additional_data={"event": event, **(details or {})},
    )
    assert entry is not None  # force_log always writes
    return entry


def _replaced(value: Any, names: set[str], label: str) -> Any:
    """A logged value with the name swapped for the label: whole values only ("e" is a name, "false" is not)."""
    if isinstance(value, str):
        return label if value in names else value
    if isinstance(value, list):
        return [_replaced(item, names, label) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, names, label) for key, item in value.items()}
    return value


def _erase_names(names: set[str], label: str) -> None:
    # A record's label may hold the name among other words ("Zed Everything for Cohort 1"): whole words only.
    longest_first = sorted(names, key=len, reverse=True)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in longest_first))
    wanted = Q()
    for name in names:
        wanted |= Q(object_repr__contains=name) | Q(changes_as_text__contains=json.dumps(name))
    candidates = LogEntry.objects.annotate(changes_as_text=Cast("changes", TextField())).filter(wanted)
    for entry in candidates.only("pk", "object_repr", "changes"):
        # Updated in the database, not saved: a save would write a new entry about the entry.
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=pattern.sub(label, entry.object_repr), changes=_replaced(entry.changes, names, label)
        )


def account_deletion_record(*, user: User) -> LogEntry:
    """The one entry an account deletion leaves: the account's number and when, not the person's name or email.

    Called inside the deletion's transaction, before the rows go. The deletion itself runs under
    `disable_auditlog()` so that the rows it removes are not copied into the log by name. Earlier entries keep what
    happened but lose the person's name and address where the log used them to label a record or an actor: the one
    change to the log the service makes, because the person asked for their personal data to be erased.
    """
    label = f"Account {user.pk} (deleted)"
    names = {value for value in (user.full_name, user.email) if value}
    if names:
        _erase_names(names, label)
    LogEntry.objects.filter(actor_email__iexact=user.email).update(actor_email=label)
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=f"Account {user.pk}",
        action=LogEntry.Action.ACCESS,
        changes={},
        changes_text=EVENTS["account_deleted"],
        additional_data={"event": "account_deleted"},
    )
    # The actor middleware stamps the signed-in person (this one) on every new entry as it is saved: taken off again.
    LogEntry.objects.filter(pk=entry.pk).update(actor=None, actor_email=None)
    return entry
