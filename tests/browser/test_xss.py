"""Stored XSS in a real browser: text people type is shown as they typed it and never runs.

The payloads (tests/messaging/xss_payloads.py) try to set `window.__xss`; each is also sent in an `alert(1)` form,
so a dialog would show if one ran. They go in as messages in a conversation, as a mutual's description and as a
mentor's headline and bio, all through the real forms, and are read back by the other party in Chromium.

The reading browser context has the content security policy switched off (bypass_csp): the CSP would block an
inline script on its own, and this test is about escaping, so escaping must be the only defence here. The same
pages are then opened with the CSP on, where any refused inline script or handler is reported as a problem too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from accounts.models import MentorProfile, Mutual, User
from messaging.models import Message, Relationship
from messaging.selectors import MESSAGES_PER_PAGE
from messaging.services import message_send
from tests.browser.conftest import assert_accessible, follow, login_as, visit
from tests.messaging.factories import RelationshipFactory
from tests.messaging.xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.browser

ALERT_PAYLOADS = [
    payload.replace("window.__xss = 1", "alert(1)").replace("window.__xss=1", "alert(1)")
    for payload in XSS_PAYLOADS
    if "window.__xss" in payload
]
PAYLOADS = XSS_PAYLOADS + ALERT_PAYLOADS

# What a browser would do with markup that escaped escaping: all measured in the DOM, after parsing.
DOM_REPORT = """(selector) => {
    const scope = document.querySelectorAll(selector);
    const problems = [];
    for (const root of scope) {
        for (const element of [root, ...root.querySelectorAll('*')]) {
            const tag = element.tagName.toLowerCase();
            if (['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'style', 'form', 'body'].includes(tag)) {
                problems.push('<' + tag + '> element');
            }
            for (const attribute of element.attributes) {
                if (attribute.name.startsWith('on') || attribute.name === 'style') {
                    problems.push('<' + tag + ' ' + attribute.name + '="' + attribute.value + '">');
                }
            }
            if (tag === 'a' && !['http:', 'https:'].includes(element.protocol)) {
                problems.push('<a> to ' + element.protocol + ' ' + element.getAttribute('href'));
            }
        }
    }
    return {found: scope.length, problems};
}"""


class ScriptWatch:
    """Records dialogs (alert, confirm, prompt) opened by the page, dismissing them."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def assert_nothing_ran(page: Page, watch: ScriptWatch, selector: str) -> None:
    # Hover and focus everything shown, in case a handler was smuggled into an attribute.
    page.locator(f"{selector} *").evaluate_all(
        """elements => elements.forEach(element => {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) {
                if (type === 'click' && element.tagName === 'A') continue;  // following a link leaves the page
                element.dispatchEvent(new Event(type, {bubbles: true}));
            }
        })"""
    )
    assert watch.dialogs == [], f"a payload opened a dialog: {watch.dialogs}"
    assert page.evaluate("() => window.__xss") is None, "a payload set window.__xss"
    report = page.evaluate(DOM_REPORT, selector)
    assert report["found"], f"nothing matched {selector}: the test would check nothing"
    assert report["problems"] == [], report["problems"]


def reader_page(new_context: Callable[..., BrowserContext], user: User) -> tuple[Page, ScriptWatch]:
    context = new_context(bypass_csp=True)
    login_as(context, user)
    page = context.new_page()
    return page, ScriptWatch(page)


def test_messages_are_shown_as_typed_and_never_run(
    new_context: Callable[..., BrowserContext], member: User, mentor_profile: MentorProfile, mutual: Mutual
) -> None:
    assert len(PAYLOADS) <= MESSAGES_PER_PAGE, "the conversation must show every payload on its first page"
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=1)
    relationship: Relationship = RelationshipFactory(mentor=mentor_profile, mutual=mutual)
    conversation = reverse("messaging:conversation", kwargs={"pk": relationship.pk})

    # Alice types a few payloads into the message form; the rest go through the same service the form calls
    # (forty more form round trips would add half a minute and test nothing new).
    writer = new_context()
    login_as(writer, member)
    alice = writer.new_page()
    visit(alice, conversation)
    typed = 4
    for payload in PAYLOADS[:typed]:
        alice.get_by_label("Your message").fill(payload)
        follow(alice, alice.get_by_role("button", name="Send message"))
    for payload in PAYLOADS[typed:]:
        message_send(relationship=relationship, author=member, body=payload)
    stored = list(Message.objects.filter(relationship=relationship).order_by("id").values_list("body", flat=True))
    assert stored == [payload.strip() for payload in PAYLOADS]

    # Bob reads them with only escaping between him and the payloads.
    bob, watch = reader_page(new_context, mentor_profile.user)
    visit(bob, conversation)
    assert_nothing_ran(bob, watch, ".app-message .app-long-text")
    shown = bob.locator(".app-message .app-long-text").all_text_contents()
    assert list(reversed(shown)) == [payload.strip() for payload in PAYLOADS]

    # With the CSP on, nothing was even attempted (a refused inline script would be reported).
    visit(alice, conversation)
    assert_accessible(alice, "conversation full of XSS payloads")


def test_a_mutual_description_and_a_mentor_bio_are_shown_as_typed_and_never_run(
    new_context: Callable[..., BrowserContext], member: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    text = "\n".join(payload.strip() for payload in PAYLOADS)
    headline = '<img src=x onerror="window.__xss=1"><script>alert(1)</script>'

    # Alice puts every payload in her mutual's description, through the edit form.
    writer = new_context()
    login_as(writer, member)
    alice = writer.new_page()
    visit(alice, reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}))
    alice.get_by_label("About the mutual (optional)").fill(text)
    follow(alice, alice.get_by_role("button", name="Save changes"))
    mutual.refresh_from_db()
    # Browsers submit a textarea's line breaks as CRLF; the text is otherwise exactly as typed.
    assert mutual.description.replace("\r\n", "\n") == text

    # Bob puts them in his headline and bio, through his profile form.
    author = new_context()
    login_as(author, mentor_profile.user)
    bob = author.new_page()
    visit(bob, reverse("accounts:mentor_profile_edit"))
    bob.get_by_label("Headline").fill(headline)
    bob.get_by_label("About you").fill(text)
    follow(bob, bob.get_by_role("button", name="Save changes"))
    mentor_profile.refresh_from_db()
    assert (mentor_profile.headline, mentor_profile.bio.replace("\r\n", "\n")) == (headline, text)

    # Alice's colleague reads the mutual's page; Alice reads Bob's page and finds him in the directory.
    reader, watch = reader_page(new_context, member)
    visit(reader, reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}))
    description = reader.locator(".app-long-text", has_text="window.__xss")
    assert_nothing_ran(reader, watch, ".app-long-text")
    assert description.inner_text().split("\n") == text.split("\n")

    visit(reader, reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}))
    assert_nothing_ran(reader, watch, ".app-long-text")
    bio = reader.locator(".app-long-text", has_text="window.__xss")
    assert bio.inner_text().split("\n") == text.split("\n")
    assert headline in reader.locator("main").inner_text()

    visit(reader, reverse("accounts:mentor_directory"))
    assert_nothing_ran(reader, watch, ".app-long-text")
    assert headline in reader.locator("main").inner_text()

    for path in (
        reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}),
        reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}),
    ):
        visit(alice, path)
        assert_accessible(alice, f"{path} full of XSS payloads")
