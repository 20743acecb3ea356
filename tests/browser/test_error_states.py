"""Forms sent empty: the GOV.UK error summary appears, takes focus, its links land on the fields, and axe-core passes.

The sweep sees each form as it first appears; this sees it in its error state, which is where accessibility
problems usually hide (errors not tied to their fields, links to ids that do not exist).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import accessibility_problems, login_as
from tests.browser.pages import build_world, matrix_routes

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class EmptyForm:
    url_name: str
    persona: str
    button: str  # the submit button's name


# Forms where sending nothing is refused. Only forms that cannot change anything when sent empty are listed.
EMPTY_FORMS = [
    EmptyForm("account_signup", "anonymous", "Create account"),
    EmptyForm("account_login", "anonymous", "Sign in"),
    EmptyForm("account_reset_password", "anonymous", "Send reset link"),
    EmptyForm("accounts:mutual_create", "member", "Create profile"),
    EmptyForm("accounts:mentor_profile_create", "member", "Send for vetting"),
    EmptyForm("matching:request_create", "member", ""),
    EmptyForm("messaging:goal_create", "member", ""),
    EmptyForm("messaging:check_in_create", "member", ""),
    EmptyForm("ambassadors:request_create", "member", ""),
    EmptyForm("accounts:vetting_detail", "staff", "Save decision"),
    EmptyForm("accounts:service_area_add", "staff", ""),
    EmptyForm("ambassadors:cohort_create", "staff", ""),
]


def _submit_button(page: Page, name: str) -> Locator:
    submit = "button.govuk-button:not([type=button])"
    form = page.locator("main form[method=post]", has=page.locator(submit)).first
    if name:
        return form.get_by_role("button", name=name, exact=True)
    return form.locator(submit).first


def _empty_the_form(page: Page) -> None:
    # Some forms come with defaults (a region taken from the mutual, say): clear typed fields so nothing is valid.
    page.locator("main form[method=post] input[type=text], main form[method=post] textarea").evaluate_all(
        "elements => elements.forEach(element => { element.value = ''; })"
    )


def test_empty_forms_show_an_accessible_error_summary(
    context: BrowserContext,
    new_context: Callable[..., BrowserContext],
    personas: SimpleNamespace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = build_world(personas)
    routes = {route.name: route for route in matrix_routes()}
    pages: dict[str, Page] = {}
    problems: list[str] = []
    for form in EMPTY_FORMS:
        if form.persona not in pages:
            browser_context = context if form.persona == "anonymous" else new_context()
            if form.persona != "anonymous":
                login_as(browser_context, getattr(world, form.persona))
            pages[form.persona] = browser_context.new_page()
        page = pages[form.persona]
        route = routes.get(form.url_name)
        url = reverse(form.url_name, kwargs=route.kwargs(world) if route else {})
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, f"{url}: {response.status if response else None}"
        _empty_the_form(page)
        with page.expect_navigation(wait_until="load"):
            _submit_button(page, form.button).click()
        label = f"{form.url_name} sent empty, as {form.persona}"
        title = page.title()
        if not title.startswith("Error: "):
            problems.append(f"{label}: the title does not start with 'Error: ' ({title!r})")
            continue
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        # GOV.UK Frontend moves focus to the summary, so screen reader users hear the problems first.
        expect(summary).to_be_focused()
        links = summary.locator("a")
        if links.count() == 0:
            problems.append(f"{label}: the error summary lists no problems")
        for index in range(links.count()):
            target = (links.nth(index).get_attribute("href") or "").removeprefix("#")
            if not target or page.locator(f"[id={target!r}]").count() != 1:
                problems.append(f"{label}: error link #{target} does not point to one element on the page")
        if links.count():
            first = links.first
            target = (first.get_attribute("href") or "").removeprefix("#")
            first.click()
            focused = page.evaluate("() => document.activeElement && document.activeElement.id")
            if focused != target:
                problems.append(f"{label}: following the first error link focused {focused!r}, not {target!r}")
        # Each error is shown next to its field too, not only in the summary.
        if page.locator(".govuk-error-message").count() == 0:
            problems.append(f"{label}: no inline error message next to a field")
        problems += accessibility_problems(page, label)
    with capsys.disabled():
        print(f"\nerror states: {len(EMPTY_FORMS)} forms sent empty")
    assert not problems, "\n".join(problems)
