"""Session limits, and the second factor for programme staff, Django staff and superusers."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from accounts import two_factor
from accounts.session_limits import LAST_ACTIVE_KEY, SESSION_STARTED_KEY, absolute_seconds_left, extends_session


class IdleSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware (SESSION_SAVE_EVERY_REQUEST: each response restarts the idle limit), except that:

    - a signed-in session records when that last happened (LAST_ACTIVE_KEY), so the time left can be read later;
    - a request whose view is marked `does_not_extend_session` (the time-out warning's status check) is not saved,
      so the session's expiry, in the database and in the cookie, stays where it was;
    - a signed-in session that nothing changed is saved at most once every SESSION_RESAVE_SECONDS: saving it on
      every request cost three queries and a database write per page. The idle limit then counts from the last
      save (at most that many seconds early), and the time-out warning, which reads the same record, agrees.
      Never more than a twentieth of the idle limit, so a short limit is not cut short by the saving.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not extends_session(request) or self._saved_recently(request):
            patch_vary_headers(response, ("Cookie",))
            return response
        # Only signed-in sessions: stamping an anonymous or expired one would create a session for nobody.
        if SESSION_KEY in request.session:
            request.session[LAST_ACTIVE_KEY] = time.time()
        return super().process_response(request, response)

    @staticmethod
    def _saved_recently(request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        if session is None or session.modified or SESSION_KEY not in session:
            return False
        last_active = session.get(LAST_ACTIVE_KEY)
        resave_seconds = min(settings.SESSION_RESAVE_SECONDS, settings.SESSION_COOKIE_AGE / 20)
        return last_active is not None and time.time() - float(last_active) < resave_seconds


class AbsoluteSessionLimitMiddleware:
    """Ends a session SESSION_ABSOLUTE_LIMIT after sign-in, however active it has been.

    The idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST; this caps the total.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            if SESSION_STARTED_KEY not in request.session:
                request.session[SESSION_STARTED_KEY] = time.time()
            elif absolute_seconds_left(request.session, time.time()) < 0:
                logout(request)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# Pages a privileged person without MFA may still reach: setting MFA up, signing out, the public pages, and the
# session time-out warning's requests (made from the MFA setup pages too).
MFA_EXEMPT_PREFIXES = (
    "/account/",
    "/session/",
    "/static/",
    "/healthz",
    "/about",
    "/accessibility",
    "/privacy",
    "/cookies",
)
# What a session that skipped the second factor may still fetch before it is ended: nothing but assets and probes.
UNVERIFIED_EXEMPT_PREFIXES = ("/static/", "/healthz")


class StaffSecondFactorMiddleware:
    """Programme staff, Django staff and superusers use two-factor authentication, in every session.

    - Without an authenticator they are sent to set one up and can reach nothing else (but their account pages and
      the public pages).
    - With one, the session must have passed it: allauth records each step of a sign-in in the session, and a
      sign-in that skipped the code (any path around allauth's form, such as Django admin's own login) has no "mfa"
      record. Such a session is ended and the person sent to sign in properly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and two_factor.is_privileged(user):
            if not two_factor.has_authenticator(user):
                if not request.path.startswith(MFA_EXEMPT_PREFIXES) and request.path != "/":
                    return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
            elif not two_factor.session_passed(request) and not request.path.startswith(UNVERIFIED_EXEMPT_PREFIXES):
                logout(request)
                messages.info(request, "Sign in again with your password and your authentication code.")
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
