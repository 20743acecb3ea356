"""How notices read and how emails are rendered.

An email has two templates, templates/notifications/email/<event>/subject.txt and body.txt, rendered as plain text
(no HTML escaping: a subject is never "Riverside&#x27;s"). The HTML version is the plain text in one simple,
accessible layout (templates/notifications/email/layout.html): escaped, paragraphs kept, links made clickable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from notifications import events, links, references
from notifications.models import Category, Notice, OutboundEmail

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class _Blank(dict[str, Any]):
    """Missing params read as empty, so an old notice never fails to show after its wording gains a placeholder."""

    def __missing__(self, key: str) -> str:
        return ""


def fill(wording: str, params: Mapping[str, Any]) -> str:
    return wording.format_map(_Blank(params)).strip()


def notice_text(notice: Notice) -> str:
    names = references.names_of(references.person_ids([notice.params]))
    return _notice_text(notice, names)


def _notice_text(notice: Notice, names: Mapping[int, str]) -> str:
    wording = events.EVENTS[notice.event].notice if notice.event in events.EVENTS else "{text}"
    return fill(wording or "", references.resolved(notice.params, names))


def with_texts(notices: Iterable[Notice]) -> list[Notice]:
    """Notices with their words filled in, every person on the page looked up in one query."""
    notices = list(notices)
    names = references.names_of(references.person_ids(notice.params for notice in notices))
    for notice in notices:
        notice._text = _notice_text(notice, names)  # type: ignore[attr-defined]
    return notices


def unsubscribe_token(user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, category); raises signing.BadSignature for a token we did not make."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or data.get("c") not in Category.optional() or not isinstance(data.get("u"), int):
        raise signing.BadSignature("not an unsubscribe token")
    return data["u"], data["c"]


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    unsubscribe_url: str  # empty for essential emails


def plain_text(template_name: str, context: Mapping[str, Any]) -> str:
    """A template rendered as plain text: nothing HTML-escaped (an email is not a web page)."""
    return get_template(template_name).template.render(Context(dict(context), autoescape=False))  # type: ignore[attr-defined]


def site_context() -> dict[str, str]:
    """What every email can say about the service, ours and django-allauth's alike."""
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, "support_email": settings.SUPPORT_EMAIL}


def email_context(email: OutboundEmail, names: Mapping[int, str] | None = None) -> dict[str, Any]:
    """What an email's templates are filled with. `names`: the people it mentions, when the caller has looked up
    those of many emails at once (with_subjects)."""
    event = events.get(email.event)
    if names is None:
        names = references.names_of(references.person_ids([email.params]))
    context = references.resolved(email.params, names)
    for key, value in list(context.items()):
        if key.endswith("_url") and isinstance(value, str):
            context[key] = links.absolute(value)
    recipient = email.recipient
    unsubscribe_url = ""
    if recipient is not None and event.category in Category.optional():
        unsubscribe_url = links.absolute(
            reverse("accounts:unsubscribe", kwargs={"token": unsubscribe_token(recipient.pk, event.category)})
        )
    context.update(
        {
            "recipient_name": getattr(recipient, "display_name", "") if recipient is not None else "",
            "url": links.absolute(email.url),
            **site_context(),
            "preferences_url": links.absolute(reverse("accounts:email_preferences")) if recipient is not None else "",
            "unsubscribe_url": unsubscribe_url,
            "category_label": Category(event.category).label,
        }
    )
    return context


def subject_line(template_name: str, context: Mapping[str, Any]) -> str:
    """A subject as plain text on one line, whatever names people typed: a newline in an email header is refused."""
    return " ".join(plain_text(template_name, context).split())


def html_version(*, subject: str, text: str) -> str:
    """The HTML part of an email: its plain text in the service's one accessible layout."""
    return render_to_string(
        "notifications/email/layout.html", {"site_name": settings.SITE_NAME, "subject": subject, "text": text}
    )


def render_email(email: OutboundEmail) -> RenderedEmail:
    context = email_context(email)
    folder = f"notifications/email/{email.event}"
    subject = subject_line(f"{folder}/subject.txt", context)
    text = plain_text(f"{folder}/body.txt", context).strip() + "\n"
    return RenderedEmail(
        subject=subject,
        text=text,
        html=html_version(subject=subject, text=text),
        unsubscribe_url=context["unsubscribe_url"],
    )


def with_subjects(emails: Iterable[OutboundEmail]) -> list[OutboundEmail]:
    """Emails with their subject lines (as `subject`), every person they mention looked up in one query. An email
    that was sent has forgotten its words: its subject is empty."""
    emails = list(emails)
    names = references.names_of(references.person_ids(email.params for email in emails))
    for email in emails:
        template = f"notifications/email/{email.event}/subject.txt"
        email.subject = subject_line(template, email_context(email, names)) if email.event in events.EVENTS else ""  # type: ignore[attr-defined]
    return emails
