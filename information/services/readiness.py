"""Keeping a readiness check: the only way its answers are stored, besides sending them with an enquiry."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from accounts.models import Membership, Mutual, User
from information import readiness
from information.models import ReadinessResult
from information.services.common import InformationError


@transaction.atomic
def readiness_save(*, mutual: Mutual, user: User, answers: Mapping[str, str]) -> ReadinessResult:
    """Keep complete answers on the mutual's profile, for its members (and the programme team) to come back to."""
    if not Membership.objects.filter(mutual=mutual, user=user).exists():
        raise InformationError("Only members of a mutual can save a readiness check to its profile.")
    cleaned = readiness.clean(answers)
    if not readiness.is_complete(cleaned):
        raise InformationError("Answer every question before saving the check.")
    return ReadinessResult.objects.create(mutual=mutual, answers=cleaned, saved_by=user)
