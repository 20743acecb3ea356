"""Versions of the matching weights."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import User
from matching import engine
from matching.models import (
    MatchingWeights,
)
from matching.services.common import MatchingError

logger = logging.getLogger(__name__)


@transaction.atomic
def weights_save(*, user: User, weights: engine.Weights, note: str = "") -> MatchingWeights:
    """A new version of the weights becomes current. Earlier versions are kept with who saved them and when."""
    try:
        weights.validate()
    except ValueError as error:
        raise MatchingError(str(error)) from error
    return MatchingWeights.objects.create(**weights.as_dict(), note=note, created_by=user)
