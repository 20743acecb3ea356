"""The mentors' code of conduct: which version is current, whether a person has accepted it, and accepting it.

Matching asks `conduct_accepted` before it introduces a mentor and before a mentor accepts an introduction. With no
published code there is nothing to accept (a fresh test database, say), so nobody is held back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CodeOfConduct, ConductAcceptance, User

NOT_ACCEPTED_MESSAGE = (
    "Accept the current mentor code of conduct before you can be introduced to a mutual or accept an introduction."
)


def current_code() -> CodeOfConduct | None:
    return CodeOfConduct.objects.filter(published_at__isnull=False).order_by("-version").first()


def conduct_accepted(*, user: User, code: CodeOfConduct | None = None) -> bool:
    """Whether the person has accepted the current version (True when no version is published)."""
    code = code or current_code()
    return code is None or ConductAcceptance.objects.filter(user=user, code=code).exists()


def users_who_accepted(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who have accepted the current version (all of them when none is published), in one
    query: for paths that introduce many mentors at once, such as publishing a batch."""
    ids = set(user_ids)
    code = current_code()
    if code is None:
        return ids
    return set(ConductAcceptance.objects.filter(code=code, user_id__in=ids).values_list("user_id", flat=True))


def acceptance_of(user: User) -> ConductAcceptance | None:
    """The person's acceptance of the current version, if any."""
    code = current_code()
    if code is None:
        return None
    return ConductAcceptance.objects.filter(user=user, code=code).select_related("code").first()


@transaction.atomic
def conduct_accept(*, user: User, code: CodeOfConduct) -> ConductAcceptance:
    """Record that the person accepted this version now. Accepting twice keeps the first record."""
    if code.published_at is None:
        raise ValueError("Only a published code of conduct can be accepted.")
    existing = ConductAcceptance.objects.filter(user=user, code=code).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ConductAcceptance.objects.create(user=user, code=code, accepted_at=timezone.now())
    except IntegrityError:  # accepted in another tab at the same moment
        return ConductAcceptance.objects.get(user=user, code=code)


@transaction.atomic
def code_publish(*, body: str, summary: str = "") -> CodeOfConduct:
    """Publish a new version: from now every mentor must accept it before their next introduction."""
    last = CodeOfConduct.objects.select_for_update().order_by("-version").first()
    return CodeOfConduct.objects.create(
        version=(last.version if last else 0) + 1, body=body, summary=summary, published_at=timezone.now()
    )
