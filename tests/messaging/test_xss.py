"""Stored XSS: every payload sent as a message is stored as typed and rendered as inert, escaped text.

Server-side checks of the markup on every page that shows message text. The headless-browser test (no script
runs) reuses XSS_PAYLOADS from tests/messaging/xss_payloads.py.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.text import clean_text
from messaging.models import Message, MessageReport, Relationship
from tests.clients import ClientFor
from tests.forms import date_input
from tests.messaging.xss_payloads import XSS_PAYLOADS

SAFE_HREF_PREFIXES = ("/", "#", "?", "http://", "https://")
# Inside <main>, where message text is shown, none of these may appear.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "math", "style", "base", "meta", "link", "frame", "template"}


class _Markup(HTMLParser):
    """Collects what could run: tags, event-handler attributes, link targets, and each message's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.message_texts: list[str] = []
        self._in_message_text = 0
        self._text: list[str] = []
        self._in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "main":
            self._in_main = True
        if self._in_main:
            self._check(tag, attrs, attributes)
        if "app-long-text" in (attributes.get("class") or "") and self._in_message_text == 0:
            self._in_message_text = 1
            self._text = []
        elif self._in_message_text and tag != "br":
            self._in_message_text += 1
        if tag == "br" and self._in_message_text:
            self._text.append("\n")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]], attributes: dict[str, str | None]) -> None:
        for name, value in attrs:
            if name.lower().startswith("on") or name.lower() == "style":
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in FORBIDDEN_TAGS or tag in {"script", "img", "body", "html", "head"}:
            self.problems.append(f"<{tag} {attrs}>")
        if tag == "svg" and "govuk-pagination__icon" not in (attributes.get("class") or ""):
            self.problems.append(f"<svg {attrs}>")
        if tag == "a" and "href" in attributes:
            href = (attributes["href"] or "").strip()
            if not href.lower().startswith(SAFE_HREF_PREFIXES):
                self.problems.append(f'<a href="{href}">')
            if href.lower().startswith(("http://", "https://")) and "nofollow" not in (attributes.get("rel") or ""):
                self.problems.append(f'<a href="{href}"> without rel="nofollow noopener"')
        if tag == "form" and not (attributes.get("action") or "/").startswith("/"):
            self.problems.append(f"<form action={attributes.get('action')!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        if self._in_message_text:
            self._in_message_text -= 1
            if self._in_message_text == 0:
                self.message_texts.append("".join(self._text))

    def handle_data(self, data: str) -> None:
        if self._in_message_text:
            self._text.append(data)


def _read(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def sent(relationship: Relationship, member: User, client_for: ClientFor) -> list[Message]:
    client = client_for(member)
    url = reverse("messaging:conversation", kwargs={"pk": relationship.pk})
    for payload in XSS_PAYLOADS:
        response = client.post(url, {"body": payload})
        assert response.status_code == 302, payload
    return list(Message.objects.filter(relationship=relationship).order_by("id"))


def test_payloads_are_stored_exactly_as_typed(sent: list[Message]) -> None:
    # Exactly, but for invisible controls and bidirectional overrides, which are never kept (accounts/text.py).
    assert [message.body for message in sent] == [clean_text(payload).strip() for payload in XSS_PAYLOADS]


def test_the_conversation_renders_every_payload_as_text(
    sent: list[Message], relationship: Relationship, persona_client
) -> None:  # type: ignore[no-untyped-def]
    response = persona_client("mentor").get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert response.status_code == 200
    markup = _read(response.content.decode())
    assert markup.problems == []
    # Newest first; the text a reader sees is exactly what was typed.
    assert list(reversed(markup.message_texts)) == [clean_text(payload).strip() for payload in XSS_PAYLOADS]
    html = response.content.decode()
    assert "<script>window.__xss" not in html
    assert "<svg onload" not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html


def test_the_inbox_report_and_moderation_pages_render_payloads_as_text(
    sent: list[Message], relationship: Relationship, member: User, persona_client
) -> None:  # type: ignore[no-untyped-def]
    inbox = persona_client("mentor").get(reverse("messaging:inbox"))
    assert _read(inbox.content.decode()).problems == []
    for message in sent:
        report_page = persona_client("mentor").get(
            reverse("messaging:message_report", kwargs={"pk": relationship.pk, "message_pk": message.pk})
        )
        assert report_page.status_code == 200
        assert _read(report_page.content.decode()).problems == [], message.body
        report = MessageReport.objects.create(message=message, reported_by=relationship.mentor.user, reason="spam")
        staff_page = persona_client("staff").get(
            reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk})
        )
        assert staff_page.status_code == 200
        markup = _read(staff_page.content.decode())
        assert markup.problems == [], message.body
        assert message.body in markup.message_texts


def test_a_payload_in_a_goal_or_check_in_is_escaped_too(relationship: Relationship, member: User, persona_client):  # type: ignore[no-untyped-def]
    client = persona_client("member")
    payload = XSS_PAYLOADS[2]
    client.post(reverse("messaging:goal_create", kwargs={"pk": relationship.pk}), {"title": payload})
    response = persona_client("mentor").get(reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk}))
    assert relationship.goals.get().title == payload
    assert _read(response.content.decode()).problems == []
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in response.content.decode()


def test_a_payload_in_a_meetings_address_link_or_agenda_is_escaped(  # type: ignore[no-untyped-def]
    relationship: Relationship, member: User, persona_client
) -> None:
    payload = XSS_PAYLOADS[2]
    day = timezone.localdate() + timedelta(days=7)
    fields = {**date_input("on", day), "time": "10:00", "duration_minutes": "60"}
    client = persona_client("member")
    for how in ({"format": "in_person", "address": payload}, {"format": "video", "link": payload}):
        response = client.post(
            reverse("messaging:meeting_create", kwargs={"pk": relationship.pk}), {**fields, **how, "agenda": payload}
        )
        assert response.status_code == 302
    for meeting in relationship.meetings.all():
        assert meeting.agenda == payload and payload in (meeting.address, meeting.link)
        page = persona_client("mentor").get(
            reverse("messaging:meeting_detail", kwargs={"pk": relationship.pk, "meeting_pk": meeting.pk})
        )
        html = page.content.decode()
        assert _read(html).problems == []
        assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_a_payload_in_the_agreement_is_escaped(relationship: Relationship, member: User, persona_client) -> None:  # type: ignore[no-untyped-def]
    payload = XSS_PAYLOADS[2]
    review = timezone.localdate() + timedelta(days=60)
    response = persona_client("member").post(
        reverse("messaging:agreement_propose", kwargs={"pk": relationship.pk}),
        {"meeting_frequency": "monthly", "duration_months": "6", "out_of_scope": payload}
        | date_input("review_on", review),
    )
    assert response.status_code == 302
    assert relationship.agreements.get().out_of_scope == payload
    page = persona_client("mentor").get(reverse("messaging:agreement_detail", kwargs={"pk": relationship.pk}))
    html = page.content.decode()
    assert _read(html).problems == []
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_a_payload_in_a_document_name_is_escaped(relationship: Relationship, member: User, persona_client) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile('<img src=x onerror="window.__xss=1">.pdf', b"%PDF-1.4\n%%EOF\n")
    response = persona_client("member").post(
        reverse("messaging:document_list", kwargs={"pk": relationship.pk}), {"file": upload}
    )
    assert response.status_code == 302
    page = persona_client("mentor").get(reverse("messaging:document_list", kwargs={"pk": relationship.pk}))
    html = page.content.decode()
    assert _read(html).problems == []
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;.pdf" in html


def test_a_mentoring_groups_text_renders_every_payload_as_text(
    member: User, mentor: User, client_for: ClientFor, persona_client
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import SupportTopic
    from messaging.models import GroupMember, MentoringGroup
    from messaging.services import groups as group_services

    payload = '<img src=x onerror="window.__xss=1">'
    mutual = member.mutuals.get()
    group = MentoringGroup.objects.create(
        mentor=mentor.mentor_profile, title=payload, topic=SupportTopic.objects.first()
    )
    GroupMember.objects.create(group=group, mutual=mutual)
    client = client_for(member)
    url = reverse("messaging:group_detail", kwargs={"pk": group.pk})
    for text in XSS_PAYLOADS:
        assert client.post(url, {"body": text}).status_code == 302, text
    goal = client.post(
        reverse("messaging:group_goal_create", kwargs={"pk": group.pk}),
        {"mutual": mutual.pk, "title": payload, "description": payload},
    )
    assert goal.status_code == 302
    group_services.group_meeting_arrange(
        group=group,
        user=mentor,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=60,
        format="in_person",
        address=payload,
        agenda=payload,
    )
    for person in ("member", "mentor"):
        html = persona_client(person).get(url).content.decode()
        markup = _read(html)
        assert markup.problems == [], person
        for text in XSS_PAYLOADS:
            assert clean_text(text).strip() in markup.message_texts, text
        assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    group_services.group_close(group=group, user=mentor, reason=payload)
    for html in (
        persona_client("member").get(url).content.decode(),
        persona_client("member").get(reverse("messaging:group_list")).content.decode(),
        persona_client("staff").get(reverse("messaging:staff_group_list")).content.decode(),
    ):
        assert _read(html).problems == []
        assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_a_reported_group_message_renders_every_payload_as_text(
    member: User, mentor: User, client_for: ClientFor, persona_client
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import SupportTopic
    from messaging.models import GroupMember, GroupMessage, MentoringGroup

    payload = '<img src=x onerror="window.__xss=1">'
    group = MentoringGroup.objects.create(
        mentor=mentor.mentor_profile, title=payload, topic=SupportTopic.objects.first()
    )
    GroupMember.objects.create(group=group, mutual=member.mutuals.get())
    for text in XSS_PAYLOADS:
        message = GroupMessage.objects.create(group=group, author=mentor, body=clean_text(text).strip())
        report_url = reverse("messaging:group_message_report", kwargs={"pk": group.pk, "message_pk": message.pk})
        page = client_for(member).get(report_url).content.decode()
        assert _read(page).problems == [], text
        response = client_for(member).post(report_url, {"reason": "other", "details": payload})
        assert response.status_code == 302, text
    staff = persona_client("staff")
    assert _read(staff.get(reverse("messaging:moderation_report_list")).content.decode()).problems == []
    for report in MessageReport.objects.filter(group_message__group=group):
        html = staff.get(reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk})).content.decode()
        markup = _read(html)
        assert markup.problems == []
        assert report.group_message.body in markup.message_texts
        assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_group_closing_feedback_shows_its_own_answers_as_text(
    member: User, mentor: User, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import SupportTopic
    from messaging.models import GroupMember, MentoringGroup
    from messaging.services import groups as group_services

    payload = '<img src=x onerror="window.__xss=1">'
    group = MentoringGroup.objects.create(
        mentor=mentor.mentor_profile, title=payload, topic=SupportTopic.objects.first()
    )
    place = GroupMember.objects.create(group=group, mutual=member.mutuals.get())
    group_services.group_close(group=group, user=mentor, reason=payload)
    url = reverse("messaging:group_feedback", kwargs={"pk": group.pk, "place_pk": place.pk})
    for text in XSS_PAYLOADS[:1]:
        answers = {"rating": "3", "goal_progress": "some", "would_recommend": "no", "comments": text}
        assert client_for(member).post(url, answers).status_code == 302
    html = client_for(member).get(url).content.decode()
    assert _read(html).problems == []
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html  # the group's title
    # The mentor's form page shows the title too, never the member's answers.
    assert _read(client_for(mentor).get(url).content.decode()).problems == []
