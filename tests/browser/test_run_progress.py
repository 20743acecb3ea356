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


def test_the_run_page_follows_the_blocks_of_a_run_spread_over_the_workers(context: BrowserContext, staff: User) -> None:
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL,
        source=MatchRun.Source.USER,
        started_by=staff,
        status=MatchRun.Status.RUNNING,
        phase="blocks",
        blocks_total=3,
    )
    login_as(context, staff)
    page = context.new_page()
    visit(page, reverse("matching:run_detail", kwargs={"pk": run.pk}))
    status = page.get_by_role("status")
    expect(status).to_have_text("Running: scoring the requests in 3 blocks over the workers, 0 of 3 done.")
    blocks = page.locator("[data-run-progress-blocks]")
    expect(blocks).to_have_text("0 of 3")
    assert_accessible(page, "match run spread over the workers")

    MatchRun.objects.filter(pk=run.pk).update(blocks_done=2)
    expect(status).to_have_text(
        "Running: scoring the requests in 3 blocks over the workers, 2 of 3 done.", timeout=15_000
    )
    expect(blocks).to_have_text("2 of 3")
    MatchRun.objects.filter(pk=run.pk).update(blocks_done=3, phase="merge")
    expect(status).to_have_text("Running: all 3 blocks scored, waiting for a worker to merge them.", timeout=15_000)
    expect(blocks).to_have_text("3 of 3")
