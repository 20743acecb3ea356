"""Headless Chromium (Debian's, driven by Playwright) against Django's live server, with axe-core on every page.

Fixtures: `browser` (one Chromium for the session), `context` (a fresh browser context per test, cookies isolated),
`page`. Helpers: `login_as(context, user)` signs a user in by session cookie, `visit(page, path)` opens a page and
checks its status, `assert_accessible(page, name)` runs axe-core and fails on serious or critical violations.

Every test here uses pytest-django's `live_server`, which needs the transactional database; the
`django_db_serialized_rollback` fixture restores the taxonomy that the data migrations seed after each flush.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, Response, sync_playwright

from accounts.models import User
from tests.clients import signed_in_client
from tests.conftest import skip_or_fail

BASE_DIR = Path(settings.BASE_DIR)
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CSS_PATH = BASE_DIR / "static" / "dist" / "css" / "app.css"

# allauth keeps the owner of the authentication records next to them (a private name in allauth 65).
AUTHENTICATION_METHODS_USER_SESSION_KEY = "account_authentication_methods_user"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
# No sleeps anywhere: every wait is for a load state or a selector, bounded by these.
NAVIGATION_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 10_000


@dataclass
class PageRecord:
    name: str
    url: str
    blocking: int
    minor: int
    minor_rules: tuple[str, ...] = ()


@dataclass
class AxeLedger:
    """Pages checked by axe in this session, printed in the terminal summary."""

    records: list[PageRecord] = field(default_factory=list)


LEDGER = AxeLedger()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not LEDGER.records:
        return
    failing = [r for r in LEDGER.records if r.blocking]
    terminalreporter.write_sep("-", "axe-core")
    terminalreporter.write_line(
        f"axe-core checked {len(LEDGER.records)} page views "
        f"({len({r.name for r in LEDGER.records})} distinct pages), "
        f"{len(failing)} with serious or critical violations"
    )
    for record in failing:
        terminalreporter.write_line(f"  {record.name}: {record.blocking} serious/critical ({record.url})")
    # Moderate and minor findings do not fail the run; they are listed so they can be looked at.
    advisory: dict[str, list[str]] = {}
    for record in LEDGER.records:
        for rule in record.minor_rules:
            advisory.setdefault(rule, []).append(record.name)
    for rule, names in sorted(advisory.items()):
        terminalreporter.write_line(f"  advisory {rule}: {len(names)} page views, e.g. {names[0]}")


# --- Browser ----------------------------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last (in their own order), after pytest-django's ordering of everything else.

    The session's Playwright keeps an event loop running in the main thread from the first browser test to the end
    of the session (see `browser`). Nothing else should run in a thread with a running loop, so nothing else runs
    after the first browser test.
    """
    items[:] = [item for item in items if not item.get_closest_marker("browser")] + [
        item for item in items if item.get_closest_marker("browser")
    ]


@pytest.fixture(scope="session")
def browser(chromium_path: str | None) -> Iterator[Browser]:
    if not chromium_path:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    if not AXE_PATH.exists():
        skip_or_fail(f"axe-core is not installed ({AXE_PATH}): run `npm ci`")
    if not CSS_PATH.exists():
        skip_or_fail(f"the compiled stylesheet is missing ({CSS_PATH}): run `npm run build`")
    # Playwright's sync API keeps an asyncio event loop running in this thread for as long as it is started. Django
    # sees that loop and raises SynchronousOnlyOperation for every ORM call made by the tests (factories, asserts on
    # rows). Nothing here is async code sharing a loop with the ORM, so the check is switched off while the browser
    # lives, and put back afterwards. The live server answers requests in its own threads, unaffected.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # a broken Chromium install: same treatment as a missing one
        playwright.stop()
        skip_or_fail(f"Chromium at {chromium_path} would not start: {error}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_test_settings(settings: Any) -> None:
    # Hashing passwords at full strength costs a third of a second per user; these tests create dozens of users.
    # The real sign-in form is still exercised: it verifies against whatever hasher stored the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # allauth builds its links with https outside DEBUG (they are then moved onto SITE_URL); the server speaks http.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"


@pytest.fixture
def base_url(live_server: Any, django_db_serialized_rollback: None, settings: Any) -> str:
    # Emailed links are built on SITE_URL: the address being served, as `make run` sets it from its port.
    settings.SITE_URL = str(live_server.url)
    return str(live_server.url)


def _new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    # The site's content security policy stays ON. axe-core reaches each document through the DevTools protocol
    # (Page.addScriptToEvaluateOnNewDocument), which the CSP does not govern; add_script_tag would insert an inline
    # <script>, which the CSP rightly refuses. The page's HTML, headers and own scripts are exactly what a visitor
    # gets; the only addition is the `axe` global. Added per context rather than evaluated per page: Chromium then
    # compiles the 550 kB script once, which makes the sweep about 40% faster.
    context = browser.new_context(base_url=base_url, locale="en-GB", **options)
    if options.get("java_script_enabled", True):
        context.add_init_script(path=str(AXE_PATH))
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.on("page", _watch)
    context.live_server_url = base_url  # type: ignore[attr-defined]  # Playwright keeps base_url private
    context.java_script_enabled = options.get("java_script_enabled", True)  # type: ignore[attr-defined]
    return context


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = _new_context(browser, base_url)
    yield context
    context.close()


@pytest.fixture
def new_context(browser: Browser, base_url: str) -> Iterator[Any]:
    """new_context(java_script_enabled=False, ...) -> another isolated context (a second person), closed after."""
    opened: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = _new_context(browser, base_url, **options)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- Problems a page reports by itself: script errors, CSP refusals, missing assets ------------------------------


def _watch(page: Page) -> None:
    problems: list[str] = []
    page._site_problems = problems  # type: ignore[attr-defined]

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP refused something on the page: {message.text}")

    def on_response(response: Response) -> None:
        request = response.request
        if response.status >= 400 and not request.is_navigation_request():
            problems.append(f"{response.status} for {request.resource_type} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("response", on_response)


def page_problems(page: Page) -> list[str]:
    """Problems seen since the last call (the list is emptied)."""
    problems: list[str] = getattr(page, "_site_problems", [])
    seen = list(problems)
    problems.clear()
    return seen


# --- Helpers ----------------------------------------------------------------------------------------------


def login_as(context: BrowserContext, user: User) -> None:
    """Sign `user` in to the browser context with a session cookie made by Client.force_login.

    The session also records that they confirmed their password a moment ago (allauth's "confirm it's you" step),
    so the MFA pages behind that step open directly; the confirmation page itself is in the sweep. The real sign-in
    form is tested in test_journey.py.
    """
    client = signed_in_client(user)
    session = client.session
    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    if is_mfa_enabled(user):
        records.append({"method": "mfa", "at": now, "type": "totp"})
    records.append({"method": "password", "at": now, "email": user.email, "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": context.live_server_url,  # type: ignore[attr-defined]
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the real form (axe-checked) and wait for wherever it leads."""
    visit(page, reverse("account_login"))
    assert_accessible(page, "sign-in page")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    follow(page, page.get_by_role("button", name="Sign in"))


def follow(page: Page, target: Locator, status: int = 200) -> Response:
    """Click a link or submit button, wait for the page it leads to (after redirects) and check its status."""
    with page.expect_navigation(wait_until="load") as navigation:
        target.click()
    response = navigation.value
    assert response is not None
    assert response.status == status, f"expected HTTP {status}, got {response.status} at {response.url}"
    return response


def path_of(page: Page) -> str:
    """The current URL without the live server's origin: "/mentors/?region=london"."""
    return page.url.removeprefix(page.context.live_server_url)  # type: ignore[attr-defined]


def visit(page: Page, path: str, status: int = 200) -> Response:
    """Open `path` (relative to the live server) and wait until it has loaded; assert the HTTP status."""
    response = page.goto(path, wait_until="load")
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path}: expected HTTP {status}, got {response.status} ({page.url})"
    return response


def _inject_axe(page: Page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A document the init script missed (about:blank, set_content): evaluate it directly, also outside CSP.
        page.evaluate(_axe_source())


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE_PATH.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    _inject_axe(page)
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            const results = await axe.run(document, options);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.slice(0, 4).map(n => n.target.join(' ')),
                html: v.nodes.slice(0, 2).map(n => n.html.slice(0, 200)),
                count: v.nodes.length,
            }));
        }""",
        AXE_TAGS,
    )
    return result


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['count']} element(s)) {v['helpUrl']}")
        for target, html in zip(v["targets"], v["html"] + [""] * len(v["targets"]), strict=False):
            lines.append(f"      at {target}  {html}")
    return "\n".join(lines)


def accessibility_problems(page: Page, name: str) -> list[str]:
    """axe-core's serious and critical violations on the current page, plus anything the page reported by itself
    (a JavaScript error, a CSP refusal, a missing asset). Records the page in the session ledger."""
    # With JavaScript off, page.evaluate never returns: fail at once instead of hanging. Server-rendered markup is
    # the same either way, so no-JavaScript tests leave axe-core to the sweep.
    assert page.context.java_script_enabled, "axe-core cannot run in a context with JavaScript off"  # type: ignore[attr-defined]
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    minor_rules = tuple(sorted(f"{v['id']} ({v['impact']})" for v in violations if v not in blocking))
    LEDGER.records.append(PageRecord(name, page.url, len(blocking), len(minor_rules), minor_rules))
    problems = []
    if blocking:
        heading = f"axe-core: serious or critical violations on {name} ({page.url}):"
        problems.append(heading + "\n" + describe_violations(blocking))
    problems += [f"{name}: {problem}" for problem in page_problems(page)]
    return problems


def assert_accessible(page: Page, name: str) -> None:
    problems = accessibility_problems(page, name)
    assert not problems, "\n".join(problems)
