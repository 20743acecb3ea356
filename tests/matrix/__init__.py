"""The permission matrix: every URL pattern x every persona, against a table of expected outcomes.

Each app contributes one module here (tests/matrix/<app>.py) with:

    ROUTES: list[Route]           one entry per URL name the app defines
    def build(world) -> None      optional: create the objects the app's URLs need, as attributes of `world`

`world` is a SimpleNamespace holding the personas (world.member, world.mentor, world.ambassador, world.staff,
world.outsider) and whatever earlier builders added (accounts' builder runs first and adds world.mutual,
world.other_mutual, world.mentor_profile, world.pending_mentor ...).

Expected outcomes are status codes per persona. LOGIN (302 to the sign-in page) is what anonymous visitors get on
private pages. A URL pattern that no module lists fails the matrix test, so new URLs cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

PERSONAS = ("anonymous", "member", "mentor", "ambassador", "staff", "outsider")
SIGNED_IN = ("member", "mentor", "ambassador", "staff", "outsider")

LOGIN = "login"  # a redirect to the sign-in page
REDIRECT = "redirect"  # any 302 that is not to the sign-in page


def expect(default: int | str, **overrides: int | str) -> dict[str, int | str]:
    """expect(LOGIN, member=200, staff=200) -> an outcome for every persona."""
    table = {persona: default for persona in PERSONAS}
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {unknown}")
    table.update(overrides)
    return table


def public(status: int = 200) -> dict[str, int | str]:
    return expect(status)


def signed_in(status: int | str = 200, **overrides: int | str) -> dict[str, int | str]:
    """Any signed-in persona gets `status`; anonymous is sent to sign in."""
    return expect(status, anonymous=LOGIN, **overrides)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as used by reverse()
    get: dict[str, int | str] | None  # None: GET is not accepted (expect 405 for everyone)
    post: dict[str, int | str] | None = None  # None: POST is not checked here (GET-only views answer 405)
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = field(default=lambda world: {})
    post_data: Callable[[SimpleNamespace], dict[str, Any]] = field(default=lambda world: {})
    query: str = ""  # appended to the URL, e.g. "?page=1"
