"""The foundation's "done means", in Chromium: sign up, verify, create profiles, vet, find a mentor with filters.

Two new people sign up through the real forms and confirm their email from the link in the email (the live server
runs in a thread of this process, so the locmem backend's django.core.mail.outbox holds it). One creates a mutual,
the other volunteers as a mentor; programme staff approve the mentor in the vetting queue; the mutual member finds
the mentor in the directory with the service area and region filters. axe-core checks every page on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import MentorProfile, Mutual, User
from tests.browser.conftest import assert_accessible, follow, login_as, path_of, sign_in, visit
from tests.factories import MentorProfileFactory, region, service_area

pytestmark = pytest.mark.browser

PASSWORD = "a-long-unusual-passphrase-42"
CONFIRMATION_LINK = re.compile(r"https?://[^\s]+/account/confirm-email/[^\s/]+/")


def sign_up_and_confirm(page: Page, full_name: str, email: str) -> None:
    """Create an account with the form, open the emailed link, confirm, then sign in: lands on onboarding."""
    visit(page, reverse("account_signup"))
    assert_accessible(page, "sign-up page")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    sent_before = len(mail.outbox)
    follow(page, page.get_by_role("button", name="Create account"))
    assert path_of(page) == reverse("account_email_verification_sent"), path_of(page)
    assert_accessible(page, "check your email page")

    # Not signed in before confirming: mandatory verification.
    assert not User.objects.get(email=email).emailaddress_set.filter(verified=True).exists()
    messages = [message for message in mail.outbox[sent_before:] if email in message.to]
    assert len(messages) == 1, [message.subject for message in mail.outbox]
    link = CONFIRMATION_LINK.search(messages[0].body)
    assert link, messages[0].body

    visit(page, link.group(0))
    assert_accessible(page, "confirm email page")
    follow(page, page.get_by_role("button", name="Confirm email address"))
    assert User.objects.get(email=email).emailaddress_set.filter(verified=True).exists()

    sign_in(page, email, PASSWORD)
    assert path_of(page) == reverse("accounts:onboarding"), path_of(page)
    assert_accessible(page, "onboarding page")


def test_sign_up_to_finding_a_vetted_mentor(
    context: BrowserContext, new_context: Callable[..., BrowserContext], staff: User
) -> None:
    # A mentor who must NOT match the filters, so a filter that did nothing would fail the test.
    decoy = MentorProfileFactory(
        user__full_name="Dora Decoy", region=region("london"), service_areas=[service_area("fire-and-rescue")]
    )

    # 1. Priya signs up and creates her mutual.
    priya = context.new_page()
    sign_up_and_confirm(priya, "Priya Shah", "priya@riverbank.example")
    priya.get_by_label("I represent a mutual").check()
    follow(priya, priya.get_by_role("button", name="Continue"))
    assert path_of(priya) == reverse("accounts:mutual_create"), path_of(priya)
    assert_accessible(priya, "create a mutual page")
    priya.get_by_label("Name of the mutual").fill("Riverbank Care Mutual")
    priya.get_by_label("Adult social care").check()
    priya.get_by_label("Region").select_option(label="North West")
    priya.get_by_label("Developing").check()
    priya.get_by_label("Legal form").select_option(label="Not decided yet")
    priya.get_by_label("About the mutual (optional)").fill("Home care for 2,000 people, run by its staff.")
    follow(priya, priya.get_by_role("button", name="Create profile"))
    mutual = Mutual.objects.get(name="Riverbank Care Mutual")
    assert path_of(priya) == reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}), path_of(priya)
    expect(priya.get_by_role("heading", level=1)).to_contain_text("Riverbank Care Mutual")
    assert_accessible(priya, "mutual profile page")
    assert list(mutual.members.values_list("email", flat=True)) == ["priya@riverbank.example"]

    # 2. Tom signs up and volunteers as a mentor: his profile waits for vetting.
    tom = new_context().new_page()
    sign_up_and_confirm(tom, "Tom Okafor", "tom@mentors.example")
    tom.get_by_label("I want to volunteer as a mentor").check()
    follow(tom, tom.get_by_role("button", name="Continue"))
    assert path_of(tom) == reverse("accounts:mentor_profile_create"), path_of(tom)
    assert_accessible(tom, "volunteer as a mentor page")
    tom.get_by_label("Headline").fill("Led a county council's adult care spin-out")
    tom.get_by_label("About you").fill("Twelve years in adult social care; took 400 staff into an employee-led mutual.")
    tom.get_by_label("Region").select_option(label="North West")
    tom.get_by_label("Business planning").check()
    tom.get_by_label("Adult social care").check()
    tom.get_by_label("Remote or in person").check()
    tom.get_by_role("group", name="How many mutuals could you mentor at the same time?").get_by_label("2").check()
    follow(tom, tom.get_by_role("button", name="Send for vetting"))
    profile = MentorProfile.objects.get(user__email="tom@mentors.example")
    assert profile.status == MentorProfile.Status.PENDING
    assert_accessible(tom, "mentor profile after sending for vetting")

    # Not findable before vetting.
    visit(priya, reverse("accounts:mentor_directory"))
    expect(priya.get_by_role("link", name="Tom Okafor")).to_have_count(0)

    # 3. Sam (programme team, MFA set up) approves Tom from the vetting queue.
    sam_context = new_context()
    login_as(sam_context, staff)
    sam = sam_context.new_page()
    visit(sam, reverse("accounts:vetting_queue"))
    assert_accessible(sam, "vetting queue")
    follow(sam, sam.get_by_role("link", name=re.compile("Tom Okafor")))
    assert path_of(sam) == reverse("accounts:vetting_detail", kwargs={"profile_id": profile.pk}), path_of(sam)
    assert_accessible(sam, "vetting detail")
    emails_before = len(mail.outbox)
    sam.get_by_label("Approve this mentor").check()
    follow(sam, sam.get_by_role("button", name="Save decision"))
    assert_accessible(sam, "page after a vetting decision")
    profile.refresh_from_db()
    assert profile.status == MentorProfile.Status.APPROVED
    assert profile.vetted_by == staff
    assert any("tom@mentors.example" in message.to for message in mail.outbox[emails_before:]), "mentor not told"

    # 4. Priya finds Tom with the service area and region filters; the decoy is filtered out.
    visit(priya, reverse("accounts:mentor_directory"))
    assert_accessible(priya, "mentor directory")
    expect(priya.get_by_role("link", name="Tom Okafor")).to_have_count(1)
    expect(priya.get_by_role("link", name=decoy.user.full_name)).to_have_count(1)
    filters = priya.locator("form[method=get]")
    filters.get_by_role("group", name="Service area").get_by_label("Adult social care").check()
    filters.get_by_role("group", name="Region").get_by_label("North West").check()
    follow(priya, filters.get_by_role("button", name="Apply filters"))
    assert "service_area=adult-social-care" in path_of(priya) and "region=north-west" in path_of(priya)
    expect(priya.get_by_role("link", name="Tom Okafor")).to_have_count(1)
    expect(priya.get_by_role("link", name=decoy.user.full_name)).to_have_count(0)
    assert_accessible(priya, "mentor directory, filtered")
    follow(priya, priya.get_by_role("link", name="Tom Okafor"))
    assert path_of(priya) == reverse("accounts:mentor_detail", kwargs={"profile_id": profile.pk})
    assert_accessible(priya, "mentor detail")
