"""The match run page while a run is unfinished: its words change as the run moves on, in a status region screen
readers announce, and the page is never reloaded under the reader (WCAG 2.2.1; it used a meta refresh)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, expect

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import MatchRun
from tests.browser.conftest import assert_accessible, login_as, visit
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.browser


def test_the_run_page_follows_the_run_without_reloading(
    context: BrowserContext, staff: User, mutual: Mutual, member: User, mentor_profile: MentorProfile
) -> None:
    MentoringRequestFactory(mutual=mutual, created_by=member)
    # Made by hand: queued through the service, the browser tests' eager worker would have run it already.
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, source=MatchRun.Source.USER, started_by=staff)
    login_as(context, staff)
    page = context.new_page()
    visit(page, reverse("matching:run_detail", kwargs={"pk": run.pk}))
    status = page.get_by_role("status")
    expect(status).to_have_text("Queued: waiting for a worker to start it.")
    assert status.get_attribute("aria-live") == "polite"
    assert_accessible(page, "match run in progress")
    page.evaluate("() => { window.sameDocument = true; }")

    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, phase="score")
    expect(status).to_have_text("Running: score.", timeout=15_000)

    services.rematch_full(run=MatchRun.objects.get(pk=run.pk))
    expect(status).to_have_text("Finished. Reload the page to see the results.", timeout=15_000)
    link = page.get_by_role("link", name="See the results")
    expect(link).to_be_visible()
    assert page.evaluate("() => window.sameDocument") is True  # never reloaded under the reader

    link.click()
    expect(page.get_by_text("Succeeded")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)
