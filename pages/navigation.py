"""The header's links: what each person can use, by role, and their account links kept apart.

A link appears only for people who can use the page behind it (a new mentor is not offered a mentor directory they
may not see). The link whose section the page is in is marked as current (aria-current="page"). Everything comes
from one query per page: the person's roles (accounts.roles) with their unread counts (messaging).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from accounts.models import MentorProfile, User
from accounts.prepared import PersonQuery
from accounts.roles import Roles, role_annotations, roles_from_row
from messaging.selectors import header_count_annotations


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    # Paths whose pages belong to this link's section (the url itself always does).
    sections: tuple[str, ...] = ()
    badge: int = 0
    badge_words: str = ""  # read after the number by screen readers: "3 unread"
    current: bool = False


@dataclass(frozen=True)
class Header:
    service: list[Link]
    account: list[Link]
    roles: Roles | None


# The person's roles and unread counts: one query a page, compiled once per process (accounts.prepared).
_HEADER_QUESTION = PersonQuery(
    lambda person: User.objects.filter(pk=person.pk).values(**role_annotations(), **header_count_annotations(person))
)

PUBLIC_LINKS = (
    ("Set up a mutual", "information:guide", ()),
    ("Guidance", "information:resource_list", ()),
    ("Case studies", "information:case_study_list", ()),
    ("Emerging mutuals", "accounts:mutual_directory", ()),
    ("Ambassadors", "ambassadors:directory", ()),
    ("Contact", "pages:contact", ("/contact/",)),
)


@cache
def _reversed(name: str, script_prefix: str, urlconf: Any) -> str:
    return reverse(name, urlconf=urlconf)


def page_url(name: str) -> str:
    """The URL of a page that takes no arguments, reversed once per process: the header's and footer's links are on
    every page. It changes only with the script prefix and the URLconf, so both are part of what it is kept by."""
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _link(label: str, name: str, sections: tuple[str, ...] = (), **extra: object) -> Link:
    return Link(label, page_url(name), sections, **extra)  # type: ignore[arg-type]


def _service_links(roles: Roles, unread_messages: int) -> list[Link]:
    links = [_link("Dashboard", "accounts:dashboard")]
    if roles.is_programme_team:
        links += [
            _link("Programme", "programme:dashboard", ("/matching/staff/", "/ambassadors/programme/", "/information/")),
            _link("Vetting", "accounts:vetting_queue"),
            _link("Mentors", "accounts:mentor_directory"),
            _link("Mutuals", "accounts:mutual_directory"),
        ]
    if roles.has("member"):
        links.append(_link("Requests", "matching:request_list", ("/matching/requests/",)))
        if not roles.is_programme_team:
            links.append(_link("Mentors", "accounts:mentor_directory"))
    if roles.mentor_status == MentorProfile.Status.APPROVED:
        links.append(_link("Introductions", "matching:introduction_list"))
    if roles.mentor_status is not None:
        links.append(_link("Mentor profile", "accounts:mentor_profile"))
    if roles.has("ambassador"):
        links.append(_link("Ambassador", "ambassadors:invitation_list", ("/ambassadors/profile/",)))
    elif roles.has("applicant"):
        links.append(_link("Application", "ambassadors:my_applications"))
    if roles.has("member") or roles.mentor_status == MentorProfile.Status.APPROVED:
        links.append(
            _link("Messages", "messaging:inbox", ("/relationships/",), badge=unread_messages, badge_words="unread")
        )
    if not roles.is_programme_team:
        links.append(_link("Guidance", "information:resource_list", ("/how-to-set-up-a-mutual/", "/case-studies/")))
    return links


def _account_links(unread_notices: int) -> list[Link]:
    return [
        _link("Notices", "accounts:notice_list", badge=unread_notices, badge_words="new"),
        _link("Account", "account_email", ("/account/",)),
    ]


def _mark_current(links: list[Link], path: str) -> list[Link]:
    """The link whose url or section is the longest start of the path is current; at most one."""
    best, best_length = None, 0
    for index, link in enumerate(links):
        for prefix in (link.url, *link.sections):
            if path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return [
        Link(link.label, link.url, link.sections, link.badge, link.badge_words, current=index == best)
        for index, link in enumerate(links)
    ]


def header_for(request: HttpRequest) -> Header:
    """The header for this request; computed once per request however often a template asks."""
    cached: Header | None = getattr(request, "_header", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        header = Header(
            service=_mark_current(
                [_link(label, name, sections) for label, name, sections in PUBLIC_LINKS], request.path
            ),
            account=[],
            roles=None,
        )
    else:
        assert isinstance(user, User)
        row: dict[str, Any] = _HEADER_QUESTION.row(user) or {"unread_messages": 0, "unread_notices": 0}
        roles = roles_from_row(row, user)
        links = _mark_current(
            _service_links(roles, row["unread_messages"]) + _account_links(row["unread_notices"]), request.path
        )
        split = len(links) - 2
        header = Header(service=links[:split], account=links[split:], roles=roles)
    request._header = header  # type: ignore[attr-defined]
    return header
