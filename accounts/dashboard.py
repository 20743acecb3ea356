"""Sections other apps add to the dashboard, so accounts does not import them (dependencies point one way).

An app registers a section from its AppConfig.ready():

    from accounts.dashboard import DashboardSection, register_section

    register_section(DashboardSection(
        key="matching-requests",
        template_name="matching/dashboard_requests.html",
        context=lambda user, roles: {"requests": requests_for(user)[:5]} if roles.has("member") else {},
        order=10,
    ))

The dashboard renders each section's template with its context under `section` (the template decides whether to
show anything). `context` is given the person and their roles (accounts.roles, read once for the whole page), so a
section for a role the person does not have costs no query. Keep each section's query count fixed: the dashboard
has a query budget test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from accounts.roles import Roles


@dataclass(frozen=True)
class DashboardSection:
    key: str  # unique; registering the same key again replaces the section (ready() may run more than once)
    template_name: str
    context: Callable[[User, Roles], dict[str, Any]]
    order: int = 100  # lower comes first; the accounts sections are above all of these


@dataclass(frozen=True)
class RenderedSection:
    template_name: str
    context: dict[str, Any]


_sections: dict[str, DashboardSection] = {}


def register_section(section: DashboardSection) -> None:
    _sections[section.key] = section


def sections_for(user: User, roles: Roles) -> list[RenderedSection]:
    ordered = sorted(_sections.values(), key=lambda section: (section.order, section.key))
    return [RenderedSection(section.template_name, section.context(user, roles)) for section in ordered]
