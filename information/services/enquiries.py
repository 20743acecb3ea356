"""Enquiries to the mutuals support team (the hotline): received from anyone, triaged and answered by the
programme team, and deleted a while after they are closed.

States: new -> in progress (someone took it) -> answered (a reply or an invitation went out) -> closed; a closed
enquiry can be reopened. Only new and in-progress enquiries can be overdue: the target is the first response.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import User
from accounts.working_days import add_working_days
from information import readiness, throttle
from information.models import Enquiry, EnquiryReply
from information.services.common import InformationError
from notifications.services import notify, notify_address

logger = logging.getLogger(__name__)

# Unambiguous when read out on the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "MIS-"
ENQUIRY_FIELDS = (
    "name",
    "email",
    "role",
    "organisation",
    "service_area",
    "region",
    "topic",
    "question",
    "reply_by",
    "phone",
    "page_url",
)


class EnquiryRateLimited(InformationError):
    """Too many enquiries from one address this hour."""


def new_reference(random: Any = secrets) -> str:
    """MIS-7KQ3PX: short enough to read out, long enough (about 900 million) not to be guessed."""
    return REFERENCE_PREFIX + "".join(random.choice(REFERENCE_ALPHABET) for _ in range(6))


def _staff() -> Any:
    return User.objects.filter(is_programme_team=True, is_active=True)


def _respond_by_text(enquiry: Enquiry) -> str:
    assert enquiry.respond_by is not None
    return date_format(timezone.localtime(enquiry.respond_by), "l j F Y")


def enquiry_submit(
    *,
    data: Mapping[str, Any],
    kind: str = Enquiry.Kind.QUESTION,
    now: datetime | None = None,
    reference: str | None = None,
) -> Enquiry:
    """Receive an enquiry (or feedback) from anyone, with or without an account.

    Refused with EnquiryRateLimited once ENQUIRY_RATE_LIMIT_PER_HOUR have come from the address this hour. The person
    gets an acknowledgement with the reference and the date we aim to answer by; the programme team get a notice.
    Feedback with no email address expects no reply, so it has no target and cannot become overdue.
    """
    email = str(data.get("email") or "").strip()
    if email and not throttle.allow_enquiry(email):
        raise EnquiryRateLimited(
            "We have had several messages from this email address in the last hour. Please wait an hour and send "
            "it again: your words are kept below."
        )
    with transaction.atomic():
        return _create(data=data, kind=kind, email=email, now=now or timezone.now(), reference=reference)


def _create(*, data: Mapping[str, Any], kind: str, email: str, now: datetime, reference: str | None) -> Enquiry:
    enquiry = Enquiry(kind=kind, created_at=now)
    for name in ENQUIRY_FIELDS:
        if name in data:
            setattr(enquiry, name, data[name] if data[name] is not None else getattr(enquiry, name))
    enquiry.email = email
    enquiry.readiness_answers = readiness.clean(data.get("readiness_answers") or {})
    if email or enquiry.phone:
        enquiry.respond_by = add_working_days(now, settings.ENQUIRY_RESPONSE_WORKING_DAYS)
    for attempt in range(5):
        enquiry.reference = reference or new_reference()
        try:
            with transaction.atomic():
                enquiry.save()
            break
        except IntegrityError:
            if reference or attempt == 4:
                raise
    if email:
        notify_address(
            "enquiry_received",
            address=email,
            params={
                "name": enquiry.name,
                "reference": enquiry.reference,
                "kind": enquiry.kind,
                "respond_by": _respond_by_text(enquiry) if enquiry.respond_by else "",
                "working_days": settings.ENQUIRY_RESPONSE_WORKING_DAYS,
                "guide_url": reverse("information:guide"),
            },
            dedupe=f"enquiry_received:{enquiry.pk}",
        )
    notify(
        "enquiry_received_staff",
        to=_staff(),
        params={
            "reference": enquiry.reference,
            "what": "feedback" if kind == Enquiry.Kind.FEEDBACK else "enquiry",
            "sender": enquiry.name or "someone who left no name",
        },
        url=reverse("information:enquiry_detail", kwargs={"pk": enquiry.pk}),
    )
    return enquiry


def _locked(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_for_update().get(pk=enquiry.pk)


@transaction.atomic
def enquiry_assign(*, enquiry: Enquiry, assignee: User | None, actor: User) -> Enquiry:
    """Give the enquiry to a member of the programme team (None: back to nobody). Assigning a new enquiry starts work
    on it; the assignee is told unless they assigned it to themselves."""
    enquiry = _locked(enquiry)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise InformationError(f"Enquiry {enquiry.reference} is closed. Reopen it first.")
    if assignee is not None and not assignee.is_programme_team:
        raise InformationError("Enquiries can only be assigned to the programme team.")
    if assignee is not None and enquiry.assigned_to_id == assignee.pk:
        return enquiry
    enquiry.assigned_to = assignee
    if assignee is not None and enquiry.status == Enquiry.Status.NEW:
        enquiry.status = Enquiry.Status.IN_PROGRESS
    elif assignee is None and enquiry.status == Enquiry.Status.IN_PROGRESS:
        enquiry.status = Enquiry.Status.NEW
    enquiry.save(update_fields=["assigned_to", "status"])
    if assignee is not None:
        notify(
            "enquiry_assigned",
            to=[assignee],
            actor=actor,
            params={"reference": enquiry.reference},
            url=reverse("information:enquiry_detail", kwargs={"pk": enquiry.pk}),
        )
    return enquiry


def record_response(enquiry: Enquiry, actor: User, now: datetime) -> None:
    """An answer went out (a reply or an invitation): the target is met, and whoever sent it has the enquiry."""
    fields = ["status"]
    if enquiry.first_response_at is None:
        enquiry.first_response_at = now
        fields.append("first_response_at")
    if enquiry.assigned_to_id is None:
        enquiry.assigned_to = actor
        fields.append("assigned_to")
    enquiry.status = Enquiry.Status.ANSWERED
    enquiry.save(update_fields=fields)


@transaction.atomic
def enquiry_reply(*, enquiry: Enquiry, author: User, body: str) -> EnquiryReply:
    """Answer from the service: the reply is emailed to the person and kept with the enquiry."""
    enquiry = _locked(enquiry)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise InformationError(f"Enquiry {enquiry.reference} is closed. Reopen it to reply.")
    if not enquiry.email:
        raise InformationError("This person left no email address, so there is nowhere to send a reply.")
    body = body.strip()
    if not body:
        raise InformationError("Write the reply.")
    now = timezone.now()
    reply = EnquiryReply.objects.create(enquiry=enquiry, author=author, body=body, created_at=now)
    record_response(enquiry, author, now)
    notify_address(
        "enquiry_reply",
        address=enquiry.email,
        params={"name": enquiry.name, "reference": enquiry.reference, "reply": body, "author": author},
        url=reverse("pages:contact"),
        dedupe=f"enquiry_reply:{reply.pk}",
    )
    return reply


@transaction.atomic
def enquiry_close(*, enquiry: Enquiry, actor: User, note: str = "") -> Enquiry:
    enquiry = _locked(enquiry)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise InformationError(f"Enquiry {enquiry.reference} is already closed.")
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.closed_at = timezone.now()
    enquiry.closed_by = actor
    enquiry.closing_note = note.strip()
    enquiry.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    return enquiry


@transaction.atomic
def enquiry_reopen(*, enquiry: Enquiry, actor: User) -> Enquiry:
    """Back to work: answered before, it is answered again; otherwise with whoever reopened it."""
    enquiry = _locked(enquiry)
    if enquiry.status != Enquiry.Status.CLOSED:
        raise InformationError(f"Enquiry {enquiry.reference} is not closed.")
    if enquiry.first_response_at is not None:
        enquiry.status = Enquiry.Status.ANSWERED
    else:
        enquiry.status = Enquiry.Status.IN_PROGRESS
        enquiry.assigned_to = enquiry.assigned_to or actor
    enquiry.closed_at = None
    enquiry.closed_by = None
    enquiry.save(update_fields=["status", "assigned_to", "closed_at", "closed_by"])
    return enquiry


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Enquiries closed before this are deleted. A month is taken as 30 days, which the privacy notice says."""
    now = now or timezone.now()
    return now - timedelta(days=30 * settings.ENQUIRY_RETENTION_MONTHS)


def enquiries_purge_closed(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Delete enquiries closed more than ENQUIRY_RETENTION_MONTHS ago, with their replies and invitations.

    In batches, each its own transaction, so a large backlog never holds long locks. Safe to run twice: a second run
    finds nothing left to delete.
    """
    cutoff = retention_cutoff(now)
    deleted = 0
    while True:
        ids = list(
            Enquiry.objects.filter(status=Enquiry.Status.CLOSED, closed_at__lt=cutoff).values_list("pk", flat=True)[
                :batch_size
            ]
        )
        if not ids:
            break
        with transaction.atomic():
            Enquiry.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    if deleted:
        logger.info("Deleted %s enquiries closed before %s", deleted, cutoff.date())
    return deleted
