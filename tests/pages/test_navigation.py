"""The header offers each person what they can use (issue 17: no dead ends), marks where they are, and keeps their
account links apart from the service's links; it costs one query per page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix

from accounts.models import MentorProfile, User
from pages.navigation import header_for
from tests.ambassadors.factories import AmbassadorFactory, ApplicationFactory
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def service_links(html: str) -> list[str]:
    menu = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', menu)
    ]


def account_links(html: str) -> list[str]:
    if '<nav aria-label="Your account"' not in html:
        return []
    nav = html.split('<nav aria-label="Your account"', 1)[1].split("</nav>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"app-account-nav__link\"[^>]*>(.*?)</(?:a|button)>", nav)
    ]


def pending_mentor() -> User:
    return MentorProfileFactory(status=MentorProfile.Status.PENDING).user


def applicant() -> User:
    return ApplicationFactory().applicant


def ambassador() -> User:
    return AmbassadorFactory().user


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", ["Dashboard", "Guidance"]),
        ("member", ["Dashboard", "Requests", "Mentors", "Messages", "Guidance"]),
        ("mentor", ["Dashboard", "Introductions", "Mentor profile", "Messages", "Guidance"]),
        ("staff", ["Dashboard", "Programme", "Vetting", "Mentors", "Mutuals"]),
    ],
)
def test_each_person_is_offered_what_they_can_use(
    persona: str, expected: list[str], request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    user = request.getfixturevalue(persona)
    html = client_for(user).get(reverse("information:guide")).content.decode()
    assert service_links(html) == expected
    assert account_links(html) == ["Notices", "Account", "Sign out"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (pending_mentor, ["Dashboard", "Mentor profile", "Guidance"]),
        (applicant, ["Dashboard", "Application", "Guidance"]),
        (ambassador, ["Dashboard", "Ambassador", "Guidance"]),
    ],
)
def test_mentors_waiting_for_vetting_applicants_and_ambassadors_get_their_own_links(
    make, expected: list[str], client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    html = client_for(make()).get(reverse("accounts:dashboard")).content.decode()
    assert service_links(html) == expected


@pytest.mark.parametrize("persona", ["outsider", "member", "mentor", "staff"])
def test_every_link_in_the_header_opens(persona: str, request: pytest.FixtureRequest, client_for: ClientFor) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    header = header_for(_request_for(user, "/"))
    for link in header.service + header.account:
        assert client.get(link.url).status_code == 200, (persona, link.label)


def test_signed_out_visitors_see_the_information_service_and_sign_in() -> None:
    html = Client().get(reverse("pages:home")).content.decode()
    assert service_links(html) == [
        "Set up a mutual",
        "Guidance",
        "Case studies",
        "Emerging mutuals",
        "Ambassadors",
        "Contact",
        "Sign in",
        "Create an account",
    ]
    assert account_links(html) == []


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/programme/", "Programme"),
        ("/programme/vetting/", "Vetting"),
        ("/matching/staff/runs/", "Programme"),
        ("/mentors/", "Mentors"),
        ("/dashboard/", "Dashboard"),
        ("/account/email/", "Account"),
        ("/account/notices/", "Notices"),
    ],
)
def test_the_section_a_page_is_in_is_marked_current(path: str, current: str, staff: User) -> None:
    header = header_for(_request_for(staff, path))
    assert [link.label for link in header.service + header.account if link.current] == [current]


def test_a_page_outside_every_section_marks_nothing(staff: User) -> None:
    header = header_for(_request_for(staff, "/accessibility/"))
    assert not any(link.current for link in header.service + header.account)


def test_the_current_link_is_announced_as_the_current_page(member: User, client_for: ClientFor) -> None:
    html = client_for(member).get(reverse("matching:request_list")).content.decode()
    assert html.count('aria-current="page"') == 1
    assert re.search(r'aria-current="page"><strong[^>]*>Requests</strong>', html)


def test_the_header_costs_one_query_with_every_role_and_count(member: User) -> None:
    MentorProfileFactory(user=member)
    AmbassadorFactory(user=member)
    with CaptureQueriesContext(connection) as queries:
        header = header_for(_request_for(member, "/"))
        header_for(header_request := _request_for(member, "/"))
        header_for(header_request)
    assert len(queries.captured_queries) == 2  # one per request; the second call on a request is free
    assert {"Requests", "Introductions", "Ambassador", "Messages"} <= {link.label for link in header.service}


def test_header_links_follow_the_script_prefix_the_service_is_mounted_under(member: User) -> None:
    # The links are reversed once per process and kept: the prefix is part of what they are kept by.
    plain = header_for(_request_for(member, "/"))
    set_script_prefix("/mentoring/")
    try:
        mounted = header_for(_request_for(member, "/"))
    finally:
        clear_script_prefix()
    again = header_for(_request_for(member, "/"))
    assert [link.url for link in mounted.service] == [f"/mentoring{link.url}" for link in plain.service]
    assert [link.url for link in again.service] == [link.url for link in plain.service]
    assert plain.service[0].url == reverse("accounts:dashboard")


def test_page_url_gives_what_the_url_tag_gives_under_any_script_prefix() -> None:
    page_url = Template("{% load navigation %}{% page_url 'pages:contact' %}")
    url = Template("{% url 'pages:contact' %}")
    assert page_url.render(Context()) == url.render(Context()) == "/contact/"
    set_script_prefix("/mentoring/")
    try:
        assert page_url.render(Context()) == url.render(Context()) == "/mentoring/contact/"
    finally:
        clear_script_prefix()


def _request_for(user: User | None, path: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.user = user if user is not None else UserFactory.build()
    return request
