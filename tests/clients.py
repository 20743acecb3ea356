"""A test Client signed in as someone, without the sign-in form.

Tests ask for the `client_for` fixture (tests/conftest.py); helpers and factories outside a test's arguments call
`signed_in_client` directly. Both sign in through Client.force_login, which tests/conftest.py makes write allauth's
sign-in records (password and, for people with an authenticator, the second factor), so programme staff pass the
second-factor middleware as they would after signing in through the form.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.test import Client

from accounts.models import User


class ClientFor(Protocol):
    """The type of the `client_for` fixture: client_for(user, **client_kwargs) -> a Client signed in as user."""

    def __call__(self, user: User, /, **client_kwargs: Any) -> Client: ...


def signed_in_client(user: User, /, **client_kwargs: Any) -> Client:
    """A new Client signed in as `user`; client_kwargs go to Client, e.g. enforce_csrf_checks=True."""
    client = Client(**client_kwargs)
    client.force_login(user)
    return client
