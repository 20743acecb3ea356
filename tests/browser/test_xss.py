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

from accounts.models import MentorProfile, Mutual, SupportTopic, User
from accounts.text import clean_text
from messaging.models import GroupMember, GroupMessage, MentoringGroup, Message, MessageReport, Relationship
from messaging.selectors import MESSAGES_PER_PAGE
from messaging.services import message_send
from messaging.services.groups import group_message_send
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
# What is kept of each: the text as typed, but for invisible controls and bidirectional overrides (accounts/text.py).
KEPT = [clean_text(payload).strip() for payload in PAYLOADS]

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
    assert stored == KEPT

    # Bob reads them with only escaping between him and the payloads.
    bob, watch = reader_page(new_context, mentor_profile.user)
    visit(bob, conversation)
    assert_nothing_ran(bob, watch, ".app-message .app-long-text")
    shown = bob.locator(".app-message .app-long-text").all_text_contents()
    assert list(reversed(shown)) == KEPT

    # With the CSP on, nothing was even attempted (a refused inline script would be reported).
    visit(alice, conversation)
    assert_accessible(alice, "conversation full of XSS payloads")


def test_a_groups_messages_and_a_reported_one_are_shown_as_typed_and_never_run(
    new_context: Callable[..., BrowserContext], member: User, mentor_profile: MentorProfile, mutual: Mutual, staff: User
) -> None:
    group = MentoringGroup.objects.create(
        mentor=mentor_profile, title="Fire mutuals facing TUPE", topic=SupportTopic.objects.first()
    )
    GroupMember.objects.create(group=group, mutual=mutual)
    for payload in PAYLOADS:
        group_message_send(group=group, user=member, body=payload)
    stored = list(GroupMessage.objects.filter(group=group).order_by("id").values_list("body", flat=True))
    assert stored == KEPT

    # Bob reads the group's conversation and reports the first payload through the form.
    bob, watch = reader_page(new_context, mentor_profile.user)
    visit(bob, reverse("messaging:group_detail", kwargs={"pk": group.pk}))
    assert_nothing_ran(bob, watch, ".app-message .app-long-text")
    assert bob.locator(".app-message .app-long-text").all_text_contents() == KEPT
    first = GroupMessage.objects.filter(group=group).order_by("id").first()
    assert first is not None
    visit(bob, reverse("messaging:group_message_report", kwargs={"pk": group.pk, "message_pk": first.pk}))
    assert_nothing_ran(bob, watch, ".app-long-text")
    bob.get_by_label("Spam or advertising").check()
    bob.get_by_label("More detail (optional)").fill(PAYLOADS[1])
    follow(bob, bob.get_by_role("button", name="Report message"))

    # Sam reads the report in the moderation queue.
    sam, sam_watch = reader_page(new_context, staff)
    report = MessageReport.objects.get(group_message=first)
    visit(sam, reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk}))
    assert_nothing_ran(sam, sam_watch, ".app-long-text")
    assert KEPT[0] in sam.locator("main").inner_text()


def test_a_mutual_description_and_a_mentor_bio_are_shown_as_typed_and_never_run(
    new_context: Callable[..., BrowserContext], member: User, mutual: Mutual, mentor_profile: MentorProfile
) -> None:
    typed = "\n".join(payload.strip() for payload in PAYLOADS)
    text = "\n".join(KEPT)
    headline = '<img src=x onerror="window.__xss=1"><script>alert(1)</script>'

    # Alice puts every payload in her mutual's description, through the edit form.
    writer = new_context()
    login_as(writer, member)
    alice = writer.new_page()
    visit(alice, reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}))
    alice.get_by_label("About the mutual (optional)").fill(typed)
    follow(alice, alice.get_by_role("button", name="Save changes"))
    mutual.refresh_from_db()
    # Browsers submit a textarea's line breaks as CRLF; the text is otherwise as typed, less invisible overrides.
    assert mutual.description.replace("\r\n", "\n") == text

    # Bob puts them in his headline and bio, through his profile form.
    author = new_context()
    login_as(author, mentor_profile.user)
    bob = author.new_page()
    visit(bob, reverse("accounts:mentor_profile_edit"))
    bob.get_by_label("Headline").fill(headline)
    bob.get_by_label("About you").fill(typed)
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


# Markdown's own ways in: links and images with script URLs, raw HTML blocks, autolinks with quotes.
MARKDOWN_PAYLOADS = [
    "[click](javascript:window.__xss=1)",
    "[click](JAVASCRIPT:window.__xss=1 'title')",
    '![x](https://example.org/x.png" onerror="window.__xss=1)',
    "<div>\n<script>window.__xss=1</script>\n</div>",
    '<https://example.org/" onmouseover="window.__xss=1>',
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
]


def test_guidance_case_studies_enquiries_and_replies_are_shown_as_typed_and_never_run(
    new_context: Callable[..., BrowserContext], staff: User
) -> None:
    from information import services as information_services
    from information.models import CaseStudy, Enquiry, EnquiryReply, Resource
    from tests.information.factories import CaseStudyFactory

    text = "\n\n".join(payload.strip() for payload in PAYLOADS + MARKDOWN_PAYLOADS)
    title = '<img src=x onerror="window.__xss=1"><script>alert(1)</script>'

    # A member of the programme team writes a guidance page through the form, and publishes it.
    writer = new_context()
    login_as(writer, staff)
    sam = writer.new_page()
    visit(sam, reverse("information:resource_create"))
    sam.get_by_label("Title").fill(title)
    sam.get_by_label("Summary").fill(title)
    sam.get_by_label("The page (optional if it links to a document)").fill(text)
    sam.get_by_role("group", name="Topics").get_by_label("Pensions").check()
    sam.get_by_role("group", name="Stages of the guide it helps with").get_by_label("Developing the plan").check()
    reviewed = sam.get_by_role("group", name="Last reviewed on")
    for box, typed in (("Day", "5"), ("Month", "1"), ("Year", "2026")):
        reviewed.get_by_label(box).fill(typed)
    follow(sam, sam.get_by_role("button", name="Save as a draft and preview"))
    resource = Resource.objects.get()
    assert (resource.title, resource.body.replace("\r\n", "\n")) == (title, text)
    information_services.resource_publish(resource=resource, actor=staff)

    # A case study with the payloads in its story and "what helped".
    case_study: CaseStudy = CaseStudyFactory(title=title, story=text, what_helped=text, summary=title)

    # Anyone can send an enquiry: the payloads go in through the public form.
    visitor = new_context().new_page()
    visit(visitor, reverse("information:enquiry_create"))
    visitor.get_by_label("Your name").fill(title)
    visitor.get_by_label("Email address").fill("jordan@example.net")
    visitor.get_by_label("I work in a public service").check()
    visitor.get_by_label("Your question").fill(text)
    follow(visitor, visitor.get_by_role("button", name="Send your question"))
    enquiry = Enquiry.objects.get()
    assert enquiry.question.replace("\r\n", "\n") == text

    # Sam replies with them too, through the reply form.
    visit(sam, reverse("information:enquiry_reply", kwargs={"pk": enquiry.pk}))
    sam.get_by_label("Your reply").fill(text)
    follow(sam, sam.get_by_role("button", name="Send reply"))
    assert EnquiryReply.objects.get().body.replace("\r\n", "\n") == text

    # The public reads the guidance and the case study with only escaping and sanitising between them and the text.
    reader = new_context(bypass_csp=True).new_page()
    watch = ScriptWatch(reader)
    for path in (
        reverse("information:resource_detail", kwargs={"slug": resource.slug}),
        reverse("information:case_study_detail", kwargs={"slug": case_study.slug}),
    ):
        visit(reader, path)
        assert_nothing_ran(reader, watch, ".app-markdown")
        assert title in reader.locator("h1").inner_text()
    visit(reader, reverse("information:resource_list") + "?q=click")
    assert_nothing_ran(reader, watch, ".app-card")

    # The programme team reads the enquiry and the reply.
    staff_reader, staff_watch = reader_page(new_context, staff)
    visit(staff_reader, reverse("information:enquiry_detail", kwargs={"pk": enquiry.pk}))
    assert_nothing_ran(staff_reader, staff_watch, "#enquiry-question, .app-reply")
    assert staff_reader.locator("#enquiry-question").inner_text().split("\n") == text.split("\n")
    visit(staff_reader, reverse("information:enquiry_queue"))
    assert_nothing_ran(staff_reader, staff_watch, "tbody .app-long-text")

    # With the CSP on, nothing was even attempted.
    for path in (
        reverse("information:resource_detail", kwargs={"slug": resource.slug}),
        reverse("information:case_study_detail", kwargs={"slug": case_study.slug}),
        reverse("information:enquiry_detail", kwargs={"pk": enquiry.pk}),
    ):
        visit(sam, path)
        assert_accessible(sam, f"{path} full of XSS payloads")
