"""axe-core on every main page, as each persona who may see it (the table is in tests/browser/pages.py).

One test per persona: the world (the permission matrix's objects) is built once and that persona's pages are
opened in turn in one signed-in browser context. Every problem on every page is collected before failing, so one
run shows them all.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import accessibility_problems, login_as
from tests.browser.pages import ALLAUTH_NOT_VISITED, EXTRA_PAGES, MUST_SHOW, all_pages, build_world, pages_for
from tests.matrix import PERSONAS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_accessible(
    persona: str, context: BrowserContext, personas: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(personas)
    if persona != "anonymous":
        login_as(context, getattr(world, persona))
    page = context.new_page()
    pages = pages_for(persona)
    assert pages, f"no pages listed for {persona}"
    problems: list[str] = []
    lines: list[str] = []
    for entry in pages:
        url = entry.url(world)
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as error:
            hint = " (a download: list it in NOT_HTML in tests/browser/pages.py)" if "Download" in str(error) else ""
            problems.append(f"[{persona}] {entry.label} {url}: could not open it: {error.message}{hint}")
            lines.append(f"  {entry.label:<45} {url:<50} NOT OPENED")
            continue
        status = response.status if response else None
        if status != entry.status:
            problems.append(f"[{persona}] {entry.label} {url}: expected HTTP {entry.status}, got {status} ({page.url})")
            lines.append(f"  {entry.label:<45} {url:<50} HTTP {status}  (not checked)")
            continue
        expected_text = entry.text_to_find(world)
        if expected_text and expected_text not in page.locator("main").inner_text():
            problems.append(f"[{persona}] {entry.label} {url}: does not show {expected_text!r}")
        found = accessibility_problems(page, f"{entry.label} as {persona}")
        problems += found
        landed = page.url.removeprefix(context.live_server_url)  # type: ignore[attr-defined]
        where = url if landed == url else f"{url} -> {landed}"
        where = where if len(where) <= 100 else where[:97] + "..."
        lines.append(f"  {entry.label:<45} {where:<50} {'PROBLEMS' if found else 'ok'}")
    with capsys.disabled():
        print(f"\naxe-core as {persona}: {len(pages)} pages\n" + "\n".join(lines))
    assert not problems, "\n\n".join(problems)


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _url_names(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_allauth_page_is_visited_or_explained() -> None:
    """allauth's URL names are outside the permission matrix: each must be in EXTRA_PAGES or ALLAUTH_NOT_VISITED."""
    allauth = {name for name in _url_names() if name.startswith(("account_", "mfa_", "usersessions_"))}
    visited = {entry.url_name for entry in EXTRA_PAGES}
    missing = sorted(allauth - visited - set(ALLAUTH_NOT_VISITED))
    assert not missing, f"allauth pages neither visited nor explained in tests/browser/pages.py: {missing}"
    stale = sorted((visited | set(ALLAUTH_NOT_VISITED)) - _url_names() - {None})
    assert not stale, f"tests/browser/pages.py lists URL names that do not exist: {stale}"
    swept = {(entry.url_name, entry.persona) for entry in all_pages()}
    unused = sorted(set(MUST_SHOW) - swept)
    assert not unused, f"MUST_SHOW names pages the sweep does not open: {unused}"


# Pages with report tables in a scrolling region (templates/includes/report_table.html), and who sees them.
WIDE_TABLE_PAGES = [("programme:report", "staff"), ("ambassadors:reports", "staff")]
# WCAG 1.4.10 (reflow): content must work at 320 CSS pixels wide. At that width every report table is wider than the
# page, so its region really scrolls and axe-core's "scrollable-region-focusable" rule really applies. At 1280 px the
# tables may or may not fit, depending on the fonts installed (DejaVu Sans is wider than Arial): that is why the sweep
# above passed on one machine and failed on another.
NARROW_VIEWPORT = {"width": 320, "height": 800}


@pytest.mark.parametrize(("url_name", "persona"), WIDE_TABLE_PAGES)
def test_wide_tables_scroll_and_are_reachable_by_keyboard(
    url_name: str, persona: str, new_context: Any, personas: SimpleNamespace
) -> None:
    world = build_world(personas)
    context = new_context(viewport=NARROW_VIEWPORT)
    login_as(context, getattr(world, persona))
    page = context.new_page()
    page.goto(reverse(url_name), wait_until="load")
    regions = page.locator(".app-table-scroll")
    assert regions.count() >= 2
    for index in range(regions.count()):
        region = regions.nth(index)
        caption = region.locator("caption").inner_text()
        # The check below is only meaningful if the region scrolls: prove it does.
        assert region.evaluate("el => el.scrollWidth > el.clientWidth"), f"table {caption!r} does not scroll at 320 px"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        # Its accessible name says which table it holds.
        assert page.get_by_role("region", name=caption, exact=True).count() == 1
    problems = accessibility_problems(page, f"{url_name} as {persona} at 320 px")
    assert not problems, "\n\n".join(problems)

    # A keyboard user reaches the first table, sees where the focus is, and scrolls it with the arrow keys.
    first = regions.first
    for _ in range(60):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first scrolling table")
    outline = first.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), f"no visible focus style: {outline}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=first.element_handle())
