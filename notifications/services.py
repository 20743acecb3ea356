"""Telling people things: in-app notices and emails, for every app.

`notify` is the one way to tell someone about an event (notifications/events.py). It writes the notice and the
email in the caller's transaction, so they exist exactly when the change they are about does; the email is sent
after commit by a retrying task, and a row the broker never received is sent later by the dispatcher.
"""

from __future__ import annotations

import base64
import json
import logging
import smtplib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from notifications import events, references, rendering
from notifications.models import Category, EmailPreferences, Notice, OutboundEmail

logger = logging.getLogger(__name__)

# A claimed email not finished after this long belongs to a worker that died: it may be claimed again.
SENDING_TIMEOUT = timedelta(minutes=10)
# Pending emails older than this were not picked up after commit (no broker at the time): the dispatcher sends them.
DISPATCH_AFTER = timedelta(minutes=2)
# An email is tried this many times (the first try and its retries, notifications/tasks.py) before it is marked failed.
MAX_ATTEMPTS = 7
# A pending email that has been tried is waiting for its task's retry (at most an hour away, with backoff): only
# when that retry has been lost (a broker restart) does the dispatcher send it again.
RETRY_LOST_AFTER = timedelta(minutes=70)
# Rows per INSERT (and ids per task) when many people are told at once (notify_bulk).
BULK_BATCH_SIZE = 1000

# Errors worth trying again: the mail server or the network being unavailable. Anything else (a message the mail
# service refuses for good, a template error) fails the email at once rather than retrying it for an hour.
# smtplib's errors are OSErrors, so every SMTP error is retried; a Notify outage is a ConnectionError
# (notifications/backends.py).
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OSError,
)


# The largest attachment notify accepts: an email row is not a file store (documents are shared by link instead).
MAX_ATTACHMENT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email, such as a calendar invitation (.ics)."""

    filename: str
    content: bytes
    mimetype: str

    def stored(self) -> dict[str, str]:
        if len(self.content) > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"{self.filename} is too large to attach to an email ({len(self.content)} bytes)")
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content": base64.b64encode(self.content).decode("ascii"),
        }


def _wants(user: Any, category: str) -> bool:
    if category == Category.ESSENTIAL:
        return True
    if not user.is_active:
        return False
    preferences = EmailPreferences.objects.filter(user=user).first()
    return preferences is None or preferences.wants(category)


def notify(
    event_key: str,
    *,
    to: Iterable[Any],
    actor: Any = None,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    dedupe: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Tell each person in `to` about an event: a notice and/or an email, as its row in events.py says.

    The actor (who did it) is never told about their own action and is available to the wording as {actor}.
    `params` fill the wording: plain values, and people (user objects), which are stored by reference. `url` is
    the path the notice and the email link to. `dedupe` (e.g. "introduction:12") makes the email idempotent: the
    same event for the same object and person is emailed once, however often this runs. `attachments` go with
    each email (not the notice), as they are now.
    """
    event = events.get(event_key)
    if attachments and not event.email:
        raise ValueError(f"{event_key} is not emailed: it cannot carry attachments")
    files = [attachment.stored() for attachment in attachments]
    values = references.stored({**({"actor": actor} if actor is not None else {}), **(params or {})})
    seen: set[int] = set()
    new_emails: list[int] = []
    for user in to:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        if event.notice is not None and user.is_active:
            Notice.objects.create(user=user, event=event.key, kind=event.kind, params=values, url=url)
        if event.email and _wants(user, event.category):
            email_id = _write_email(
                event.key, values, url, recipient=user, dedupe=dedupe and f"{dedupe}:{user.pk}", attachments=files
            )
            if email_id is not None:
                new_emails.append(email_id)
    _dispatch_after_commit(new_emails)


@dataclass(frozen=True)
class Delivery:
    """One occurrence of an event for `notify_bulk`: who is told, the wording's params, the link, the dedupe key."""

    to: Sequence[Any]
    params: Mapping[str, Any]
    url: str = ""
    dedupe: str | None = None


def notify_bulk(event_key: str, deliveries: Sequence[Delivery], *, actor: Any = None) -> int:
    """`notify` for many occurrences of one event at once (a published batch of introductions), in a few queries:
    the same notices and emails, and the same rules (the actor is not told; a notice only for active people; an
    email only for people who want its category; an email already written under its dedupe key is not written
    again). Returns the number of emails written; they are handed to the broker after commit, in chunks, by a task.
    """
    event = events.get(event_key)
    actor_values = {"actor": actor} if actor is not None else {}
    people = {user.pk: user for delivery in deliveries for user in delivery.to if user is not None}
    wanted: dict[int, bool] = {}
    if event.email:
        refusals = {
            preferences.user_id: not preferences.wants(event.category)
            for preferences in EmailPreferences.objects.filter(user_id__in=list(people))
        }
        for pk, user in people.items():
            wanted[pk] = event.category == Category.ESSENTIAL or (user.is_active and not refusals.get(pk, False))
    notices: list[Notice] = []
    emails: list[OutboundEmail] = []
    for delivery in deliveries:
        values = references.stored({**actor_values, **delivery.params})
        seen: set[int] = set()
        for user in delivery.to:
            if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
                continue
            seen.add(user.pk)
            if event.notice is not None and user.is_active:
                notices.append(Notice(user=user, event=event.key, kind=event.kind, params=values, url=delivery.url))
            if event.email and wanted[user.pk]:
                dedupe = delivery.dedupe and f"{delivery.dedupe}:{user.pk}"
                emails.append(
                    OutboundEmail(event=event.key, recipient=user, params=values, url=delivery.url, dedupe_key=dedupe)
                )
    _insert_many(Notice, notices, ["user_id", "event", "kind", "params", "url", "created_at"])
    keys = [email.dedupe_key for email in emails if email.dedupe_key]
    written: set[str | None] = set()
    for start in range(0, len(keys), BULK_BATCH_SIZE):
        chunk = keys[start : start + BULK_BATCH_SIZE]
        written.update(OutboundEmail.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    emails = [email for email in emails if email.dedupe_key not in written]
    email_columns = ["event", "recipient_id", "to_address", "params", "url", "dedupe_key", "status", "attempts"]
    email_ids = _insert_many(OutboundEmail, emails, [*email_columns, "attachments", "last_error", "created_at"])
    if email_ids:
        transaction.on_commit(partial(_dispatch_in_chunks, email_ids))
    return len(email_ids)


_SQL_TYPES = {
    "ForeignKey": "bigint",
    "CharField": "text",
    "EmailField": "text",
    "TextField": "text",
    "JSONField": "jsonb",
    "DateTimeField": "timestamptz",
    "PositiveSmallIntegerField": "integer",
}


def _insert_many(model: Any, rows: list[Any], columns: list[str]) -> list[int]:
    """Insert unsaved model instances; returns their new ids. On PostgreSQL one INSERT ... SELECT FROM unnest(...)
    per chunk (a parameter per column, not per value: several times faster than bulk_create at tens of thousands
    of rows); elsewhere bulk_create."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
        return [row.pk for row in created]
    fields = [model._meta.get_field(column.removesuffix("_id")) for column in columns]
    types = [_SQL_TYPES[field.get_internal_type()] for field in fields]
    names = ", ".join(field.column for field in fields)
    values = ", ".join(f"%s::{sql_type}[]" for sql_type in types)
    sql = f"INSERT INTO {model._meta.db_table} ({names}) SELECT * FROM unnest({values}) RETURNING id"  # noqa: S608
    ids: list[int] = []
    chunk_size = 20 * BULK_BATCH_SIZE
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start : start + chunk_size]
            arrays = []
            for column, field in zip(columns, fields, strict=True):
                column_values = [getattr(row, column) for row in chunk]
                if field.get_internal_type() == "JSONField":
                    column_values = [json.dumps(value) for value in column_values]
                arrays.append(column_values)
            cursor.execute(sql, arrays)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _dispatch_in_chunks(email_ids: list[int]) -> None:
    """Many emails: one task per chunk hands them to the broker (the dispatcher sends any it never received)."""
    from notifications.tasks import dispatch_emails

    for start in range(0, len(email_ids), BULK_BATCH_SIZE):
        try:
            dispatch_emails.delay(email_ids[start : start + BULK_BATCH_SIZE])
        except Exception:  # the broker refused (Redis down): dispatch_pending sends them later
            logger.warning("Could not queue %s emails; they will be sent when the broker is back", len(email_ids))


def notify_address(
    event_key: str, *, address: str, params: Mapping[str, Any] | None = None, url: str = "", dedupe: str | None = None
) -> None:
    """Email someone who has no account (yet): an invitation, a nomination, an answer to an enquiry."""
    event = events.get(event_key)
    email_id = _write_email(
        event.key, references.stored(params or {}), url, address=address, dedupe=dedupe and f"{dedupe}:{address}"
    )
    _dispatch_after_commit([email_id] if email_id is not None else [])


def _write_email(
    event_key: str,
    params: dict[str, Any],
    url: str,
    *,
    recipient: Any = None,
    address: str = "",
    dedupe: str | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> int | None:
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                event=event_key,
                recipient=recipient,
                to_address=address,
                params=params,
                url=url,
                dedupe_key=dedupe,
                attachments=attachments or [],
            )
    except IntegrityError:
        return None  # written already: this event was emailed to this person
    return email.pk


def _dispatch_after_commit(email_ids: list[int]) -> None:
    if email_ids:
        transaction.on_commit(partial(dispatch, email_ids))


def dispatch(email_ids: Iterable[int]) -> None:
    """Hand emails to the broker. A broker that is down loses nothing: the rows stay pending for the dispatcher."""
    from notifications.tasks import send_email

    for email_id in email_ids:
        try:
            send_email.delay(email_id)
        except Exception:  # the broker refused (Redis down): dispatch_pending sends it later
            logger.warning("Could not queue email %s; it will be sent when the broker is back", email_id, exc_info=True)


# --- Sending -------------------------------------------------------------------------------------------------


def _claim(email_id: int, now: datetime) -> bool:
    claimable = Q(status=OutboundEmail.Status.PENDING) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    )
    return bool(
        OutboundEmail.objects.filter(claimable, pk=email_id).update(status=OutboundEmail.Status.SENDING, claimed_at=now)
    )


def email_send(*, email_id: int, final_attempt: bool = True) -> bool:
    """Send one email, at most once: claimed by a checked update, so a second delivery of the task sends nothing.

    When sending fails with a transient error (TRANSIENT_ERRORS) the claim is released (the row is pending again,
    with the error) and the error raised, so the task retries it. It is marked failed, logged and left for the
    programme team to see (and try again) on the final attempt (the task's last retry, or MAX_ATTEMPTS tries in
    all), or at once for an error that trying again will not cure. Returns whether this call sent it.
    """
    now = timezone.now()
    if not _claim(email_id, now):
        return False
    email = OutboundEmail.objects.select_related("recipient").get(pk=email_id)
    recipient = email.recipient
    event = events.get(email.event)
    if recipient is not None and not _wants(recipient, event.category):
        OutboundEmail.objects.filter(pk=email_id).update(status=OutboundEmail.Status.SKIPPED, params={}, attachments=[])
        return False
    attempts = email.attempts + 1
    try:
        message = _message(email)
        message.send()
    except Exception as error:
        gives_up = final_attempt or attempts >= MAX_ATTEMPTS or not isinstance(error, TRANSIENT_ERRORS)
        status = OutboundEmail.Status.FAILED if gives_up else OutboundEmail.Status.PENDING
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING).update(
            status=status, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        if gives_up:
            logger.error(
                "Email %s (%s) could not be sent after %s attempt%s: %s",
                email_id,
                email.event,
                attempts,
                "" if attempts == 1 else "s",
                error,
            )
        raise
    if not event.keep_record:
        OutboundEmail.objects.filter(pk=email_id).delete()
        return True
    # Sent: keep the record, not the words (they are in the recipient's mailbox now).
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        attempts=attempts,
        params={},
        attachments=[],
        last_error="",
    )
    return True


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    rendered = rendering.render_email(email)
    address = email.recipient.email if email.recipient is not None else email.to_address
    headers: dict[str, str] = {}
    if rendered.unsubscribe_url:
        # RFC 8058 one-click unsubscribe: mail clients POST to the link; it needs no sign-in.
        headers["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, to=[address], headers=headers, from_email=None
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def emails_dispatch_pending(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue pending emails the broker never received, emails claimed by a worker that died, and emails whose retry
    was lost. An email waiting for its retry is left to it: sending it sooner would undo the backoff."""
    now = now or timezone.now()
    never_tried = Q(attempts=0) | Q(claimed_at=None)
    stuck = (
        Q(status=OutboundEmail.Status.PENDING, created_at__lt=now - DISPATCH_AFTER)
        & (never_tried | Q(claimed_at__lt=now - RETRY_LOST_AFTER))
    ) | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)
    ids = list(OutboundEmail.objects.filter(stuck).order_by("created_at").values_list("id", flat=True)[:limit])
    dispatch(ids)
    return len(ids)


@transaction.atomic
def email_retry(*, email_id: int) -> bool:
    """Staff try a failed email again (once the mail service is back, say): it is sent from the task as a new email
    would be, with its retries. Returns False when the email is not a failed one (already tried again, or gone)."""
    updated = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, claimed_at=None, attempts=0
    )
    _dispatch_after_commit([email_id] if updated else [])
    return bool(updated)


def emails_purge(*, now: datetime | None = None) -> int:
    """Forget sent and skipped emails after EMAIL_LOG_DAYS (the record that they were sent is all that is kept)."""
    now = now or timezone.now()
    done = [OutboundEmail.Status.SENT, OutboundEmail.Status.SKIPPED]
    deleted, _ = OutboundEmail.objects.filter(
        status__in=done, created_at__lt=now - timedelta(days=settings.EMAIL_LOG_DAYS)
    ).delete()
    return deleted


def notices_purge(*, now: datetime | None = None) -> int:
    """Delete notices older than NOTICE_RETENTION_DAYS: they are reminders, not records."""
    now = now or timezone.now()
    deleted, _ = Notice.objects.filter(created_at__lt=now - timedelta(days=settings.NOTICE_RETENTION_DAYS)).delete()
    return deleted


# --- Notices and preferences -------------------------------------------------------------------------------


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: Any) -> int:
    return Notice.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def preferences_for(user: Any) -> EmailPreferences:
    """The person's preferences (the defaults, unsaved, if they never changed them)."""
    return EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)


@transaction.atomic
def preferences_update(*, user: Any, wanted: Iterable[str]) -> EmailPreferences:
    """Receive the optional emails in `wanted` (categories) and none of the others."""
    wanted = set(wanted)
    unknown = wanted - set(Category.optional())
    if unknown:
        raise ValueError(f"Unknown email categories: {sorted(unknown)}")
    preferences, _ = EmailPreferences.objects.select_for_update().get_or_create(user=user)
    for category in Category.optional():
        setattr(preferences, category, category in wanted)
    preferences.save()
    return preferences


class UnsubscribeError(Exception):
    """The unsubscribe link is not one we made, or its person no longer has an account."""


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Any, str]:
    """Stop one category of emails for the person an emailed link was made for. Returns (person, category)."""
    from django.contrib.auth import get_user_model

    try:
        user_id, category = rendering.read_unsubscribe_token(token)
    except signing.BadSignature as error:
        raise UnsubscribeError("This link is not valid. Sign in to choose which emails you get.") from error
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise UnsubscribeError("This link is for an account that no longer exists.")
    preferences, _ = EmailPreferences.objects.select_for_update().get_or_create(user=user)
    setattr(preferences, category, False)
    preferences.save()
    return user, category
