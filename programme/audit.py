"""Reading the audit log: the entries staff search, and each entry as the words and rows the page and CSV show.

The log itself is written by django-auditlog (config/audited_models.py) and accounts.audit; nothing here changes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from accounts.audit import EVENTS
from accounts.filters import GovukDateFilter

ACTIONS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Event",
}
SEARCH_MAX_LENGTH = 200


def entries() -> QuerySet[LogEntry]:
    """Every entry, the newest first, with what a row of the page needs (a constant number of queries)."""
    return LogEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-pk")


def _record_type_choices() -> list[tuple[str, str]]:
    types = ContentType.objects.get_for_models(*auditlog.get_models())
    return sorted(
        ((str(ct.pk), str(model._meta.verbose_name).capitalize()) for model, ct in types.items()),
        key=lambda choice: choice[1],
    )


class AuditLogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="A name, a reference or a value before or after a change, for example 'approved'.",
    )
    actor = django_filters.CharFilter(
        label="Who did it",
        method="filter_actor",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Part of a staff member's name or email address.",
    )
    record_type = django_filters.ChoiceFilter(
        label="Type of record", field_name="content_type_id", choices=_record_type_choices, empty_label="All types"
    )
    date_from = GovukDateFilter(label="From", noun="the first day", field_name="timestamp", lookup_expr="date__gte")
    date_to = GovukDateFilter(label="To", noun="the last day", field_name="timestamp", lookup_expr="date__lte")

    class Meta:
        model = LogEntry
        fields: list[str] = []

    def search(self, queryset: QuerySet[LogEntry], name: str, value: str) -> QuerySet[LogEntry]:
        # The changes are JSON: searched as their text, so a value before or after a change is found.
        return queryset.annotate(changes_as_text=Cast("changes", TextField())).filter(
            Q(object_repr__icontains=value) | Q(changes_text__icontains=value) | Q(changes_as_text__icontains=value)
        )

    def filter_actor(self, queryset: QuerySet[LogEntry], name: str, value: str) -> QuerySet[LogEntry]:
        return queryset.filter(
            Q(actor_email__icontains=value) | Q(actor__email__icontains=value) | Q(actor__full_name__icontains=value)
        )


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Row:
    """One entry in words: who did what to which record, when, and each field before and after."""

    pk: int
    when: datetime
    who: str
    action: str
    record_type: str
    record: str
    summary: str
    changes: list[Change]


def _shown(value: Any) -> str:
    if value is None or value == "None":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _field_label(model: type | None, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]
    except Exception:
        return name.replace("_", " ").capitalize()


def row(entry: LogEntry) -> Row:
    model = entry.content_type.model_class()
    record_type = str(model._meta.verbose_name).capitalize() if model is not None else entry.content_type.model
    changes = []
    for name, values in (entry.changes or {}).items():
        # auditlog stores [before, after]; a many-to-many change stores {"type", "objects", "operation"}.
        if isinstance(values, list) and len(values) == 2:
            before, after = values
            changes.append(Change(_field_label(model, name), _shown(before), _shown(after)))
        elif isinstance(values, dict):
            objects = ", ".join(str(value) for value in values.get("objects", []))
            changes.append(Change(_field_label(model, name), "", f"{values.get('operation', '')}: {objects}"))
    action = ACTIONS.get(entry.action, "Event")
    if entry.action == LogEntry.Action.ACCESS:
        event = (entry.additional_data or {}).get("event", "")
        summary = EVENTS.get(event, entry.changes_text or "Event")
    else:
        summary = f"{action} {record_type.lower()} {entry.object_repr}"
    # A deleted actor's entries keep the email recorded at the time (or the account label, after an erasure).
    who = (
        entry.actor.display_name if entry.actor is not None else (entry.actor_email or "The service (no one signed in)")
    )
    return Row(
        pk=entry.pk,
        when=entry.timestamp,
        who=who,
        action=action,
        record_type=record_type,
        record=entry.object_repr,
        summary=summary,
        changes=changes,
    )


CSV_HEADER = ["When (UTC)", "Who", "Email", "Action", "Type of record", "Record", "What happened", "Changes"]


def csv_row(entry: LogEntry) -> list[object]:
    shown = row(entry)
    email = entry.actor.email if entry.actor is not None else (entry.actor_email or "")
    changes = "; ".join(f"{change.field}: {change.before} -> {change.after}" for change in shown.changes)
    return [
        entry.timestamp.isoformat(),
        shown.who,
        email,
        shown.action,
        shown.record_type,
        shown.record,
        shown.summary,
        changes,
    ]
