"""Fixtures for the ambassadors tests: Dana (the `ambassador` persona) is an appointed ambassador here."""

from __future__ import annotations

import pytest

from accounts.models import User
from ambassadors.models import Ambassador, Cohort
from tests.ambassadors.factories import CohortFactory, make_ambassador


@pytest.fixture
def cohort(db) -> Cohort:  # type: ignore[no-untyped-def]
    return CohortFactory(name="2026 cohort")


@pytest.fixture
def ambassador(ambassador: User, cohort: Cohort) -> User:
    """Overrides the shared persona: Dana, appointed to the 2026 cohort."""
    make_ambassador(ambassador, cohort=cohort)
    return ambassador


@pytest.fixture
def ambassador_record(ambassador: User) -> Ambassador:
    return ambassador.ambassador
