"""Files for emails sent through a service that cannot attach them (GOV.UK Notify).

Notify's own "send a file by email" takes only some kinds of file (PDF, CSV, text, office documents, images), not a
calendar invitation (.ics), and needs a placeholder for it in the Notify template. So the Notify backend keeps each
attachment here, one row per recipient, and writes a link to it in the email instead: the link's token is signed
(django.core.signing, salted for this purpose) and stops working after EMAIL_FILE_DAYS, when the nightly purge also
deletes the row. The download needs no sign-in, as an attachment needs none: the signed link is the key.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from notifications import links
from notifications.models import EmailFile

SALT = "notifications.email_file"
# How long a link works: long enough for a meeting arranged weeks ahead to be added to a calendar late.
EMAIL_FILE_DAYS = 30


def _lifetime() -> timedelta:
    return timedelta(days=EMAIL_FILE_DAYS)


def email_file_link(*, address: str, filename: str, content: bytes, mimetype: str) -> str:
    """Keep the file for `address` and return the absolute, signed link that downloads it until it expires."""
    now = timezone.now()
    stored = EmailFile.objects.create(
        token=secrets.token_urlsafe(32),
        address=address,
        filename=filename[:200],
        mimetype=mimetype[:100],
        content=content,
        created_at=now,
        expires_at=now + _lifetime(),
    )
    signed = signing.TimestampSigner(salt=SALT).sign(stored.token)
    return links.absolute_reverse("notifications:email_file", signed=signed)


def email_file_for(signed: str) -> EmailFile | None:
    """The file a link names, while its signature holds and it has not expired; None otherwise."""
    try:
        token = signing.TimestampSigner(salt=SALT).unsign(signed, max_age=_lifetime())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return EmailFile.objects.filter(token=token, expires_at__gt=timezone.now()).first()


def email_files_purge(*, now: datetime | None = None) -> int:
    deleted, _ = EmailFile.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
