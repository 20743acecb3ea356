"""Factories for the accounts objects that tests/factories.py does not cover."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import MutualInvitation
from tests.factories import MutualFactory


class MutualInvitationFactory(factory.django.DjangoModelFactory):
    """A usable invitation: not accepted, not revoked, expiring in a week."""

    class Meta:
        model = MutualInvitation

    mutual = factory.SubFactory(MutualFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
