"""Email backends for tests that need the mail server to fail: chosen with settings.EMAIL_BACKEND.

Django makes a new backend for every email sent, so what a backend has seen is kept on its class (reset with
`reset()`), guarded by a lock because a real worker sends from its own thread.
"""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem


class FailsTwiceThenSends(locmem.EmailBackend):
    """The mail server drops the connection twice, then takes the email (delivered to mail.outbox)."""

    failures = 2
    calls = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.calls = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with self._lock:
            type(self).calls += 1
            call = type(self).calls
        if call <= self.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


class AlwaysUnreachable(FailsTwiceThenSends):
    """The mail server never answers."""

    failures = 10**6


class RefusesForGood(FailsTwiceThenSends):
    """The mail service refuses the message itself: trying again will not help (not a connection error)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with self._lock:
            type(self).calls += 1
        raise ValueError("The mail service refused the message: the template is not allowed")
