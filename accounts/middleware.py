"""Session limits and the MFA requirement for programme staff."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED_KEY = "session_started_at"


class AbsoluteSessionLimitMiddleware:
    """Ends a session SESSION_ABSOLUTE_LIMIT after sign-in, however active it has been.

    The idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST; this caps the total.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.SESSION_ABSOLUTE_LIMIT.total_seconds()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - float(started) > self.limit:
                logout(request)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# Pages a programme team member without MFA may still reach: setting MFA up, signing out, the public pages.
MFA_EXEMPT_PREFIXES = ("/account/", "/static/", "/healthz", "/about", "/accessibility", "/privacy", "/cookies")


class ProgrammeTeamMFAMiddleware:
    """Programme staff must set up two-factor authentication before using anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_programme_team", False)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and request.path != "/"
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
