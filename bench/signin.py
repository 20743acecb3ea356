"""Signing benchmark people in without the sign-in form, as the real form would leave their session.

Programme staff pass a second factor in every session (accounts.middleware.StaffSecondFactorMiddleware), so a
session that only says who the person is sends staff back to sign in. allauth records each step of a sign-in in the
session; these helpers write the same records: a password, and a code for people who have an authenticator.
Import them after `django.setup()`.
"""

from __future__ import annotations

import time
from typing import Any


def authentication_records(user: Any) -> dict[str, Any]:
    """The session entries allauth leaves after a sign-in by `user` with a password (and a code, if they have one)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str
    from allauth.mfa.utils import is_mfa_enabled

    now = time.time()
    records: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    if is_mfa_enabled(user):
        records.append({"method": "mfa", "at": now, "type": "totp"})
    # allauth keeps the owner of the records beside them (a private name in allauth 65; see tests/conftest.py).
    return {AUTHENTICATION_METHODS_SESSION_KEY: records, "account_authentication_methods_user": user_id_to_str(user)}


def signed_in_client(user: Any) -> Any:
    """A django.test.Client signed in as `user`, second factor included for people who have one."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session.update(authentication_records(user))
    session.save()
    return client
