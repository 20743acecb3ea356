"""Every messaging (and account area) page is a well-formed GOV.UK page (one h1, a title, no inline script or style,
CSRF on every POST form), and every form posted empty comes back with an error summary whose links land on the page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from tests.clients import ClientFor
from tests.markup import assert_well_formed_page
from tests.matrix import PERSONAS
from tests.matrix import accounts as accounts_matrix
from tests.matrix import messaging as messaging_matrix

pytestmark = pytest.mark.django_db

# The account area's pages (moved here from messaging) are checked the same way.
ACCOUNT_AREA = {
    "accounts:notice_list",
    "accounts:email_preferences",
    "accounts:personal_data",
    "accounts:account_delete",
}
# Calendar files (text/calendar), not pages: tests/messaging/test_meetings.py parses them.
NOT_HTML = {"messaging:meeting_calendar_file", "messaging:calendar_feed", "messaging:document_download"}
HTML_ROUTES = [route for route in messaging_matrix.ROUTES if route.name not in NOT_HTML] + [
    route for route in accounts_matrix.ROUTES if route.name in ACCOUNT_AREA
]
# Resume has nothing to fill in (the button is the confirmation); feedback is only asked for once the relationship
# has closed (tests/messaging/test_lifecycle.py posts bad feedback then); every email choice may be left unticked;
# the calendar feed's buttons are the whole form.
NO_REQUIRED_FIELDS = {
    "messaging:relationship_resume",
    "messaging:feedback_give",
    "accounts:email_preferences",
    "messaging:calendar_feed_settings",
}


@pytest.fixture
def world(personas: SimpleNamespace) -> SimpleNamespace:
    world = SimpleNamespace(**vars(personas))
    accounts_matrix.build(world)
    messaging_matrix.build(world)
    return world


def _first_allowed(route: Any) -> str | None:
    outcomes = route.get or {}
    return next((persona for persona in PERSONAS if outcomes.get(persona) == 200), None)


@pytest.mark.parametrize("route", [r for r in HTML_ROUTES if r.get], ids=lambda route: route.name)
def test_each_page_is_well_formed(world: SimpleNamespace, route: Any, client_for: ClientFor) -> None:
    persona = _first_allowed(route)
    assert persona is not None
    response = client_for(getattr(world, persona)).get(reverse(route.name, kwargs=route.kwargs(world)))
    assert response.status_code == 200
    assert_well_formed_page(response.content)


@pytest.mark.parametrize(
    "route",
    [r for r in HTML_ROUTES if r.post and r.get and r.name not in NO_REQUIRED_FIELDS],
    ids=lambda route: route.name,
)
def test_an_empty_form_comes_back_with_an_error_summary(
    world: SimpleNamespace, route: Any, client_for: ClientFor
) -> None:
    persona = _first_allowed(route)
    assert persona is not None
    response = client_for(getattr(world, persona)).post(reverse(route.name, kwargs=route.kwargs(world)), {})
    assert response.status_code == 200
    page = assert_well_formed_page(response.content, title_starts="Error: ")
    assert page.has_error_summary
