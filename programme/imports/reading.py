"""Reading an import file: the checks on the whole file, then each row as new, updated, unchanged or invalid.

Nothing is written here. The same file read twice gives the same answer; a file already imported reads as
"unchanged" throughout, which is why importing it again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.db.models.functions import Lower

from accounts.models import Mutual, Region, ServiceArea, Stage, SupportTopic, User
from ambassadors.models import Ambassador, Cohort

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"

COLUMNS = {
    "mutuals": ["name", "stage", "region", "service_areas", "contact_email", "contact_name"],
    "mentors": ["email", "full_name", "headline", "bio", "organisation", "region", "service_areas", "topics"],
    "ambassadors": ["email", "full_name", "cohort", "headline", "organisation", "region", "service_areas", "topics"],
}
KINDS = {"mutuals": "Mutuals", "mentors": "Mentors", "ambassadors": "Ambassadors"}


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass
class Row:
    line: int  # the line in the file, the header being line 1
    key: str  # the email address (people) or the name (mutuals) that finds an existing record
    status: str = "new"  # new, updated, unchanged, invalid
    reasons: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)


@dataclass
class ReadFile:
    kind: str
    rows: list[Row]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("new", "updated", "unchanged", "invalid")}


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ImportFileError("The file is larger than 50 MB. Split it into smaller files and import each one.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as 'CSV UTF-8 (comma delimited)' and try again."
        ) from None


class _Lookup:
    """Taxonomy terms and cohorts by slug or name, any case, read once per file."""

    def __init__(self, model: type[Model]) -> None:
        self.label = str(model._meta.verbose_name)
        self.by_key: dict[str, Any] = {}
        for term in model.objects.all():  # type: ignore[attr-defined]
            self.by_key[term.name.casefold()] = term
            if hasattr(term, "slug"):
                self.by_key[term.slug.casefold()] = term

    def one(self, value: str, row: Row, column: str) -> Any:
        found = self.by_key.get(value.strip().casefold())
        if found is None:
            row.reasons.append(f"{column}: there is no {self.label} called “{value.strip()}”")
        return found

    def many(self, value: str, row: Row, column: str) -> list[Any]:
        names = [part for part in (piece.strip() for piece in value.split(LIST_SEPARATOR)) if part]
        if not names:
            row.reasons.append(f"{column}: enter at least one, separated by semicolons")
        return [term for term in (self.one(name, row, column) for name in names) if term is not None]


def _records(text: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty. The first line must name the columns.") from None
    header = [name.strip().lower() for name in header]
    expected = COLUMNS[kind]
    if header != expected:
        raise ImportFileError(
            f"The columns are not the ones for {KINDS[kind].lower()}. The first line must be exactly: "
            f"{','.join(expected)}"
        )
    records: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it and import each part.")
        records.append((reader.line_num, dict(zip(expected, [*cells, *[""] * len(expected)], strict=False))))
    if not records:
        raise ImportFileError("The file has the right columns but no rows to import.")
    return records


def _check_cells(row: Row, record: dict[str, str]) -> None:
    for column, value in record.items():
        if value.startswith(FORMULA_STARTS):
            row.reasons.append(f"{column}: starts with “{value[:1]}”, which a spreadsheet runs as a formula; remove it")


def _required(row: Row, record: dict[str, str], *columns: str) -> None:
    for column in columns:
        if not record.get(column, "").strip():
            row.reasons.append(f"{column}: enter a value")


def _compare(row: Row, current: dict[str, Any] | None) -> None:
    if row.reasons:
        row.status = "invalid"
    elif current is None:
        row.status = "new"
    else:
        row.changes = [name for name, value in row.values.items() if current.get(name) != value]
        row.status = "updated" if row.changes else "unchanged"


def _ids(terms: list[Any]) -> frozenset[int]:
    return frozenset(term.pk for term in terms)


def _people_rows(kind: str, records: list[tuple[int, dict[str, str]]]) -> list[Row]:
    regions, areas, topics = _Lookup(Region), _Lookup(ServiceArea), _Lookup(SupportTopic)
    cohorts = _Lookup(Cohort) if kind == "ambassadors" else None
    emails = {record["email"].strip().lower() for _, record in records}
    users = {
        user.email: user
        for user in User.objects.annotate(lower=Lower("email"))
        .filter(lower__in=emails)
        .select_related("mentor_profile", "ambassador")
        .prefetch_related("mentor_profile__topics", "mentor_profile__service_areas")
    }
    ambassador_terms: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
    if kind == "ambassadors":
        for ambassador in Ambassador.objects.filter(user__in=users.values()).prefetch_related(
            "topics", "service_areas"
        ):
            ambassador_terms[ambassador.pk] = (
                _ids(list(ambassador.topics.all())),
                _ids(list(ambassador.service_areas.all())),
            )
    rows: list[Row] = []
    seen: set[str] = set()
    for line, record in records:
        email = record["email"].strip().lower()
        row = Row(line=line, key=email)
        _check_cells(row, record)
        _required(row, record, "email", "full_name", "region", "service_areas", "topics")
        if email and ("@" not in email or " " in email):
            row.reasons.append("email: enter an email address like name@example.org")
        if email in seen:
            row.reasons.append("email: this address is on an earlier row of the file")
        seen.add(email)
        row.values = {
            "full_name": record["full_name"].strip(),
            "headline": record["headline"].strip(),
            "organisation": record["organisation"].strip(),
            "region": regions.one(record["region"], row, "region") if record["region"].strip() else None,
            "service_areas": _ids(areas.many(record["service_areas"], row, "service_areas")),
            "topics": _ids(topics.many(record["topics"], row, "topics")),
        }
        user = users.get(email)
        current: dict[str, Any] | None = None
        if kind == "mentors":
            row.values["bio"] = record["bio"].strip()
            _required(row, record, "headline", "bio")
            profile = getattr(user, "mentor_profile", None) if user else None
            if profile is not None:
                current = {
                    "full_name": user.full_name,  # type: ignore[union-attr]
                    "headline": profile.headline,
                    "organisation": profile.organisation,
                    "bio": profile.bio,
                    "region": profile.region,
                    "service_areas": _ids(list(profile.service_areas.all())),
                    "topics": _ids(list(profile.topics.all())),
                }
        else:
            assert cohorts is not None
            row.values["cohort"] = cohorts.one(record["cohort"], row, "cohort") if record["cohort"].strip() else None
            _required(row, record, "cohort")
            existing: Ambassador | None = getattr(user, "ambassador", None) if user else None
            if existing is not None:
                ambassador = existing
                topic_ids, area_ids = ambassador_terms.get(ambassador.pk, (frozenset(), frozenset()))
                current = {
                    "full_name": user.full_name,  # type: ignore[union-attr]
                    "headline": ambassador.headline,
                    "organisation": ambassador.organisation,
                    "region": ambassador.region,
                    "service_areas": area_ids,
                    "topics": topic_ids,
                    "cohort": ambassador.cohort,
                }
        _compare(row, current)
        rows.append(row)
    return rows


def _mutual_rows(records: list[tuple[int, dict[str, str]]]) -> list[Row]:
    regions, areas, stages = _Lookup(Region), _Lookup(ServiceArea), _Lookup(Stage)
    names = {record["name"].strip().casefold() for _, record in records}
    mutuals = {
        mutual.name.casefold(): mutual
        for mutual in Mutual.objects.annotate(lower=Lower("name"))
        .filter(lower__in=names)
        .prefetch_related("service_areas", "memberships__user")
    }
    rows: list[Row] = []
    seen: set[str] = set()
    for line, record in records:
        name = record["name"].strip()
        row = Row(line=line, key=name)
        _check_cells(row, record)
        _required(row, record, "name", "stage", "region", "service_areas", "contact_email")
        contact = record["contact_email"].strip().lower()
        if contact and ("@" not in contact or " " in contact):
            row.reasons.append("contact_email: enter an email address like name@example.org")
        if name.casefold() in seen:
            row.reasons.append("name: this mutual is on an earlier row of the file")
        seen.add(name.casefold())
        row.values = {
            "stage": stages.one(record["stage"], row, "stage") if record["stage"].strip() else None,
            "region": regions.one(record["region"], row, "region") if record["region"].strip() else None,
            "service_areas": _ids(areas.many(record["service_areas"], row, "service_areas")),
            "contact_email": contact,
            "contact_name": record["contact_name"].strip(),
        }
        mutual = mutuals.get(name.casefold())
        current = None
        if mutual is not None:
            members = {membership.user.email.lower() for membership in mutual.memberships.all()}
            current = {
                "stage": mutual.stage,
                "region": mutual.region,
                "service_areas": _ids(list(mutual.service_areas.all())),
                # The contact is "unchanged" once they are a member; their name is theirs to change after that.
                "contact_email": contact if contact in members else None,
                "contact_name": row.values["contact_name"] if contact in members else None,
            }
        _compare(row, current)
        rows.append(row)
    return rows


READERS: dict[str, Callable[[list[tuple[int, dict[str, str]]]], list[Row]]] = {
    "mutuals": _mutual_rows,
    "mentors": lambda records: _people_rows("mentors", records),
    "ambassadors": lambda records: _people_rows("ambassadors", records),
}


def read(kind: str, text: str) -> ReadFile:
    """Every row of the file, checked against the database as it is now. Raises ImportFileError for the file."""
    if kind not in COLUMNS:
        raise ImportFileError("Choose what the file holds: mutuals, mentors or ambassadors.")
    return ReadFile(kind=kind, rows=READERS[kind](_records(text, kind)))
