"""Who must use two-factor authentication, and whether this session has passed it.

Programme staff run vetting, moderation and reports; Django staff and superusers reach the admin. Every one of their
sessions must have passed the second factor, and they cannot switch it off while they hold the role. Everyone else
may use it and may switch it off, but only by proving the second factor again.

allauth records each authentication step of a session (password, mfa, reauthentication) with its time; these
functions read those records rather than keeping state of their own.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest


def is_privileged(user: Any) -> bool:
    return bool(
        getattr(user, "is_programme_team", False)
        or getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
    )


def has_authenticator(user: Any) -> bool:
    return bool(is_mfa_enabled(user))


def _records(request: HttpRequest) -> list[dict[str, Any]]:
    return list(get_authentication_records(request, request.user))  # type: ignore[arg-type]


def session_passed(request: HttpRequest) -> bool:
    """Whether this session's sign-in included the second factor (a code, a recovery code or a security key)."""
    return any(record.get("method") == "mfa" for record in _records(request))


def recently_proved_second_factor(request: HttpRequest) -> bool:
    """Whether the person gave their second factor again within the re-authentication window (allauth's timeout)."""
    timeout = getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
    return any(
        record.get("method") == "mfa" and record.get("reauthenticated") and time.time() - record["at"] < timeout
        for record in _records(request)
    )


def record_new_authenticator(request: HttpRequest, authenticator: Any) -> None:
    """Setting up an authenticator proves it: the person has just entered a code from it. The session counts as
    having passed the second factor, so a new member of staff goes straight on rather than signing in again."""
    record_authentication(request, request.user, "mfa", id=authenticator.pk, type=authenticator.type)  # type: ignore[arg-type]


def set_up_since_recent_password_sign_in(request: HttpRequest) -> bool:
    """A password sign-in within the re-authentication window, and every authenticator the person has was set up
    after it: a first set-up still under way (the recovery codes shown next, a security key added as well), for
    which the password just typed is the freshest proof there is."""
    from allauth.mfa.models import Authenticator

    timeout = getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
    signed_in = [
        record["at"]
        for record in _records(request)
        if record.get("method") == "password" and time.time() - record["at"] < timeout
    ]
    if not signed_in:
        return False
    created = Authenticator.objects.filter(user=request.user).values_list("created_at", flat=True)
    return all(moment.timestamp() >= max(signed_in) for moment in created)
