"""The ways a person takes part (member of a mutual, mentor, ambassador, applicant...), read in one query.

Each app that gives people a role registers it from its AppConfig.ready(), as a condition on the User row, so that
accounts does not import the apps above it (dependencies point one way):

    register_role("ambassador", lambda: Exists(Ambassador.objects.filter(user=OuterRef("pk"), status="active")))

The header (pages) reads every role with the unread counts in the one query it makes per page; sign-in and the
dashboard read them to tell whether a person has found their way in yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Expression, OuterRef, Subquery

from accounts.models import Membership, MentorProfile, User
from accounts.prepared import PersonQuery

_roles: dict[str, Callable[[], Expression | Exists | Subquery]] = {}


def register_role(name: str, condition: Callable[[], Expression | Exists | Subquery]) -> None:
    """`condition` builds an expression on a User queryset (OuterRef("pk") is the person); truthy means "has it"."""
    _roles[name] = condition


def role_annotations() -> dict[str, Any]:
    return {f"role_{name}": condition() for name, condition in _roles.items()}


@dataclass(frozen=True)
class Roles:
    """What a person is on the service. `has` answers for any registered role; unknown names are False."""

    values: Mapping[str, Any]
    is_programme_team: bool = False

    def has(self, name: str) -> bool:
        return bool(self.values.get(name))

    @property
    def mentor_status(self) -> str | None:
        """The mentor profile's vetting status, or None without one."""
        value = self.values.get("mentor")
        return str(value) if value else None

    @property
    def involved(self) -> bool:
        """Has taken part in any way: without one, sign-in leads to "How do you want to take part?"."""
        return self.is_programme_team or any(bool(value) for value in self.values.values())


def roles_from_row(row: Mapping[str, Any], user: User) -> Roles:
    """The Roles in a row annotated with role_annotations()."""
    values = {key.removeprefix("role_"): value for key, value in row.items() if key.startswith("role_")}
    return Roles(values=values, is_programme_team=bool(getattr(user, "is_programme_team", False)))


_ROLES_QUESTION = PersonQuery(lambda person: User.objects.filter(pk=person.pk).values(**role_annotations()))


def roles_of(user: User) -> Roles:
    """One query, compiled once per process (accounts.prepared)."""
    return roles_from_row(_ROLES_QUESTION.row(user) or {}, user)


def register_account_roles() -> None:
    register_role("member", lambda: Exists(Membership.objects.filter(user=OuterRef("pk"))))
    register_role(
        "mentor", lambda: Subquery(MentorProfile.objects.filter(user=OuterRef("pk")).order_by().values("status")[:1])
    )
