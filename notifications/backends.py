"""GOV.UK Notify as an email backend, chosen with EMAIL_BACKEND=notifications.backends.NotifyEmailBackend.

A Cabinet Office service normally sends its email through GOV.UK Notify. Notify sends from its own templates, so the
service has one Notify email template whose subject is ((subject)) and whose body is ((body)); every email, ours
and django-allauth's, fills them with its rendered subject and plain text. Notify formats the text itself (its own
accessible layout; links made clickable), so our HTML part is not sent. The official client library does the HTTP
and the signed API token.

Notify cannot attach a file to an email the way SMTP does (its "send a file by email" takes PDFs, office documents,
images and text, not calendar invitations, and needs a placeholder in the template), so each attachment, such as a
meeting's .ics, is kept by the application and the body gets a signed, expiring link to it
(notifications/email_files.py).

Errors are raised, never swallowed, so the send task (notifications/tasks.py) sees them: Notify being down, slow or
asking us to slow down (a 5xx, a 429, or no answer) is a ConnectionError, which the task retries with backoff;
anything else (a 400 for a bad template id, a 403 for a revoked key) fails the email at once, for the programme
team to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from notifications.email_files import EMAIL_FILE_DAYS, email_file_link


class NotifyUnavailable(ConnectionError):
    """GOV.UK Notify did not take the email this time; trying again later may work."""


def _is_transient(error: APIError) -> bool:
    # The client reports a request that got no answer (connection refused, timeout) as a 503.
    return error.status_code >= 500 or error.status_code == 429


def unsubscribe_url_of(message: EmailMessage) -> str | None:
    """The one-click unsubscribe link notifications.services put in the List-Unsubscribe header, if any."""
    header = message.extra_headers.get("List-Unsubscribe", "")
    return header.strip().removeprefix("<").removesuffix(">") or None


def _file_links(message: EmailMessage, address: str) -> str:
    """The words that replace the message's attachments: a download link for each, for this recipient."""
    lines = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            filename = attachment.get_filename() or "file"
            payload = attachment.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            mimetype = attachment.get_content_type()
        else:
            filename, raw, mimetype = attachment
            content = raw.encode() if isinstance(raw, str) else raw
        link = email_file_link(address=address, filename=filename, content=content, mimetype=mimetype or "")
        lines.append(f"The file that comes with this email, {filename}, is here for {EMAIL_FILE_DAYS} days:\n{link}")
    return "".join(f"\n\n{line}" for line in lines)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        if not settings.NOTIFY_API_KEY or not settings.NOTIFY_TEMPLATE_ID:
            raise ImproperlyConfigured("Sending through GOV.UK Notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
        self.template_id = settings.NOTIFY_TEMPLATE_ID
        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY, timeout=settings.EMAIL_TIMEOUT)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            delivered = True
            for address in message.recipients():
                try:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={
                            "subject": message.subject,
                            "body": message.body + _file_links(message, address),
                        },
                        # Notify adds the List-Unsubscribe headers (RFC 8058) itself from this link.
                        one_click_unsubscribe_url=unsubscribe_url_of(message),
                    )
                except APIError as error:
                    if self.fail_silently:
                        delivered = False
                        continue
                    if _is_transient(error):
                        raise NotifyUnavailable(f"GOV.UK Notify did not take the email: {error}") from error
                    raise
            sent += delivered
        return sent
