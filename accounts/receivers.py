"""What accounts does when allauth reports an event."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from accounts import two_factor


@receiver(authenticator_added)
def authenticator_added_counts_as_second_factor(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        two_factor.record_new_authenticator(request, authenticator)
