"""Issue 17, finding 4, as people see it: a long unbroken title wraps instead of widening the page, and a limited
textarea counts characters as you type instead of cutting text short."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, expect

from accounts.models import Mutual, User
from tests.browser.conftest import login_as, visit
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 1280])
def test_a_long_unbroken_title_does_not_widen_the_page(
    context: BrowserContext, member: User, mutual: Mutual, width: int
) -> None:
    request = MentoringRequestFactory(mutual=mutual, created_by=member, title="W" * 150, description="D" * 4000)
    login_as(context, member)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    paths = [reverse("matching:request_detail", kwargs={"pk": request.pk})]
    if width > 320:  # the list's table has five columns: on a phone it is wider than the screen with any title
        paths.append(reverse("matching:request_list"))
    for path in paths:
        visit(page, path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path


def test_a_limited_textarea_counts_down_and_keeps_everything_typed(
    context: BrowserContext, member: User, mutual: Mutual
) -> None:
    login_as(context, member)
    page = context.new_page()
    visit(page, reverse("matching:request_create"))
    description = page.get_by_label("Describe what you need")
    description.fill("D" * 3990)
    expect(page.get_by_text("You have 10 characters remaining")).to_be_visible()
    description.fill("D" * 4010)
    expect(page.get_by_text("You have 10 characters too many")).to_be_visible()
    assert len(description.input_value()) == 4010  # nothing cut short
